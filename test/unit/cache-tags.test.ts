import { listOfFilter, listTag } from '../../src/modules/article/article-lists';
import { purgeTagsOf } from '../../src/server/cache/purge-tags';
import {
  cacheTagHeaders, compactCacheTags, encodeCacheTag, MAX_TAG_HEADER_BYTES, purgeHeaderValues,
} from '../../src/shared/cache-tags';

/** A database that answers the one statement of listsHolding with these rows, and counts what it was asked. */
function membership(rows: object[]) {
  const asked: unknown[][] = [];
  return {
    asked,
    sql: { query: async (_text: string, values?: unknown[]) => (asked.push(values ?? []), rows) } as { query: <T>(text: string, values?: unknown[]) => Promise<T[]> },
  };
}

/** An article in Kénitra (MA-KEN, in MA-04, in MA), in French, about one person, in one section, with one tag. */
const KENITRA_ARTICLE = { id: 7, lang: 'fr', listed: true, category: 'politique', tags: ['انتخابات'], people: ['awatif-hayar'], regions: ['MA', 'MA-04', 'MA-KEN'] };

describe('cache tags: the lists a change purges, and the headers HTTP caches read', () => {
  it('names a filtered list by its narrowest condition (any article it shows is in that list), narrowed by language', () => {
    expect(listTag(listOfFilter(undefined))).toBe('List:latest');
    expect(listTag(listOfFilter({ lang: 'fr' }))).toBe('List:latest@fr');
    expect(listTag(listOfFilter({ regionCode: 'ma-04' }))).toBe('List:region:MA-04');
    expect(listTag(listOfFilter({ regionCode: 'MA-04', categorySlug: 'politique', lang: 'ar' }))).toBe('List:category:politique@ar');
    expect(listTag(listOfFilter({ regionCode: 'MA-04', personSlug: 'awatif-hayar', tag: 'x', live: true }))).toBe('List:person:awatif-hayar');
    expect(listTag(listOfFilter({ tag: 'تعليم', publishedAfter: new Date(0) }))).toBe('List:tag:تعليم');
  });

  it('a publication purges the article, the type\'s catch-all responses and exactly the lists it entered', async () => {
    const db = membership([KENITRA_ARTICLE]);
    const tags = await purgeTagsOf(db.sql, [{ topic: 'article', kind: 'PUBLISHED', entityId: 7, regionCodes: ['MA', 'MA-04', 'MA-KEN'] }]);
    expect(db.asked).toEqual([[[7]]]);
    const lists = ['latest', 'category:politique', 'region:MA', 'region:MA-04', 'region:MA-KEN', 'person:awatif-hayar', 'tag:انتخابات'];
    expect(tags.sort()).toEqual(['Article:7', 'Article', 'Article:*', ...lists.flatMap((list) => [`List:${list}`, `List:${list}@fr`])].sort());
    // What it does not enter stays cached: another place, another language, another person's page.
    for (const other of [{ regionCode: 'MA-01' }, { lang: 'ar' as const }, { personSlug: 'someone-else' }, { regionCode: 'MA-04', lang: 'ar' as const }]) {
      expect(tags).not.toContain(listTag(listOfFilter(other)));
    }
  });

  it('an edit purges the lists the article is in now; the lists it left show it, and go by its own tag', async () => {
    const tags = await purgeTagsOf(membership([{ ...KENITRA_ARTICLE, regions: ['MA', 'MA-01'] }]).sql, [{ topic: 'article', kind: 'UPDATED', entityId: 7, regionCodes: [] }]);
    expect(tags).toEqual(expect.arrayContaining(['Article:7', 'List:region:MA-01', 'List:region:MA-01@fr']));
    expect(tags).not.toContain('List:region:MA-04');
  });

  it('a change that moves the article in no list reads nothing and purges only what shows it', async () => {
    for (const kind of ['RETRACTED', 'SHOWN_UPDATED', 'ARCHIVED']) {
      const db = membership([KENITRA_ARTICLE]);
      expect(await purgeTagsOf(db.sql, [{ topic: 'article', kind, entityId: 7, regionCodes: [] }])).toEqual(['Article:7', 'Article:*']);
      expect(db.asked).toEqual([]);
    }
    // A live blog's entry is a change of the article's page only; its start joins the lists the article is in.
    const entry = membership([KENITRA_ARTICLE]);
    expect(await purgeTagsOf(entry.sql, [{ topic: 'live', kind: 'POSTED', entityId: 7, regionCodes: [] }])).toEqual(['Article:7', 'Article:*']);
    const started = membership([KENITRA_ARTICLE]);
    expect(await purgeTagsOf(started.sql, [{ topic: 'live', kind: 'STARTED', entityId: 7, regionCodes: [] }])).toContain('List:region:MA-KEN');
  });

  it('an article readers\' lists no longer show joins no list', async () => {
    const tags = await purgeTagsOf(membership([{ ...KENITRA_ARTICLE, listed: false }]).sql, [{ topic: 'article', kind: 'UPDATED', entityId: 7, regionCodes: [] }]);
    expect(tags.filter((tag) => tag.startsWith('List:'))).toEqual([]);
  });

  it('one batch of events is one statement and one set of tags', async () => {
    const db = membership([KENITRA_ARTICLE, { ...KENITRA_ARTICLE, id: 8, lang: 'ar' }]);
    const tags = await purgeTagsOf(db.sql, [7, 8, 7].map((entityId) => ({ topic: 'article', kind: 'PUBLISHED', entityId, regionCodes: [] })));
    expect(db.asked).toEqual([[[7, 8]]]);
    expect(new Set(tags).size).toBe(tags.length);
    expect(tags).toEqual(expect.arrayContaining(['List:latest@fr', 'List:latest@ar', 'Article:7', 'Article:8']));
  });

  it('sends tags as header tokens: ASCII, no separators, the same encoding for responses and purges', () => {
    expect(encodeCacheTag('List:tag:تعليم & تكوين@fr')).toBe(`List:tag:${encodeURIComponent('تعليم')}%20%26%20${encodeURIComponent('تكوين')}@fr`);
    expect(encodeCacheTag('Article:12')).toBe('Article:12');
    expect(encodeCacheTag('Article:*')).toBe('Article:*');
    expect(encodeCacheTag("List:tag:it's (x)!~_.-")).toBe('List:tag:it%27s%20%28x%29%21~_.-');
    expect(cacheTagHeaders(['Article:12', 'List:region:MA-04'])).toEqual({
      'xkey': 'Article:12 List:region:MA-04', 'surrogate-key': 'Article:12 List:region:MA-04', 'cache-tag': 'Article:12,List:region:MA-04',
    });
    expect(cacheTagHeaders([])).toBeNull();
    expect(purgeHeaderValues(['List:tag:a b'])).toEqual(['List:tag:a%20b']);
  });

  it('compacts a response too large to name every entity: the most numerous type becomes Type:*, which every change of the type purges', async () => {
    const sitemap = ['Article', ...Array.from({ length: 1_000 }, (_, i) => `Article:${100_000 + i}`), 'Region:MA-04'];
    const tokens = compactCacheTags(sitemap);
    expect(tokens.sort()).toEqual(['Article', 'Article:*', 'Region:MA-04']);
    const list = ['List:latest', ...Array.from({ length: 50 }, (_, i) => `Article:${i}`)];
    expect(compactCacheTags(list)).toEqual(list);
    expect(cacheTagHeaders(sitemap)!.xkey.length).toBeLessThanOrEqual(MAX_TAG_HEADER_BYTES);
    expect(await purgeTagsOf(membership([]).sql, [{ topic: 'article', kind: 'RETRACTED', entityId: 100_500, regionCodes: [] }])).toContain('Article:*');
    // A purge of many tags goes as several requests, each within the limit.
    const values = purgeHeaderValues(sitemap);
    expect(values.length).toBeGreaterThan(1);
    expect(values.every((value) => value.length <= MAX_TAG_HEADER_BYTES)).toBe(true);
    expect(values.join(' ').split(' ')).toEqual(sitemap);
  });
});
