import { loadConfig } from '../../src/config';
import type { PoolSql } from '../../src/db/sql';
import { encodeCursor } from '../../src/shared/relay';
import { appendEvent } from '../../src/realtime/outbox';
import { eventually } from '../support/eventually';
import { connectLive, LiveConnection, subscribe } from '../support/live';
import { startTestApp, TestApp } from '../support/test-app';

const BREAKING = 'subscription($after: String) { breakingNews(after: $after) { cursor ticker { headline } } }';
const EVENTS = 320;
/** Where the reconnecting clients were: 300, 250 and 200 events back. */
const BACK = [300, 250, 200];
/** No safety poll: nothing but the storm runs statements on the instances it hits. */
const QUIET = { live: { ...loadConfig({}).live, pollMs: 600_000 } };

/**
 * A reconnect storm, small: clients come back at once to an instance that has just started (its window of recent events
 * is empty, as after a restart), each with a cursor a few hundred events back. Streams at the same position share their
 * reads, so the statements depend on the positions, not on how many clients stand at each.
 */
describe('a reconnect storm', () => {
  let writer: TestApp;
  let cursors: string[];

  beforeAll(async () => {
    writer = await startTestApp(QUIET);
    // The night's pushes, written as the ticker writer does (an item, then its event), in one transaction for speed.
    await writer.khabar.db.transaction(async (tx) => {
      const tickers: { id: number }[] = await tx.query(`INSERT INTO ticker (headline, urgency, status, published_at, expires_at)
        SELECT 'عاجل رقم ' || n, 2, 'LIVE', now(), now() + interval '1 hour' FROM generate_series(1, $1) n RETURNING id`, [EVENTS]);
      for (const { id } of tickers) await appendEvent(tx, { topic: 'ticker', kind: 'PUSHED', entityId: id, regionCodes: [], urgency: 2 });
    });
    const rows = await writer.sql(`SELECT seq FROM event_outbox WHERE topic = 'ticker' ORDER BY seq`);
    expect(rows).toHaveLength(EVENTS);
    cursors = rows.map((row) => encodeCursor('breakingNews', [Number(row.seq)]));
  }, 120_000);
  afterAll(() => writer.stop());

  /** `clients` clients resume at once on a fresh instance; returns the statements it ran for them, once all have their backlog. */
  async function storm(clients: number): Promise<number> {
    const instance = await writer.instance(QUIET);
    const connections: LiveConnection[] = [];
    try {
      const sql = instance.khabar.contextDeps.sql as PoolSql;
      // The instance's first catch-up (its listener woke it on connecting) is over before counting: it is not the storm's.
      await instance.khabar.feed.catchUp();
      const before = sql.statements;
      const subscriptions = Array.from({ length: clients }, (_, i) => {
        const back = BACK[i % BACK.length];
        const connection = connectLive(instance);
        connections.push(connection);
        return { back, live: subscribe(connection, BREAKING, { after: cursors[EVENTS - 1 - back] }) };
      });
      for (const { back, live } of subscriptions) {
        const events = await eventually(() => live.results.length, (n) => n >= back, { timeoutMs: 60_000, what: `a backlog of ${back} events` });
        expect(events).toBe(back);
      }
      // Every client got its backlog, in order, once.
      for (const { back, live } of subscriptions) {
        expect(live.results.map((r) => r.data!.breakingNews.cursor)).toEqual(cursors.slice(EVENTS - back));
      }
      return sql.statements - before;
    } finally {
      await Promise.all(connections.map((c) => c.dispose()));
      await instance.stop();
    }
  }

  it('costs statements by distinct positions, not by clients: 20 and 200 clients run the same few', async () => {
    const few = await storm(20);
    const many = await storm(200);
    // Per position: one cursor check, then pages of 50 events (the outbox page and its tickers: two statements each).
    const pages = BACK.reduce((sum, back) => sum + Math.ceil(back / 50), 0);
    expect(few).toBeLessThanOrEqual(BACK.length + 2 * pages);
    expect(many).toBe(few);
  }, 180_000);
});
