import { startTestApp, TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { toGlobalId } from '../../src/shared/global-id';

const PUSH = `mutation($input: PushBreakingNewsInput!) { pushBreakingNews(input: $input) {
  id headline urgency url status publishedAt expiresAt article { slug } region { code } } }`;
const UPDATE = `mutation($input: UpdateTickerInput!) { updateTicker(input: $input) {
  id headline urgency url status publishedAt expiresAt article { slug } region { code } } }`;
const KILL = 'mutation($id: ID!) { killTicker(id: $id) { id status headline } }';
const HOUR = 3_600_000;

describe('breaking-news mutations', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;
  let editor: string;

  const outbox = () => app.sql<{ kind: string; entity_id: number; region_codes: string[]; urgency: number }>(
    `SELECT kind, entity_id, region_codes, urgency FROM event_outbox WHERE topic = 'ticker' ORDER BY seq`);
  const push = (input: Record<string, unknown>, token: string | undefined = editor) => app.gql(PUSH, { input }, { token });

  beforeAll(async () => {
    app = await startTestApp();
    make = factories(app);
    editor = await app.token('EDITOR');
  });
  afterAll(() => app.stop());
  beforeEach(() => app.sql('TRUNCATE article, ticker, event_outbox CASCADE'));

  it('pushes an item on air with the default expiry of its urgency and writes its event', async () => {
    const article = await make.article({ slug: 'linked-story' });
    const res = await push({ headline: '  عاجل: زلزال بقوة 5 درجات يضرب إقليم القنيطرة  ', urgency: 1, articleId: article.globalId,
      url: 'https://example.ma/zilzal', regionCode: 'MA-KEN' });
    expect(res.errors).toBeUndefined();
    const item = res.data.pushBreakingNews;
    expect(item).toMatchObject({ headline: 'عاجل: زلزال بقوة 5 درجات يضرب إقليم القنيطرة', urgency: 1, status: 'LIVE',
      url: 'https://example.ma/zilzal', article: { slug: 'linked-story' }, region: { code: 'MA-KEN' } });
    expect(Date.parse(item.expiresAt) - Date.parse(item.publishedAt)).toBe(6 * HOUR);
    const onAir = await app.gql('{ tickers { id headline } }');
    expect(onAir.data.tickers).toEqual([{ id: item.id, headline: item.headline }]);
    const [event] = await outbox();
    expect(event).toMatchObject({ kind: 'PUSHED', urgency: 1 });
    expect(toGlobalId('Ticker', event.entity_id)).toBe(item.id);
    expect([...event.region_codes].sort()).toEqual(['MA-04', 'MA-KEN']);
  });

  it('keeps a chosen expiry and accepts exactly 48 hours', async () => {
    const at = new Date(Date.now() + 2 * HOUR);
    const chosen = await push({ headline: 'Séisme ressenti à Kénitra', urgency: 3, expiresAt: at.toISOString() });
    expect(chosen.errors).toBeUndefined();
    expect(Date.parse(chosen.data.pushBreakingNews.expiresAt)).toBe(at.getTime());
    const longest = await push({ headline: 'خبر يبقى يومين', urgency: 3, expiresAt: new Date(Date.now() + 48 * HOUR - 5_000).toISOString() });
    expect(longest.errors).toBeUndefined();
  });

  it.each([
    ['a headline over 140 characters', { headline: 'خ'.repeat(141) }, 'headline', /5–140 characters/],
    ['a headline under 5 characters', { headline: ' عاجل ' }, 'headline', /5–140 characters/],
    ['a NUL byte', { headline: 'عاجل\u0000 من الرباط' }, 'headline', /NUL/],
    ['an unpaired surrogate', { headline: 'عاجل \ud800 من الرباط' }, 'headline', /surrogate/],
    ['a line break', { headline: 'عاجل\nمن الرباط' }, 'headline', /single line/],
    ['a script tag', { headline: 'عاجل <script>alert(1)</script>' }, 'headline', /HTML/],
    ['an image tag', { headline: 'Breaking <img src=x onerror=alert(1)>' }, 'headline', /HTML/],
    ['urgency 0', { urgency: 0 }, 'urgency', /1 \(flash\)/],
    ['urgency 4', { urgency: 4 }, 'urgency', /1 \(flash\)/],
    ['a javascript: url', { url: 'javascript:alert(1)' }, 'url', /http\(s\)/],
    ['an ftp url', { url: 'ftp://example.ma/file' }, 'url', /http\(s\)/],
    ['a malformed region code', { regionCode: 'Rabat' }, 'regionCode', /ISO 3166-2:MA/],
    ['an unknown region code', { regionCode: 'MA-99' }, 'regionCode', /not a known region/],
    ['an expiry in the past', { expiresAt: new Date(Date.now() - 60_000).toISOString() }, 'expiresAt', /future/],
    ['an expiry beyond 48 hours', { expiresAt: new Date(Date.now() + 49 * HOUR).toISOString() }, 'expiresAt', /48 hours/],
    ['a malformed article id', { articleId: '%%%' }, 'articleId', /Malformed id/],
    ['the id of a person as article', { articleId: toGlobalId('Person', 1) }, 'articleId', /not a valid Article id/],
    ['an article that does not exist', { articleId: toGlobalId('Article', 999_999) }, 'articleId', /no existing article/],
  ])('rejects %s with BAD_USER_INPUT naming the field, changing nothing', async (_name, change, field, message) => {
    const res = await push({ headline: 'عاجل من الرباط', urgency: 2, ...change });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(res.errors![0].message).toMatch(message);
    expect(await app.sql('SELECT id FROM ticker')).toEqual([]);
    expect(await outbox()).toEqual([]);
  });

  it('counts characters, not UTF-16 units, and stores the NFC form', async () => {
    const emoji = await push({ headline: '🔴'.repeat(140), urgency: 2 });
    expect(emoji.errors).toBeUndefined();
    const decomposed = 'Ale\u0301a Kénitra';
    const res = await push({ headline: decomposed, urgency: 2 });
    expect(res.data.pushBreakingNews.headline).toBe(decomposed.normalize('NFC'));
  });

  it('refuses anonymous readers and leaves no trace', async () => {
    const item = await make.ticker();
    for (const [query, variables] of [
      [PUSH, { input: { headline: 'عاجل من الرباط', urgency: 1 } }],
      [UPDATE, { input: { id: item.globalId, headline: 'عنوان معدل' } }],
      [KILL, { id: item.globalId }],
    ] as const) {
      const res = await app.gql(query, variables);
      expect(res.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    }
    expect(await app.sql('SELECT headline, status FROM ticker')).toEqual([expect.objectContaining({ status: 'LIVE' })]);
    expect(await outbox()).toEqual([]);
  });

  it('updates headline, urgency, links and region; null clears an optional field', async () => {
    const pushed = (await push({ headline: 'عاجل أول', urgency: 3, url: 'https://example.ma/a', regionCode: 'MA-RAB' })).data.pushBreakingNews;
    const res = await app.gql(UPDATE, { input: { id: pushed.id, headline: 'عاجل مصحح', urgency: 1, url: null, regionCode: 'MA-KEN' } }, { token: editor });
    expect(res.errors).toBeUndefined();
    expect(res.data.updateTicker).toMatchObject({ id: pushed.id, headline: 'عاجل مصحح', urgency: 1, url: null, region: { code: 'MA-KEN' },
      publishedAt: pushed.publishedAt, expiresAt: pushed.expiresAt });
    const [, updated] = await outbox();
    // The event reaches both regions and the most urgent level involved, so every concerned subscriber hears it.
    expect(updated).toMatchObject({ kind: 'UPDATED', urgency: 1 });
    expect([...updated.region_codes].sort()).toEqual(['MA-04', 'MA-KEN', 'MA-RAB']);
  });

  it('writes no event for an update that changes nothing', async () => {
    const pushed = (await push({ headline: 'عاجل ثابت', urgency: 2 })).data.pushBreakingNews;
    const res = await app.gql(UPDATE, { input: { id: pushed.id, headline: 'عاجل ثابت', urgency: 2, expiresAt: pushed.expiresAt } }, { token: editor });
    expect(res.errors).toBeUndefined();
    expect((await outbox()).map((e) => e.kind)).toEqual(['PUSHED']);
  });

  it('rejects bad updates with coded errors', async () => {
    const pushed = (await push({ headline: 'عاجل للتعديل', urgency: 2 })).data.pushBreakingNews;
    const tooLate = new Date(Date.parse(pushed.publishedAt) + 48 * HOUR + 1000).toISOString();
    const cases: [Record<string, unknown>, string, string | undefined][] = [
      [{ id: pushed.id, expiresAt: tooLate }, 'BAD_USER_INPUT', 'expiresAt'],
      [{ id: pushed.id, headline: null }, 'BAD_USER_INPUT', 'headline'],
      [{ id: pushed.id, headline: '<b>bold</b> news' }, 'BAD_USER_INPUT', 'headline'],
      [{ id: pushed.id, regionCode: 'MA-99' }, 'BAD_USER_INPUT', 'regionCode'],
      [{ id: toGlobalId('Ticker', 999_999), headline: 'عنوان آخر' }, 'NOT_FOUND', undefined],
    ];
    for (const [input, code, field] of cases) {
      const res = await app.gql(UPDATE, { input }, { token: editor });
      expect(res.errors![0].extensions).toMatchObject({ code, ...(field ? { field } : {}) });
    }
    expect((await outbox()).map((e) => e.kind)).toEqual(['PUSHED']);
  });

  it('kills an item: it leaves the air, the row stays, killing twice writes one event, a killed item cannot change', async () => {
    const pushed = (await push({ headline: 'عاجل سيسحب', urgency: 1 })).data.pushBreakingNews;
    const killed = await app.gql(KILL, { id: pushed.id }, { token: editor });
    expect(killed.data.killTicker).toEqual({ id: pushed.id, status: 'KILLED', headline: 'عاجل سيسحب' });
    expect((await app.gql(KILL, { id: pushed.id }, { token: editor })).data.killTicker.status).toBe('KILLED');
    expect((await app.gql('{ tickers { id } }')).data.tickers).toEqual([]);
    expect(await app.sql('SELECT status FROM ticker')).toEqual([{ status: 'KILLED' }]);
    expect((await outbox()).map((e) => e.kind)).toEqual(['PUSHED', 'KILLED']);
    const edit = await app.gql(UPDATE, { input: { id: pushed.id, headline: 'عودة الخبر' } }, { token: editor });
    expect(edit.errors![0].extensions!.code).toBe('CONFLICT');
    expect((await app.gql(KILL, { id: toGlobalId('Ticker', 999_999) }, { token: editor })).errors![0].extensions!.code).toBe('NOT_FOUND');
  });

  it('commits the item and its event together: when the event cannot be written, the item is not pushed', async () => {
    await app.sql(`ALTER TABLE event_outbox ADD CONSTRAINT refuse_pushes CHECK (kind <> 'PUSHED')`);
    try {
      const res = await push({ headline: 'عاجل لن يُنشر', urgency: 1 });
      expect(res.errors![0].extensions!.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await app.sql('ALTER TABLE event_outbox DROP CONSTRAINT refuse_pushes');
    }
    expect(await app.sql('SELECT id FROM ticker')).toEqual([]);
  });
});
