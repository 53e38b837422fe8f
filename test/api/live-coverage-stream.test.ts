import { spawnSync } from 'node:child_process';
import { loadConfig } from '../../src/config';
import { startTestApp, TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { failure, ok } from '../support/editorial';
import { connectLive, LiveConnection, streamsOpen, subscribe } from '../support/live';
import { eventually } from '../support/eventually';

const ENTRIES = `subscription($id: ID!, $after: String, $key: Boolean) { liveEntries(articleId: $id, after: $after, keyEventsOnly: $key) {
  cursor kind entryId articleId entry { title isKeyEvent isPinned corrections { note } } } }`;
const START = 'mutation($id: ID!) { startLiveCoverage(articleId: $id) { isLive } }';
const END = 'mutation($id: ID!) { endLiveCoverage(articleId: $id) { isLive } }';
const POST = 'mutation($id: ID!, $input: PostLiveEntryInput!) { postLiveEntry(articleId: $id, input: $input) { id version } }';
const UPDATE = 'mutation($id: ID!, $v: Int!, $input: UpdateLiveEntryInput!) { updateLiveEntry(id: $id, expectedVersion: $v, input: $input) { id } }';
const DELETE = 'mutation($id: ID!) { deleteLiveEntry(id: $id) { id } }';
const PIN = 'mutation($id: ID!) { pinLiveEntry(id: $id) { id } }';
const CORRECT = 'mutation($id: ID!, $note: String!) { correctLiveEntry(id: $id, note: $note) { id } }';
/** No safety poll: what arrives, arrives through the fan-out engine. */
const NO_POLL = { live: { ...loadConfig({}).live, pollMs: 600_000 }, schedulerIntervalMs: 0 };

/** CI sets REDIS_URL; elsewhere the Redis test runs when a Redis answers on the default port. */
function redisToTest(): string | undefined {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  const ping = spawnSync('redis-cli', ['-u', 'redis://127.0.0.1:6379', 'ping'], { encoding: 'utf8', timeout: 2_000 });
  return ping.stdout?.trim() === 'PONG' ? 'redis://127.0.0.1:6379' : undefined;
}

const summary = (events: any[]) => events.map((e) => [e.liveEntries.kind, e.liveEntries.entry?.title ?? null]);

describe('liveEntries: a live blog pushed to readers, resumable, across instances', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;
  let editor: string;
  const connections: LiveConnection[] = [];
  const connect = (token?: string) => {
    const connection = connectLive(app, { token });
    connections.push(connection);
    return connection;
  };

  beforeAll(async () => {
    app = await startTestApp(NO_POLL);
    make = factories(app);
    editor = await app.token('EDITOR', 'Salma Bennani');
  });
  beforeEach(() => app.sql('TRUNCATE article, ticker, event_outbox CASCADE'));
  afterEach(async () => {
    await Promise.all(connections.splice(0).map((c) => c.dispose()));
    await eventually(() => app.khabar.feed.streamCount, (n) => n === 0, { what: 'the streams to close' });
  });
  afterAll(() => app.stop());

  async function liveBlog(on: TestApp = app) {
    const article = await make.article({ title: 'الانتخابات التشريعية: تغطية مباشرة' });
    await ok(on, START, { id: article.globalId }, editor);
    return article;
  }
  const post = async (articleId: string, title: string, extra: object = {}, on: TestApp = app) =>
    (await ok(on, POST, { id: articleId, input: { title, body: [{ type: 'PARAGRAPH', text: title }], ...extra } }, editor)).postLiveEntry;

  it('tells readers of each entry posted, edited, pinned, corrected and deleted, then that the blog ended, in order', async () => {
    const article = await liveBlog();
    const other = await liveBlog();
    const reader = subscribe(connect(), ENTRIES, { id: article.globalId });
    await streamsOpen(app, 1);
    const first = await post(article.globalId, 'فتح مكاتب الاقتراع');
    await post(other.globalId, 'مدونة أخرى');
    const second = await post(article.globalId, 'نسبة المشاركة 12%');
    await ok(app, UPDATE, { id: second.id, v: 1, input: { title: 'نسبة المشاركة 12 في المئة', isKeyEvent: true } }, editor);
    await ok(app, PIN, { id: first.id }, editor);
    await ok(app, CORRECT, { id: first.id, note: 'صُحّحت ساعة الافتتاح.' }, editor);
    await ok(app, DELETE, { id: second.id }, editor);
    await ok(app, END, { id: article.globalId }, editor);

    const events = await reader.received(7);
    expect(events.map((e) => e.liveEntries.kind)).toEqual(['POSTED', 'POSTED', 'UPDATED', 'PINNED', 'CORRECTED', 'DELETED', 'ENDED']);
    expect(events.map((e) => e.liveEntries.entryId)).toEqual([first.id, second.id, second.id, first.id, first.id, second.id, null]);
    // An entry reaches a subscriber as it is when the feed reads its event: a deleted one, and the end, carry none.
    expect(events[0].liveEntries.entry).toMatchObject({ title: 'فتح مكاتب الاقتراع' });
    expect(events[4].liveEntries.entry).toMatchObject({ isPinned: true, corrections: [{ note: 'صُحّحت ساعة الافتتاح.' }] });
    expect([events[5].liveEntries.entry, events[6].liveEntries.entry]).toEqual([null, null]);
    expect(events.every((e) => e.liveEntries.articleId === article.globalId)).toBe(true);
    expect(new Set(events.map((e) => e.liveEntries.cursor)).size).toBe(7);
  });

  it('resumes with `after`: what was posted while the reader was away arrives first, once, in order, then live', async () => {
    const article = await liveBlog();
    const before = subscribe(connect(), ENTRIES, { id: article.globalId });
    await streamsOpen(app, 1);
    await post(article.globalId, 'تحديث 1');
    await post(article.globalId, 'تحديث 2');
    const seen = await before.received(2);
    await connections.splice(0).pop()!.dispose();
    await eventually(() => app.khabar.feed.streamCount, (n) => n === 0, { what: 'the stream to close' });

    await post(article.globalId, 'تحديث 3');
    await post(article.globalId, 'تحديث 4');
    const resumed = subscribe(connect(), ENTRIES, { id: article.globalId, after: seen[1].liveEntries.cursor });
    expect(summary(await resumed.received(2))).toEqual([['POSTED', 'تحديث 3'], ['POSTED', 'تحديث 4']]);
    await post(article.globalId, 'تحديث 5');
    const all = await resumed.received(3);
    expect(summary(all)).toEqual([['POSTED', 'تحديث 3'], ['POSTED', 'تحديث 4'], ['POSTED', 'تحديث 5']]);
    expect(resumed.results).toHaveLength(3);
  });

  it('follows only key events with keyEventsOnly, and refuses a draft, a retracted article or a cursor of another stream', async () => {
    const article = await liveBlog();
    const timeline = subscribe(connect(), ENTRIES, { id: article.globalId, key: true });
    await streamsOpen(app, 1);
    await post(article.globalId, 'تفصيل');
    await post(article.globalId, 'إعلان النتائج الأولية', { isKeyEvent: true });
    await ok(app, END, { id: article.globalId }, editor);
    expect(summary(await timeline.received(2))).toEqual([['POSTED', 'إعلان النتائج الأولية'], ['ENDED', null]]);

    const draft = await make.article({ status: 'DRAFT' });
    const retracted = await liveBlog();
    await app.sql(`UPDATE article SET status = 'RETRACTED' WHERE id = $1`, [retracted.id]);
    for (const hidden of [draft, retracted]) {
      const refused = subscribe(connect(), ENTRIES, { id: hidden.globalId });
      await eventually(() => refused.completed, { what: 'the subscription to complete' });
      expect(refused.results[0].errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'articleId' });
    }
    const breaking = subscribe(connect(), 'subscription { breakingNews { cursor } }');
    await streamsOpen(app, 1);
    await ok(app, 'mutation { pushBreakingNews(input: { headline: "عاجل للاختبار", urgency: 1 }) { id } }', {}, editor);
    const [{ breakingNews }] = await breaking.received(1);
    const wrong = subscribe(connect(), ENTRIES, { id: article.globalId, after: breakingNews.cursor });
    await eventually(() => wrong.completed, { what: 'the subscription to complete' });
    expect(wrong.results[0].errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('tells readers nothing of the entries of an unpublished or retracted article, only that the blog ended, while editors hear all', async () => {
    const article = await liveBlog();
    const reader = subscribe(connect(), ENTRIES, { id: article.globalId });
    const desk = subscribe(connect(editor), ENTRIES, { id: article.globalId });
    await streamsOpen(app, 2);
    const entry = await post(article.globalId, 'قبل السحب');
    await reader.received(1);
    await app.sql(`UPDATE article SET status = 'DRAFT', published_at = NULL WHERE id = $1`, [article.id]);
    await ok(app, CORRECT, { id: entry.id, note: 'ملاحظة داخلية' }, editor);
    // A retracted article keeps its notice at its URL, not its entries.
    await app.sql(`UPDATE article SET status = 'RETRACTED', published_at = now() WHERE id = $1`, [article.id]);
    await ok(app, CORRECT, { id: entry.id, note: 'ملاحظة بعد السحب' }, editor);
    await ok(app, END, { id: article.globalId }, editor);
    // Events are delivered in order: the reader's next one is the end, not the corrections.
    expect(summary(await reader.received(2))).toEqual([['POSTED', 'قبل السحب'], ['ENDED', null]]);
    expect(summary(await desk.received(4)).map(([kind]) => kind)).toEqual(['POSTED', 'CORRECTED', 'CORRECTED', 'ENDED']);
  });

  async function deliversOnceAcrossInstances(a: TestApp, b: TestApp) {
    const article = await liveBlog(a);
    const on = (instance: TestApp) => {
      const connection = connectLive(instance);
      connections.push(connection);
      return subscribe(connection, ENTRIES, { id: article.globalId });
    };
    const onB = [on(b), on(b)];
    const onA = on(a);
    await streamsOpen(b, 2);
    await streamsOpen(a, 1);
    for (const n of [1, 2, 3]) await post(article.globalId, `من أ ${n}`, {}, a);
    await post(article.globalId, 'من ب', {}, b);
    for (const subscription of [...onB, onA]) {
      expect(summary(await subscription.received(4)).map(([, title]) => title)).toEqual(['من أ 1', 'من أ 2', 'من أ 3', 'من ب']);
    }
  }

  it('PostgreSQL LISTEN/NOTIFY: an entry posted on one instance reaches readers of both, once each, in order', async () => {
    const b = await app.instance();
    try {
      await deliversOnceAcrossInstances(app, b);
    } finally {
      await b.stop();
    }
  });

  const redisUrl = redisToTest();
  (redisUrl ? it : it.skip)('Redis pub/sub: an entry posted on one instance reaches readers of both, once each, in order', async () => {
    const a = await app.instance({ redisUrl });
    const b = await app.instance({ redisUrl });
    try {
      await deliversOnceAcrossInstances(a, b);
    } finally {
      await b.stop();
      await a.stop();
    }
  });

  it('ends coverage nobody posted to for LIVE_COVERAGE_IDLE_HOURS by itself, once across two instances', async () => {
    const article = await liveBlog();
    const busy = await liveBlog();
    const reader = subscribe(connect(), ENTRIES, { id: article.globalId });
    await streamsOpen(app, 1);
    await app.sql(`UPDATE live_coverage SET last_posted_at = now() - interval '13 hours' WHERE article_id = $1`, [article.id]);
    await app.sql(`UPDATE live_coverage SET last_posted_at = now() - interval '11 hours' WHERE article_id = $1`, [busy.id]);
    const a = await app.instance({ schedulerIntervalMs: 50 });
    const b = await app.instance({ schedulerIntervalMs: 50 });
    try {
      expect(summary(await reader.received(1))).toEqual([['ENDED', null]]);
      const coverage = await eventually(() => app.sql('SELECT article_id AS id, ended_at AS "endedAt" FROM live_coverage ORDER BY article_id'),
        (rows) => rows.some((row) => row.endedAt !== null), { what: 'the idle coverage to end' });
      expect(coverage.map((row) => [row.id, row.endedAt !== null])).toEqual([[article.id, true], [busy.id, false]]);
    } finally {
      await b.stop();
      await a.stop();
    }
    const ended = await app.sql(`SELECT entity_id AS id FROM event_outbox WHERE topic = 'live' AND kind = 'ENDED'`);
    expect(ended).toEqual([{ id: article.id }]);
    expect(failure(await app.gql(POST, { id: article.globalId, input: { body: [{ type: 'PARAGRAPH', text: 'x' }] } }, { token: editor })).extensions)
      .toMatchObject({ code: 'CONFLICT', reason: 'COVERAGE_ENDED' });
  });
});
