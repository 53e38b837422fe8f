import { startTestApp, TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { connectLive, LiveConnection, streamsOpen, subscribe } from '../support/live';
import { eventually } from '../support/eventually';
import { appendEvent } from '../../src/realtime/outbox';
import { LISTENER_NAME } from '../../src/realtime/fan-out';
import { makeContext } from '../../src/context';
import { ANONYMOUS } from '../../src/auth/viewer';
import { EventFeed } from '../../src/realtime/feed';
import { EventStream } from '../../src/realtime/event-stream';
import { encodeCursor } from '../../src/shared/relay';

const BREAKING = `subscription($after: String, $regionCodes: [String!], $minUrgency: Int) {
  breakingNews(after: $after, regionCodes: $regionCodes, minUrgency: $minUrgency) {
    cursor kind ticker { id headline urgency status region { code } article { slug title } } } }`;
const PUSH = 'mutation($input: PushBreakingNewsInput!) { pushBreakingNews(input: $input) { id } }';

describe('live breaking news over graphql-ws', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;
  let editor: string;
  const connections: LiveConnection[] = [];

  const connect = (options: Parameters<typeof connectLive>[1] = {}, on = app) => {
    const connection = connectLive(on, options);
    connections.push(connection);
    return connection;
  };
  const push = async (headline: string, input: Record<string, unknown> = {}, on = app) => {
    const res = await on.gql(PUSH, { input: { headline, urgency: 2, ...input } }, { token: editor });
    expect(res.errors).toBeUndefined();
    return res.data.pushBreakingNews.id as string;
  };
  const headlines = (events: any[]) => events.map((e) => e.breakingNews.ticker.headline);

  beforeAll(async () => {
    app = await startTestApp();
    make = factories(app);
    editor = await app.token('EDITOR');
  });
  afterEach(async () => {
    await Promise.all(connections.splice(0).map((c) => c.dispose()));
    await eventually(() => app.khabar.feed.streamCount === 0, { what: 'streams to close' });
  });
  afterAll(() => app.stop());

  it('delivers pushes live, with relations resolved for the event', async () => {
    const article = await make.article({ slug: 'linked', title: 'مقال مرتبط' });
    const live = subscribe(connect(), BREAKING);
    await streamsOpen(app, 1);
    await push('عاجل مباشر من الرباط', { urgency: 1, regionCode: 'MA-RAB', articleId: article.globalId });
    const [event] = await live.received(1);
    expect(event.breakingNews).toMatchObject({
      kind: 'PUSHED',
      ticker: { headline: 'عاجل مباشر من الرباط', urgency: 1, status: 'LIVE', region: { code: 'MA-RAB' }, article: { slug: 'linked', title: 'مقال مرتبط' } },
    });
    expect(typeof event.breakingNews.cursor).toBe('string');
  });
  it('replays what a client missed while away, once and in order, then continues live', async () => {
    const first = connect();
    const before = subscribe(first, BREAKING);
    await streamsOpen(app, 1);
    for (const n of [1, 2, 3]) await push(`عاجل رقم ${n} قبل الانقطاع`);
    const seen = await before.received(3);
    await first.dispose(); // the phone enters a tunnel
    await push('عاجل رقم 4 أثناء الانقطاع');
    await push('عاجل رقم 5 أثناء الانقطاع');
    const lastCursor = seen[2].breakingNews.cursor;
    const back = subscribe(connect(), BREAKING, { after: lastCursor });
    expect(headlines(await back.received(2))).toEqual(['عاجل رقم 4 أثناء الانقطاع', 'عاجل رقم 5 أثناء الانقطاع']);
    await push('عاجل رقم 6 بعد العودة');
    const all = await back.received(3);
    expect(headlines(all)).toEqual(['عاجل رقم 4 أثناء الانقطاع', 'عاجل رقم 5 أثناء الانقطاع', 'عاجل رقم 6 بعد العودة']);
    const cursors = all.map((e) => e.breakingNews.cursor);
    expect(new Set(cursors).size).toBe(3);
  });

  it('has no gap and no duplicate at the seam when news keeps coming during the replay', async () => {
    const starter = subscribe(connect(), BREAKING);
    await streamsOpen(app, 1);
    await push('عاجل البداية');
    const [{ breakingNews: { cursor } }] = await starter.received(1);
    for (let n = 1; n <= 5; n += 1) await push(`عاجل سابق ${n}`);
    const resumed = subscribe(connect(), BREAKING, { after: cursor });
    const during = (async () => {
      for (let n = 1; n <= 5; n += 1) await push(`عاجل متزامن ${n}`);
    })();
    await during;
    const events = await resumed.received(10);
    expect(headlines(events)).toEqual([1, 2, 3, 4, 5].map((n) => `عاجل سابق ${n}`).concat([1, 2, 3, 4, 5].map((n) => `عاجل متزامن ${n}`)));
  });

  it('never loses a push that commits after a later-started one: sequence order is commit order', async () => {
    const live = subscribe(connect(), BREAKING);
    await streamsOpen(app, 1);
    // A takes its sequence number and holds its transaction open, as a slow writer would.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let seqA = 0;
    const slow = app.khabar.db.transaction(async (tx) => {
      const [row] = await tx.query(
        `INSERT INTO ticker (headline, urgency, status, published_at, expires_at) VALUES ('عاجل بطيء', 2, 'LIVE', now(), now() + interval '1 hour') RETURNING id`);
      seqA = await appendEvent(tx, { topic: 'ticker', kind: 'PUSHED', entityId: row.id, regionCodes: [], urgency: 2 });
      await held;
    });
    await eventually(() => seqA > 0, { what: 'the slow writer to take its sequence number' });
    let fastDone = false;
    const fast = push('عاجل سريع').then(() => {
      fastDone = true;
    });
    // B cannot take a sequence number, hence cannot commit, before A has committed.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(fastDone).toBe(false);
    release();
    await Promise.all([slow, fast]);
    const events = await live.received(2);
    expect(headlines(events)).toEqual(['عاجل بطيء', 'عاجل سريع']);
    const [seqOfA, seqOfB] = (await app.sql(`SELECT seq FROM event_outbox WHERE topic = 'ticker' ORDER BY seq DESC LIMIT 2`)).map((r) => Number(r.seq)).reverse();
    expect(seqOfA).toBe(seqA);
    expect(seqOfB).toBeGreaterThan(seqA);
  });

  it('filters by region, sub-regions included, and by urgency', async () => {
    const regional = subscribe(connect(), BREAKING, { regionCodes: ['MA-04'] });
    const flashes = subscribe(connect(), BREAKING, { minUrgency: 1 });
    await streamsOpen(app, 2);
    await push('خبر من القنيطرة', { regionCode: 'MA-KEN', urgency: 2 });
    await push('خبر من طنجة', { regionCode: 'MA-01', urgency: 1 });
    await push('خبر وطني', { urgency: 3 });
    await push('خبر من جهة الرباط', { regionCode: 'MA-04', urgency: 1 });
    expect(headlines(await regional.received(2))).toEqual(['خبر من القنيطرة', 'خبر من جهة الرباط']);
    expect(headlines(await flashes.received(2))).toEqual(['خبر من طنجة', 'خبر من جهة الرباط']);
    await push('خبر أخير', { urgency: 1, regionCode: 'MA-RAB' });
    expect(headlines(await regional.received(3))).toHaveLength(3);
    expect(regional.results).toHaveLength(3);
  });

  it('sends updates and kills, with the item as it is when the event arrives', async () => {
    const live = subscribe(connect(), BREAKING);
    await streamsOpen(app, 1);
    const id = await push('عاجل سيتغير', { urgency: 3 });
    await app.gql('mutation($input: UpdateTickerInput!) { updateTicker(input: $input) { id } }', { input: { id, headline: 'عاجل تغير', urgency: 1 } }, { token: editor });
    await app.gql('mutation($id: ID!) { killTicker(id: $id) { id } }', { id }, { token: editor });
    const events = await live.received(3);
    expect(events.map((e) => e.breakingNews.kind)).toEqual(['PUSHED', 'UPDATED', 'KILLED']);
    expect(events[2].breakingNews.ticker).toMatchObject({ headline: 'عاجل تغير', urgency: 1, status: 'KILLED' });
  });

  it('resolves relations per event, not once per subscription', async () => {
    const article = await make.article({ slug: 'story', title: 'العنوان الأول' });
    const live = subscribe(connect(), BREAKING);
    await streamsOpen(app, 1);
    await push('عاجل أول عن القصة', { articleId: article.globalId });
    await live.received(1);
    await app.sql(`UPDATE article SET title = 'العنوان المعدل' WHERE id = $1`, [article.id]);
    await push('عاجل ثان عن القصة', { articleId: article.globalId });
    const events = await live.received(2);
    expect(events.map((e) => e.breakingNews.ticker.article.title)).toEqual(['العنوان الأول', 'العنوان المعدل']);
  });

  it.each([
    ['a malformed cursor', { after: 'garbage' }, 'after'],
    ['a cursor of another list', { after: encodeCursor('article', [1, 2]) }, 'after'],
    ['a cursor naming no event', { after: encodeCursor('breakingNews', [987_654_321]) }, 'after'],
    ['an unknown region', { regionCodes: ['MA-99'] }, 'regionCodes'],
    ['a malformed region', { regionCodes: ['Rabat'] }, 'regionCodes'],
    ['urgency 4', { minUrgency: 4 }, 'minUrgency'],
  ])('answers %s with a BAD_USER_INPUT error naming the argument, then completes', async (_name, variables, field) => {
    const bad = subscribe(connect(), BREAKING, variables);
    await eventually(() => bad.completed, { what: 'the subscription to complete' });
    expect(bad.results).toHaveLength(1);
    expect(bad.results[0].errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('refuses a cursor older than the kept events with a clear error', async () => {
    const live = subscribe(connect(), BREAKING);
    await streamsOpen(app, 1);
    await push('عاجل قديم');
    await push('عاجل أحدث');
    const [old] = await live.received(2);
    // Retention pruned everything but the newest event (pruning always removes a prefix of the sequence).
    await app.sql('DELETE FROM event_outbox WHERE seq < (SELECT max(seq) FROM event_outbox)');
    const late = subscribe(connect(), BREAKING, { after: old.breakingNews.cursor });
    await eventually(() => late.completed, { what: 'the subscription to complete' });
    expect(late.results[0].errors![0]).toMatchObject({
      message: expect.stringMatching(/older than the 72 hours/),
      extensions: { code: 'BAD_USER_INPUT', field: 'after', reason: 'CURSOR_EXPIRED' },
    });
  });

  it('catches up after its LISTEN connection is cut', async () => {
    const live = subscribe(connect(), BREAKING);
    await streamsOpen(app, 1);
    const [{ current }] = await app.sql('SELECT current_database() AS current');
    const [{ killed }] = await app.sql(
      'SELECT count(pg_terminate_backend(pid))::int AS killed FROM pg_stat_activity WHERE application_name = $1 AND datname = $2', [LISTENER_NAME, current]);
    expect(killed).toBe(1);
    await push('عاجل بعد انقطاع الاستماع');
    expect(headlines(await live.received(1))).toEqual(['عاجل بعد انقطاع الاستماع']);
  });

  it('keeps a bounded window; a reader slower than the news holds a position, not a queue, and misses nothing', async () => {
    const feed = new EventFeed(app.khabar.feed.source, app.khabar.logger, 72, 4);
    await feed.start();
    const context = { ...makeContext(app.khabar.contextDeps, ANONYMOUS, 'slow-reader'), feed };
    const slow = new EventStream(feed, context, { topic: 'ticker', after: feed.head, accepts: () => true, payload: (e) => e.record.seq });
    const start = feed.head;
    for (let n = 1; n <= 12; n += 1) await push(`عاجل رقم ${n} في الدفعة`);
    // Articles interleaved: the stream skips another topic's events wherever they lie.
    await app.khabar.db.transaction((tx) => appendEvent(tx, { topic: 'article', kind: 'PUBLISHED', entityId: 1, regionCodes: [] }));
    await push('عاجل رقم 13 في الدفعة');
    await feed.catchUp();
    expect(feed.floor).toBeGreaterThan(start); // the window has moved past where the slow reader stands
    const expected = (await app.sql(`SELECT seq FROM event_outbox WHERE topic = 'ticker' AND seq > $1 ORDER BY seq`, [start])).map((r) => Number(r.seq));
    expect(expected).toHaveLength(13);
    const delivered: number[] = [];
    for (let i = 0; i < 13; i += 1) delivered.push((await slow.next()).value as number);
    expect(delivered).toEqual(expected);
    expect(await slow.return()).toEqual({ value: undefined, done: true });
    expect(feed.streamCount).toBe(0);
    await feed.stop();
  });

  it('ends a waiting stream when it is returned, so a client completing never leaves a pending read', async () => {
    const { feed } = app.khabar;
    const context = { ...makeContext(app.khabar.contextDeps, ANONYMOUS, 'returning'), feed };
    const stream = new EventStream(feed, context, { topic: 'ticker', after: feed.head, accepts: () => true, payload: (e) => e.record.seq });
    const pending = stream.next();
    await stream.return();
    expect(await pending).toEqual({ value: undefined, done: true });
  });
});
