import { GraphQLEnumType, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { CATALOGUES, EVENT_TOPICS } from '../../src/events';
import { ARTICLE_EVENTS } from '../../src/modules/article/article.events';
import { TICKER_EVENTS } from '../../src/modules/ticker/ticker.events';
import { IMAGE_EVENTS } from '../../src/modules/media/media.events';
import { LIVE_EVENTS } from '../../src/modules/live/live.events';
import { CALENDAR_EVENTS, dateLineTags } from '../../src/modules/calendar/calendar.events';
import { DisplayCalendar } from '../../src/modules/calendar/calendar.type';
import { DEPENDS_ON_TAGS, DependsOnTags } from '../../src/shared/cache-tags';
import { tagsToPurge } from '../../src/server/cache/purge-tags';
import { REFERENCE_TYPES, TAGGED_TYPES } from '../../src/server/cache/entity-tags';
import { buildKhabarSchema } from '../../src/server/schema';
import { isVisibleToReaders } from '../../src/modules/article/article.visibility';

/** What each kind of event does to cached responses: the entity's tags, and its type's (every list) or not. */
const purges = (topic: string, kind: string, entityId = 7, regionCodes: string[] = []) => tagsToPurge({ topic, kind, entityId, regionCodes });

describe('event catalogues: each kind declared once, in its feature, and everything else derived from it', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildKhabarSchema();
  });

  it('know every topic the outbox accepts (its CHECK constraint, last set by the CalendarEvents migration)', () => {
    expect([...EVENT_TOPICS].sort()).toEqual(['article', 'calendar', 'category', 'image', 'live', 'person', 'region', 'ticker']);
    expect(new Set(EVENT_TOPICS).size).toBe(CATALOGUES.length);
  });

  it('tell subscribers of articles the news, and readers the news that an article is gone even when they cannot read it', () => {
    expect(ARTICLE_EVENTS.kindsWhere((m) => m.news)).toEqual(['PUBLISHED', 'CORRECTED', 'RETRACTED', 'UNPUBLISHED', 'ARCHIVED']);
    expect(ARTICLE_EVENTS.kindsWhere((m) => m.removal)).toEqual(['RETRACTED', 'UNPUBLISHED', 'ARCHIVED']);
    // Edits and changes of what an article shows only purge caches.
    expect(ARTICLE_EVENTS.kindsWhere((m) => !m.news)).toEqual(['UPDATED', 'SHOWN_UPDATED']);
  });

  it('give the GraphQL enums their values and descriptions', () => {
    const values = (name: string) => (schema.getType(name) as GraphQLEnumType).getValues().map((v) => [v.name, v.description]);
    expect(values('ArticleEventKind')).toEqual(ARTICLE_EVENTS.kindsWhere((m) => m.news).map((kind) => [kind, ARTICLE_EVENTS.kinds[kind].description]));
    expect(values('TickerEventKind')).toEqual(TICKER_EVENTS.kindNames.map((kind) => [kind, TICKER_EVENTS.kinds[kind].description]));
    expect(values('TickerEventKind').map(([name]) => name)).toEqual(['PUSHED', 'UPDATED', 'KILLED']);
    // A live blog's subscribers hear of its entries and its end; its start only purges caches.
    expect(values('LiveEntryEventKind').map(([name]) => name)).toEqual(['POSTED', 'UPDATED', 'DELETED', 'PINNED', 'CORRECTED', 'ENDED']);
  });

  it('notify a breaking-news item while it is on air, and cancel its pending notification when it goes off air', () => {
    expect(TICKER_EVENTS.kindsWhere((m) => !m.takesOffAir)).toEqual(['PUSHED', 'UPDATED']);
    expect(TICKER_EVENTS.kindsWhere((m) => m.takesOffAir)).toEqual(['KILLED']);
  });

  it('drop the files an image event makes stale', () => {
    expect(IMAGE_EVENTS.kindsWhere((m) => m.dropsRenditions)).toEqual(['REFRAMED', 'EXPIRED', 'DELETED']);
    expect(IMAGE_EVENTS.kindsWhere((m) => m.dropsOriginal)).toEqual(['DELETED']);
  });

  it('purge what holds the entity, and the lists of its type only when it may join or move in them', () => {
    expect({
      ticker: TICKER_EVENTS.kindNames.map((kind) => [kind, purges('ticker', kind)]),
      article: ARTICLE_EVENTS.kindNames.map((kind) => [kind, purges('article', kind)]),
      image: IMAGE_EVENTS.kindNames.map((kind) => [kind, purges('image', kind)]),
      // A live blog's events name its article: its page holds the entries; lists of live articles change at start and end.
      live: LIVE_EVENTS.kindNames.map((kind) => [kind, purges('live', kind)]),
      person: purges('person', 'UPDATED'),
      category: purges('category', 'UPDATED'),
      // Ramadan 1446 announced: every Hijri date line may move, whichever month it shows.
      calendar: purges('calendar', 'MONTH_START_SET', 144609),
      // Places are tagged by code; a region event names the places it touched, with their ancestors.
      region: purges('region', 'UPDATED', 0, ['MA-04', 'MA-KEN']),
    }).toEqual({
      ticker: [['PUSHED', ['Ticker:7', 'Ticker']], ['UPDATED', ['Ticker:7', 'Ticker']], ['KILLED', ['Ticker:7']]],
      article: [
        ['PUBLISHED', ['Article:7', 'Article']],
        ['CORRECTED', ['Article:7', 'Article']],
        ['RETRACTED', ['Article:7']],
        ['UNPUBLISHED', ['Article:7']],
        ['ARCHIVED', ['Article:7']],
        ['UPDATED', ['Article:7', 'Article']],
        ['SHOWN_UPDATED', ['Article:7']],
      ],
      image: [['UPDATED', ['Image:7', 'Image']], ['REFRAMED', ['Image:7', 'Image']], ['EXPIRED', ['Image:7', 'Image']], ['DELETED', ['Image:7', 'Image']]],
      live: [
        ['STARTED', ['Article:7', 'Article']],
        ['POSTED', ['Article:7']],
        ['UPDATED', ['Article:7']],
        ['DELETED', ['Article:7']],
        ['PINNED', ['Article:7']],
        ['CORRECTED', ['Article:7']],
        ['ENDED', ['Article:7', 'Article']],
      ],
      person: ['Person:7', 'Person'],
      category: ['Category:7', 'Category'],
      calendar: ['HijriMonth:144609', 'HijriMonth'],
      region: ['Region:MA-04', 'Region:MA-KEN', 'Region'],
    });
  });

  it('purge the lists too for a kind no catalogue declares (an event from an older version), and nothing for an unknown topic', () => {
    expect(purges('article', 'DELETED')).toEqual(['Article:7', 'Article']);
    expect(purges('constructor', 'UPDATED')).toEqual([]);
    expect(purges('article', 'constructor')).toEqual(['Article:7', 'Article']);
  });

  it('name cache types the response cache tags', () => {
    const tagged: readonly string[] = [...TAGGED_TYPES, ...REFERENCE_TYPES];
    for (const catalogue of CATALOGUES.filter((c) => c !== CALENDAR_EVENTS)) expect(tagged).toContain(catalogue.cacheType);
    // The announced Hijri months are no entity a response holds: the date lines that depend on them carry their tag.
    const dependsOn = (schema.getType('Article') as GraphQLObjectType).getFields().displayDate.extensions[DEPENDS_ON_TAGS] as DependsOnTags;
    expect(['HIJRI', 'BOTH', 'GREGORIAN'].map((calendar) => dependsOn({ calendar }))).toEqual([['HijriMonth'], ['HijriMonth'], []]);
    expect(dateLineTags(DisplayCalendar.BOTH)).toEqual([CALENDAR_EVENTS.cacheType]);
  });

  it('recognise only their own topic and declared kinds', () => {
    expect(ARTICLE_EVENTS.owns({ topic: 'article', kind: 'PUBLISHED' })).toBe(true);
    expect(ARTICLE_EVENTS.owns({ topic: 'ticker', kind: 'UPDATED' })).toBe(false);
    expect(ARTICLE_EVENTS.owns({ topic: 'article', kind: 'DELETED' })).toBe(false);
    expect(ARTICLE_EVENTS.owns({ topic: 'article', kind: 'toString' })).toBe(false);
  });
});

describe('visible to readers (the JS form; the SQL form beside it is what every read uses)', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  const at = (iso: string | null) => (iso === null ? null : new Date(iso));
  it.each([
    ['PUBLISHED', '2026-03-01T11:59:59Z', true],
    ['PUBLISHED', '2026-03-01T12:00:00Z', true],
    ['RETRACTED', '2026-02-01T00:00:00Z', true],
    ['PUBLISHED', '2026-03-01T12:00:01Z', false],
    ['SCHEDULED', '2026-03-01T11:00:00Z', false],
    ['DRAFT', null, false],
    ['ARCHIVED', '2026-02-01T00:00:00Z', false],
    ['PUBLISHED', null, false],
  ] as const)('%s published at %s: %s', (status, publishedAt, visible) => {
    expect(isVisibleToReaders({ status, publishedAt: at(publishedAt) }, now)).toBe(visible);
    expect(isVisibleToReaders({ status, publishedAt }, now)).toBe(visible);
  });
});
