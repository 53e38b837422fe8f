import pino from 'pino';
import type { DataSource } from 'typeorm';
import { makeDataSource } from '../../src/db/data-source';
import { appendEvent } from '../../src/realtime/outbox';
import { pruneOutbox } from '../../src/realtime/outbox-consumers';
import { startDelivery, Delivery, DeliveryOptions, DEFAULT_DELIVERY_OPTIONS } from '../../src/delivery/engine';
import type { ClaimedJob, DeliveryConsumer, Outcome } from '../../src/delivery/jobs';
import { createTestDatabase } from '../support/database';
import { eventually } from '../support/eventually';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const FAST: DeliveryOptions = { ...DEFAULT_DELIVERY_OPTIONS, pollMs: 50, leaseMs: 5_000, batchSize: 50, maxInFlight: 200 };

interface Attempt {
  job: ClaimedJob;
  at: number;
  instance: string;
}

/**
 * A consumer of ticker events for the targets of `engine_target`: one job per (event, target), lane = the ticker,
 * KILLED cancels. What the receiver answers is scripted per call.
 */
function testConsumer(instance: string, attempts: Attempt[], answer: (job: ClaimedJob) => Outcome | Promise<Outcome>,
  more: Partial<DeliveryConsumer> = {}): DeliveryConsumer {
  return {
    name: 'test',
    topics: ['ticker'],
    plan: {
      jobs: {
        sql: `SELECT e.seq AS event_seq, t.id AS target, e.entity_id::text AS lane,
                e.created_at + make_interval(secs => $5) AS not_after
              FROM events e CROSS JOIN engine_target t WHERE e.kind IN ('PUSHED', 'UPDATED')`,
        params: [3600],
      },
      cancels: { sql: `SELECT e.entity_id::text AS lane, e.seq AS before_seq FROM events e WHERE e.kind = 'KILLED'` },
    },
    collapse: true,
    retry: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 3, maxRetryAfterMs: 10_000 },
    async deliver(jobs, report) {
      await Promise.all(jobs.map(async (job) => {
        attempts.push({ job, at: Date.now(), instance });
        report(job, await answer(job));
      }));
    },
    ...more,
  };
}

describe('the delivery engine (durable jobs from the outbox)', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: DataSource;
  const running: Delivery[] = [];
  const sources: DataSource[] = [];

  const start = async (consumer: DeliveryConsumer, options = FAST, on = db) => {
    const delivery = await startDelivery(on, consumer, logger, options);
    running.push(delivery);
    return delivery;
  };
  const event = (kind: string, tickerId: number) => db.transaction((tx) =>
    appendEvent(tx, { topic: 'ticker', kind, entityId: tickerId, regionCodes: [], urgency: 1 }));
  const jobs = () => db.query(
    `SELECT event_seq::int AS seq, target::int, lane, state, attempts, last_error AS error FROM delivery_job ORDER BY event_seq, target`);
  const position = async () => Number((await db.query(`SELECT position FROM outbox_consumer WHERE name = 'test'`))[0].position);

  beforeAll(async () => {
    database = await createTestDatabase();
    db = makeDataSource(database.url, 4);
    await db.initialize();
  });

  beforeEach(async () => {
    await db.query(`DROP TABLE IF EXISTS engine_target; CREATE TABLE engine_target (id bigint PRIMARY KEY);
      INSERT INTO engine_target SELECT generate_series(1, 3);
      TRUNCATE delivery_job; DELETE FROM outbox_consumer; DELETE FROM event_outbox`);
  });

  afterEach(async () => {
    for (const delivery of running.splice(0)) await delivery.stop();
    for (const source of sources.splice(0)) await source.destroy();
  });

  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  it('delivers each event to each target once, and a restarted consumer neither repeats nor skips', async () => {
    const attempts: Attempt[] = [];
    const first = await start(testConsumer('a', attempts, () => ({ state: 'sent' })));
    await event('PUSHED', 1);
    await event('PUSHED', 2);
    await first.wake();
    await eventually(() => attempts.length === 6, { what: '6 deliveries' });
    await first.idle();
    await first.stop();
    running.splice(running.indexOf(first), 1);

    await event('PUSHED', 3); // while no instance runs
    const second = await start(testConsumer('b', attempts, () => ({ state: 'sent' })));
    await eventually(() => attempts.length === 9, { what: '9 deliveries' });
    await second.idle();
    const delivered = attempts.map((a) => `${a.job.eventSeq}:${a.job.target}`);
    expect(new Set(delivered).size).toBe(9);
    expect((await jobs()).every((job: { state: string }) => job.state === 'sent')).toBe(true);
    expect(await position()).toBe(Number((await db.query('SELECT max(seq) AS m FROM event_outbox'))[0].m));
  });

  it('starts at the head: events from before a consumer existed are not delivered', async () => {
    await event('PUSHED', 1);
    const attempts: Attempt[] = [];
    const delivery = await start(testConsumer('a', attempts, () => ({ state: 'sent' })));
    await event('PUSHED', 2);
    delivery.wake();
    await eventually(() => attempts.length === 3, { what: '3 deliveries' });
    await delivery.idle();
    expect(attempts.every((a) => a.job.lane === '2')).toBe(true);
  });

  it('plans jobs and advances its position in one transaction: a failing plan leaves both untouched', async () => {
    const attempts: Attempt[] = [];
    const broken = testConsumer('a', attempts, () => ({ state: 'sent' }));
    broken.plan = { ...broken.plan, jobs: { sql: `SELECT e.seq AS event_seq, (t.id / (e.entity_id - 7))::bigint AS target, NULL::text AS lane, NULL::timestamptz AS not_after FROM events e CROSS JOIN engine_target t` } };
    const delivery = await start(broken);
    const before = await position();
    await event('PUSHED', 7); // division by zero in the plan
    delivery.wake();
    await delivery.idle();
    expect(await position()).toBe(before);
    expect(await jobs()).toEqual([]);
  });

  it('two instances share the work through SKIP LOCKED and deliver nothing twice', async () => {
    const other = makeDataSource(database.url, 4);
    await other.initialize();
    sources.push(other);
    await db.query('INSERT INTO engine_target SELECT generate_series(4, 400)');
    const attempts: Attempt[] = [];
    const slow = async () => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      return { state: 'sent' } as const;
    };
    const options = { ...FAST, batchSize: 20, maxInFlight: 40 };
    const a = await start(testConsumer('a', attempts, slow), options);
    const b = await start(testConsumer('b', attempts, slow), options, other);
    await event('PUSHED', 1);
    await event('PUSHED', 2);
    a.wake();
    b.wake();
    await eventually(() => attempts.length >= 800, { what: '800 deliveries', timeoutMs: 20_000 });
    await a.idle();
    await b.idle();
    const keys = attempts.map((x) => `${x.job.eventSeq}:${x.job.target}`);
    expect(keys).toHaveLength(800);
    expect(new Set(keys).size).toBe(800);
    expect(attempts.some((x) => x.instance === 'a')).toBe(true);
    expect(attempts.some((x) => x.instance === 'b')).toBe(true);
  });

  it('retries with backoff, never before Retry-After, and dead-letters after the last attempt', async () => {
    await db.query('DELETE FROM engine_target WHERE id > 1');
    const attempts: Attempt[] = [];
    const delivery = await start(testConsumer('a', attempts, (job) => job.lane === '1'
      ? { state: 'retry', status: 503, error: 'HTTP 503', retryAfterMs: job.attempt === 1 ? 400 : undefined }
      : { state: 'retry', status: 500, error: 'HTTP 500' }));
    await event('PUSHED', 1);
    delivery.wake();
    await eventually(() => attempts.length === 3, { what: '3 attempts', timeoutMs: 10_000 });
    await delivery.idle();
    const times = attempts.map((a) => a.at);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(400);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(20); // half of the doubled 20 ms ceiling at least
    expect(await jobs()).toEqual([{ seq: expect.any(Number), target: 1, lane: '1', state: 'failed', attempts: 3, error: 'gave up after 3 attempts: HTTP 503' }]);
  });

  it('a later event of the same lane replaces a job still waiting; a cancelling event cancels it', async () => {
    const attempts: Attempt[] = [];
    await db.query('DELETE FROM engine_target WHERE id > 1');
    await registerOnly();
    await event('PUSHED', 1);
    await event('UPDATED', 1);
    await event('PUSHED', 2);
    await event('KILLED', 2);
    const delivery = await start(testConsumer('a', attempts, () => ({ state: 'sent' })));
    await eventually(() => attempts.length === 1, { what: 'one delivery' });
    await delivery.idle();
    expect(attempts[0].job.lane).toBe('1');
    expect((await jobs()).map((j: { lane: string; state: string; error: string }) => [j.lane, j.state, j.error])).toEqual([
      ['1', 'cancelled', 'superseded by a later event'],
      ['1', 'sent', null],
      ['2', 'cancelled', 'cancelled by a later event'],
    ]);
  });

  it('a job replaced while it was in flight is cancelled when it falls due again, not delivered', async () => {
    await db.query('DELETE FROM engine_target WHERE id > 1');
    const attempts: Attempt[] = [];
    await registerOnly();
    const pushed = await event('PUSHED', 1);
    const delivery = await start(testConsumer('a', attempts, () => attempts.length === 1
      ? { state: 'retry', status: 503, error: 'HTTP 503', retryAfterMs: 300 } : { state: 'sent' }));
    await eventually(() => db.query(`SELECT 1 FROM delivery_job WHERE attempts = 1 AND state = 'queued' AND lease_token IS NULL`),
      (rows) => rows.length === 1, { what: 'the first attempt recorded as a retry' });
    // The update's plan ran while that attempt was in flight (so it could not cancel it) and committed after the retry was recorded.
    await db.query(`INSERT INTO delivery_job (consumer, event_seq, target, lane, not_after) VALUES ('test', $1, 1, '1', now() + interval '1 hour')`, [pushed + 1]);
    await eventually(() => attempts.length === 2, { what: 'the replacement delivered', timeoutMs: 5_000 });
    await delivery.idle();
    expect(attempts.map((a) => a.job.eventSeq - pushed)).toEqual([0, 1]);
    expect((await jobs()).map((j: { state: string; error: string }) => [j.state, j.error])).toEqual([
      ['cancelled', 'superseded by a later event'],
      ['sent', null],
    ]);
  });

  it('keeps the jobs of one lane and target in event order, even when the first one must be retried', async () => {
    await db.query('DELETE FROM engine_target WHERE id > 1');
    const attempts: Attempt[] = [];
    let failures = 2;
    const consumer = testConsumer('a', attempts, (job) => job.eventSeq === firstSeq && failures-- > 0
      ? { state: 'retry', error: 'HTTP 503', status: 503 } : { state: 'sent' }, { collapse: false });
    consumer.retry = { ...consumer.retry, maxAttempts: 5 };
    await registerOnly();
    const firstSeq = await event('PUSHED', 1);
    await event('UPDATED', 1);
    await event('UPDATED', 1);
    const delivery = await start(consumer);
    await eventually(() => attempts.length === 5, { what: '5 attempts', timeoutMs: 10_000 });
    await delivery.idle();
    expect(attempts.map((a) => a.job.eventSeq - firstSeq)).toEqual([0, 0, 0, 1, 2]);
  });

  it('does not deliver a job after its not_after: it expires', async () => {
    const attempts: Attempt[] = [];
    const consumer = testConsumer('a', attempts, () => ({ state: 'sent' }));
    consumer.plan = { ...consumer.plan, jobs: { ...consumer.plan.jobs, params: [0] } };
    await registerOnly();
    await event('PUSHED', 1);
    const delivery = await start(consumer);
    await delivery.idle();
    expect(attempts).toEqual([]);
    expect((await jobs()).map((j: { state: string }) => j.state)).toEqual(['expired', 'expired', 'expired']);
  });

  it('a job whose instance died mid-send is delivered by another once its lease runs out; a late answer is ignored', async () => {
    await db.query('DELETE FROM engine_target WHERE id > 1');
    const dying = makeDataSource(database.url, 2);
    await dying.initialize();
    const attempts: Attempt[] = [];
    let answerLate: (() => void) | null = null;
    const hung = testConsumer('a', attempts, () => new Promise<Outcome>((resolve) => {
      answerLate = () => resolve({ state: 'failed', error: 'too late' });
    }));
    const a = await start(hung, { ...FAST, leaseMs: 300 }, dying);
    const beforeTheLease = Date.now();
    await event('PUSHED', 1);
    a.wake();
    await eventually(() => attempts.length === 1, { what: 'the first attempt' });
    await dying.destroy(); // the instance is gone: it claims and records nothing more
    const b = await start(testConsumer('b', attempts, () => ({ state: 'sent' })), { ...FAST, leaseMs: 300 });
    await eventually(() => attempts.length === 2, { what: 'the attempt after the lease', timeoutMs: 5_000 });
    await b.idle();
    answerLate!();
    expect(attempts.map((x) => x.instance)).toEqual(['a', 'b']);
    expect(attempts[1].at - beforeTheLease).toBeGreaterThanOrEqual(300);
    expect((await jobs()).map((j: { state: string; attempts: number }) => [j.state, j.attempts])).toEqual([['sent', 2]]);
  });

  it('forgets targets the receiver says are gone', async () => {
    const attempts: Attempt[] = [];
    const forgotten: number[] = [];
    const delivery = await start(testConsumer('a', attempts,
      (job) => job.target === 2 ? { state: 'gone', status: 410, error: 'HTTP 410' } : { state: 'sent' },
      { forget: async (targets) => void forgotten.push(...targets) }));
    await event('PUSHED', 1);
    delivery.wake();
    await eventually(() => forgotten.length === 1, { what: 'the gone target forgotten' });
    await delivery.idle();
    expect(forgotten).toEqual([2]);
    expect((await jobs()).map((j: { target: number; state: string }) => [j.target, j.state])).toEqual([[1, 'sent'], [2, 'failed'], [3, 'sent']]);
  });

  it('pruning keeps what a running consumer has not planned, and counts what a long-stopped one lost', async () => {
    await registerOnly();
    const seq = await event('PUSHED', 1);
    await db.query(`UPDATE event_outbox SET created_at = now() - interval '100 hours'`);
    expect((await pruneOutbox(db, 72)).deleted).toBe(0);
    expect(await db.query('SELECT seq::int FROM event_outbox')).toEqual([{ seq }]);

    await db.query(`UPDATE outbox_consumer SET heartbeat_at = now() - interval '80 hours'`);
    const pruned = await pruneOutbox(db, 72);
    expect(pruned).toEqual({ deleted: 1, lost: [{ name: 'test', events: 1 }] });
    expect(await db.query(`SELECT position::int, lost_events::int AS lost FROM outbox_consumer`)).toEqual([{ position: seq, lost: 1 }]);
  });

  it('pruning keeps events younger than the retention, even once every consumer has read them: cursors resume from them', async () => {
    const seq = await event('PUSHED', 1);
    await registerOnly(); // at the head: it has read everything
    expect(await db.query('SELECT position::int FROM outbox_consumer')).toEqual([{ position: seq }]);
    expect(await pruneOutbox(db, 72)).toEqual({ deleted: 0, lost: [] });
    expect(await db.query('SELECT seq::int FROM event_outbox')).toEqual([{ seq }]);
  });

  /** Registers the consumer (at the head) without running it, so events can pile up before it starts. */
  async function registerOnly(): Promise<void> {
    await db.query(`INSERT INTO outbox_consumer (name, topics, position) VALUES ('test', '{ticker}', (SELECT coalesce(max(seq), 0) FROM event_outbox))`);
  }
});
