import { startTestApp, TestApp } from '../support/test-app';
import { ArticleWriter } from '../../src/modules/article/article.writer';
import { A_BODY, CREATE, failure, ok, outboxEvents, PUBLISH, UNPUBLISH } from '../support/editorial';
import { eventually } from '../support/eventually';

const READ = 'query($id: ID!) { article(id: $id) { status publishedAt } }';
const FAST = { schedulerIntervalMs: 100 };
const IN_AN_HOUR = () => new Date(Date.now() + 3_600_000).toISOString();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Scheduled publishing is durable (the schedule is the article row) and exactly-once (row locks), across restarts and instances. */
describe('scheduled publishing', () => {
  let holder: TestApp;
  let editor: string;

  // The holder owns the database and runs no scheduler; each test starts the instances it needs on it.
  beforeAll(async () => {
    holder = await startTestApp({ schedulerIntervalMs: 0 });
    editor = await holder.token('EDITOR');
  });
  afterAll(() => holder.stop());
  beforeEach(() => holder.sql('TRUNCATE article, event_outbox CASCADE'));

  async function schedule(app: TestApp, title: string, at: string): Promise<string> {
    const { createArticle } = await ok(app, CREATE, { input: { title, body: A_BODY, regionCodes: ['MA-04'] } }, editor);
    const { publishArticle } = await ok(app, PUBLISH, { id: createArticle.id, at }, editor);
    expect(publishArticle).toMatchObject({ status: 'SCHEDULED', publishedAt: at });
    return createArticle.id;
  }

  /** Lets time pass for the scheduler: every scheduled article becomes due (a second ago). */
  const makeDue = () => holder.sql(`UPDATE article SET published_at = now() - interval '1 second' WHERE status = 'SCHEDULED'`);
  const publicStatus = async (app: TestApp, id: string) => (await app.gql(READ, { id })).data.article?.status ?? null;

  it('publishes a scheduled article at its time, not before, keeping the scheduled time as its publication time', async () => {
    const app = await holder.instance(FAST);
    try {
      const id = await schedule(app, 'مجدول', IN_AN_HOUR());
      expect(await publicStatus(app, id)).toBeNull();
      // Due a second from now by the database clock the scheduler goes by: no API round trip has to fit in that second.
      const [{ at }] = await holder.sql(`WITH due AS (UPDATE article SET published_at = now() + interval '1 second'
        WHERE status = 'SCHEDULED' RETURNING published_at) SELECT published_at AS at FROM due`);
      expect(await eventually(() => publicStatus(app, id))).toBe('PUBLISHED');
      expect((await app.gql(READ, { id })).data.article.publishedAt).toBe(at.toISOString());
      const [{ early }] = await app.sql(`SELECT r.created_at < a.published_at AS early
        FROM article a JOIN article_revision r ON r.article_id = a.id AND r.action = 'PUBLISHED'`);
      expect(early).toBe(false);
      expect(await outboxEvents(app, id)).toEqual([{ kind: 'PUBLISHED', entityId: expect.any(Number), regionCodes: ['MA-04'] }]);
      const revisions = await app.sql(`SELECT action, author_name AS "authorName" FROM article_revision ORDER BY version`);
      expect(revisions).toEqual([
        { action: 'CREATED', authorName: 'test editor' },
        { action: 'SCHEDULED', authorName: 'test editor' },
        { action: 'PUBLISHED', authorName: 'scheduler' },
      ]);
    } finally {
      await app.stop();
    }
  });

  it('publishes an article whose time came while no server was running, as soon as one starts again', async () => {
    const before = await holder.instance(FAST);
    const id = await schedule(before, 'أثناء التوقف', IN_AN_HOUR());
    await before.stop();
    await makeDue();
    expect(await publicStatus(holder, id)).toBeNull(); // due, but no scheduler is running

    const after = await holder.instance(FAST);
    try {
      expect(await eventually(() => publicStatus(after, id))).toBe('PUBLISHED');
      expect((await outboxEvents(after, id)).map((e) => e.kind)).toEqual(['PUBLISHED']);
    } finally {
      await after.stop();
    }
  });

  it('publishes each due article exactly once when two instances run the scheduler on the same database', async () => {
    const [one, two] = await Promise.all([holder.instance({ schedulerIntervalMs: 20 }), holder.instance({ schedulerIntervalMs: 20 })]);
    try {
      const at = IN_AN_HOUR();
      await Promise.all(Array.from({ length: 30 }, (_, i) => schedule(i % 2 ? one : two, `خبر ${i}`, at)));
      await makeDue();
      // Thirty publications on a busy machine: more room than the default five seconds.
      await eventually(async () => (await holder.sql(`SELECT count(*)::int AS n FROM article WHERE status = 'PUBLISHED'`))[0].n, (n) => n === 30,
        { timeoutMs: 20_000, what: 'all thirty to be published' });
      await pause(200); // a few more ticks of both instances
      const perArticle = await holder.sql(`SELECT a.id, a.status,
          (SELECT count(*)::int FROM event_outbox e WHERE e.entity_id = a.id AND e.kind = 'PUBLISHED') AS events,
          (SELECT count(*)::int FROM article_revision r WHERE r.article_id = a.id AND r.action = 'PUBLISHED') AS revisions
        FROM article a`);
      expect(perArticle).toHaveLength(30);
      expect(perArticle.filter((row) => row.status !== 'PUBLISHED' || row.events !== 1 || row.revisions !== 1)).toEqual([]);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });

  it('gives each due article to exactly one of many scheduler runs racing on two instances', async () => {
    const [one, two] = await Promise.all([holder.instance({ schedulerIntervalMs: 0 }), holder.instance({ schedulerIntervalMs: 0 })]);
    try {
      const at = IN_AN_HOUR();
      await Promise.all(Array.from({ length: 10 }, (_, i) => schedule(i % 2 ? one : two, `سباق ${i}`, at)));
      await makeDue();
      // More runs than articles: a run that finds every due row locked by another run returns empty-handed.
      const runs = await Promise.all(Array.from({ length: 16 }, (_, i) => new ArticleWriter((i % 2 ? one : two).khabar.db).publishNextDue()));
      const published = runs.filter((id) => id !== null);
      expect(published).toHaveLength(10);
      expect(new Set(published).size).toBe(10);
      expect((await outboxEvents(holder)).length).toBe(10);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });

  it('publishes the other due articles when one of them cannot be, and that one once it can', async () => {
    const at = IN_AN_HOUR();
    const stuck = await schedule(holder, 'عالق', at);
    const fine = await schedule(holder, 'سليم', at);
    const stuckId = Number(Buffer.from(stuck, 'base64url').toString().split(':')[1]);
    await holder.sql(`CREATE FUNCTION refuse_publication() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'simulated failure'; END $$`);
    try {
      await holder.sql(`CREATE TRIGGER refuse_publication BEFORE INSERT ON article_revision FOR EACH ROW
        WHEN (NEW.article_id = ${stuckId} AND NEW.action = 'PUBLISHED') EXECUTE FUNCTION refuse_publication()`);
      await holder.sql(`UPDATE article SET published_at = now() - CASE WHEN id = $1 THEN interval '2 seconds' ELSE interval '1 second' END
        WHERE status = 'SCHEDULED'`, [stuckId]);
      const app = await holder.instance(FAST);
      try {
        expect(await eventually(() => publicStatus(app, fine))).toBe('PUBLISHED');
        expect(await publicStatus(app, stuck)).toBeNull();
        await holder.sql('DROP FUNCTION refuse_publication() CASCADE');
        expect(await eventually(() => publicStatus(app, stuck))).toBe('PUBLISHED');
      } finally {
        await app.stop();
      }
    } finally {
      await holder.sql('DROP FUNCTION IF EXISTS refuse_publication() CASCADE');
    }
  });

  it('does not publish a schedule the editor cancelled, and can reschedule it', async () => {
    const app = await holder.instance(FAST);
    try {
      const id = await schedule(app, 'ألغي', IN_AN_HOUR());
      expect((await ok(app, UNPUBLISH, { id }, editor)).unpublishArticle).toMatchObject({ status: 'DRAFT', publishedAt: null });
      // A marker made due with it: once the marker is out, the scheduler has run over every due article.
      const marker = await schedule(app, 'علامة', IN_AN_HOUR());
      await makeDue();
      expect(await eventually(() => publicStatus(app, marker))).toBe('PUBLISHED');
      expect(await publicStatus(app, id)).toBeNull();
      const at = IN_AN_HOUR();
      expect((await ok(app, PUBLISH, { id, at }, editor)).publishArticle).toMatchObject({ status: 'SCHEDULED', publishedAt: at });
      const later = new Date(Date.now() + 7_200_000).toISOString();
      expect((await ok(app, PUBLISH, { id, at: later }, editor)).publishArticle).toMatchObject({ status: 'SCHEDULED', publishedAt: later });
      expect((await ok(app, PUBLISH, { id }, editor)).publishArticle.status).toBe('PUBLISHED');
      expect(failure(await app.gql(PUBLISH, { id, at }, { token: editor })).extensions).toMatchObject({ code: 'CONFLICT' });
      expect((await outboxEvents(app, id)).map((e) => e.kind)).toEqual(['PUBLISHED']);
    } finally {
      await app.stop();
    }
  });
});
