import { tagsToPurge } from '../../src/server/cache/purge-tags';
import { maxAgeFor } from '../../src/server/cache/cache-control';

/** What each change evicts from the response cache, and how long a response may be cached for what it shows. */
describe('purge tags: what a change evicts', () => {
  const change = (topic: string, kind: string, entityId = 7, regionCodes: string[] = []) =>
    tagsToPurge({ topic, kind, entityId, regionCodes } as Parameters<typeof tagsToPurge>[0]);

  it.each(['PUBLISHED', 'UPDATED', 'CORRECTED'])('an article %s: the article everywhere, and every list of articles it could join or move in', (kind) => {
    expect(change('article', kind)).toEqual(['Article:7', 'Article']);
  });

  it.each(['RETRACTED', 'ARCHIVED', 'UNPUBLISHED', 'SHOWN_UPDATED'])('an article %s: only where it appears (no list it is not in can change)', (kind) => {
    expect(change('article', kind)).toEqual(['Article:7']);
  });

  it('breaking news pushed or updated: the item and every list of breaking news; killed: only where it appears', () => {
    expect(change('ticker', 'PUSHED', 3)).toEqual(['Ticker:3', 'Ticker']);
    expect(change('ticker', 'UPDATED', 3)).toEqual(['Ticker:3', 'Ticker']);
    expect(change('ticker', 'KILLED', 3)).toEqual(['Ticker:3']);
  });

  it('reads kinds in any letter case', () => {
    expect(change('article', 'retracted')).toEqual(['Article:7']);
    expect(change('ticker', 'killed', 3)).toEqual(['Ticker:3']);
  });

  it('reference data: the person, section or picture and its lists; places by code, with their lists', () => {
    expect(change('person', 'UPDATED', 12)).toEqual(['Person:12', 'Person']);
    expect(change('category', 'UPDATED', 4)).toEqual(['Category:4', 'Category']);
    expect(change('image', 'UPDATED', 70)).toEqual(['Image:70', 'Image']);
    expect(change('region', 'UPDATED', 0, ['MA-04', 'MA-KEN'])).toEqual(['Region:MA-04', 'Region:MA-KEN', 'Region']);
  });
});

describe('max-age: how long a public response may be cached', () => {
  const config = { maxAgeTicker: 5, maxAgeArticle: 120, maxAgeDefault: 300 };

  it('breaking news decides as soon as a response shows any: seconds', () => {
    expect(maxAgeFor(new Set(['Article', 'Article:1', 'Ticker:3']), config)).toBe(5);
    expect(maxAgeFor(new Set(['Ticker']), config)).toBe(5);
  });

  it('articles, one or a list of them: minutes', () => {
    expect(maxAgeFor(new Set(['Article:1']), config)).toBe(120);
    expect(maxAgeFor(new Set(['Person:2', 'Article']), config)).toBe(120);
    // An empty list of a place's articles is a list of articles all the same.
    expect(maxAgeFor(new Set(['Region:MA-04', 'List:region:MA-04']), config)).toBe(120);
  });

  it('reference data only, or nothing tagged: the default', () => {
    expect(maxAgeFor(new Set(['Person:2', 'Region:MA-04', 'Category', 'Image:7']), config)).toBe(300);
    expect(maxAgeFor(new Set(), config)).toBe(300);
  });

  it('never longer than the default, whatever the article setting', () => {
    expect(maxAgeFor(new Set(['Article:1']), { ...config, maxAgeArticle: 900 })).toBe(300);
  });
});
