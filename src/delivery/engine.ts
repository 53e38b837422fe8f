import crypto from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/unavailable';
import { registerConsumer } from '../realtime/outbox-consumers';
import type { ClaimedJob, DeliveryConsumer, Outcome, PlanStatement } from './jobs';
import { retryDelayMs } from './retry';

export interface DeliveryOptions {
  /** How long a claimed job is reserved for this instance; after it, another instance may take it (a crash mid-send). */
  leaseMs: number;
  /** Jobs per claim. */
  batchSize: number;
  /** Jobs this instance delivers at once. */
  maxInFlight: number;
  /** Looks for due jobs at least this often (jobs planned by another instance, retries coming due). */
  pollMs: number;
  /** Outbox events of the consumer's topics planned per transaction. */
  eventsPerPlan: number;
  /** Finished jobs are deleted after this many hours. */
  retentionHours: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  leaseMs: 60_000, batchSize: 500, maxInFlight: 4_000, pollMs: 1_000, eventsPerPlan: 10, retentionHours: 168,
};

export interface Delivery {
  /** New outbox events were committed: plan them and deliver. Cheap to call often; calls coalesce. */
  wake(): void;
  /** Resolves when every due job of this consumer is finished or waiting for a retry (tests, benchmarks). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Results are written together: at most this many per statement, and at most this long after the first one. */
const FLUSH_SIZE = 1_000;
const FLUSH_MS = 50;
const HOUR_MS = 3_600_000;
/** How long stop() waits for deliveries in flight before leaving their jobs to the lease. */
const STOP_GRACE_MS = 5_000;

interface Result {
  job: ClaimedJob;
  state: 'sent' | 'queued' | 'failed' | 'cancelled';
  delayMs: number;
  status: number | null;
  error: string | null;
  gone: boolean;
}

/**
 * Runs one consumer on this instance: plans its jobs from the outbox (one planner at a time across instances, the
 * position advancing in the same transaction as the inserts, so a crash neither loses nor duplicates), and claims
 * due jobs with FOR UPDATE SKIP LOCKED alongside every other instance, delivering them through the consumer.
 */
export async function startDelivery(db: DataSource, consumer: DeliveryConsumer, logger: Logger,
  options: DeliveryOptions = DEFAULT_DELIVERY_OPTIONS): Promise<Delivery> {
  await registerConsumer(db, consumer.name, consumer.topics);
  const log = logger.child({ consumer: consumer.name });
  /** A database away (restarting, or no connection to be had in time) is a warning: the work is retried, nothing is lost. */
  const failed = (error: unknown, fields: Record<string, unknown>, message: string) => {
    if (isDatabaseUnavailable(error)) log.warn({ err: error, ...fields }, `${message} (the database is unavailable)`);
    else log.error({ err: error, ...fields }, message);
  };
  let stopped = false;
  let inFlight = 0;
  const deliveries = new Set<Promise<void>>();
  let results: Result[] = [];
  let flushTimer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();
  let bell: (() => void) | null = null;
  let rung = false;
  let planning: Promise<void> | null = null;
  let planAgain = false;
  const idleWaiters: (() => void)[] = [];
  /** Jobs this instance leased and has not yet recorded an outcome for, with their lease tokens. */
  const held = new Map<number, string>();

  const ring = () => {
    rung = true;
    const wake = bell;
    bell = null;
    wake?.();
  };
  const sleep = (ms: number) => new Promise<void>((resolve) => {
    if (rung) {
      rung = false;
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      bell = null;
      resolve();
    }, ms);
    bell = () => {
      clearTimeout(timer);
      rung = false;
      resolve();
    };
  });

  const plan = (): Promise<void> => {
    if (planning) {
      planAgain = true;
      return planning;
    }
    planning = (async () => {
      try {
        do {
          planAgain = false;
          while (!stopped && await planOnce(db, consumer, options.eventsPerPlan, log)) ring();
          ring();
        } while (planAgain && !stopped);
      } catch (error) {
        failed(error, {}, 'planning deliveries failed; retrying on the next event or poll');
      } finally {
        planning = null;
      }
    })();
    return planning;
  };

  const flush = (): Promise<void> => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    if (results.length === 0) return flushing;
    const batch = results;
    results = [];
    const flushStarted = Date.now();
    flushing = flushing.then(() => recordResultsRetryingConflicts(db, consumer, batch))
      .then(() => log.debug({ jobs: batch.length, ms: Date.now() - flushStarted }, 'recorded outcomes'))
      // A finished job may free the next one of its lane (claimable only once this is recorded): claim now, not at the next poll.
      .then(() => { if (batch.some((result) => result.job.lane !== null)) ring(); })
      .catch((error) => {
      // The leases run out and the jobs are delivered again: at least once, never lost.
      failed(error, { jobs: batch.length }, 'recording delivery results failed');
    })
      .finally(() => {
        for (const result of batch) held.delete(result.job.id);
      });
    return flushing;
  };

  const report = (job: ClaimedJob, outcome: Outcome) => {
    results.push(resultOf(consumer, job, outcome));
    if (results.length >= FLUSH_SIZE) void flush();
    else if (!flushTimer) flushTimer = setTimeout(() => void flush(), FLUSH_MS);
  };

  const dispatch = (jobs: ClaimedJob[]) => {
    inFlight += jobs.length;
    for (const job of jobs) held.set(job.id, job.leaseToken);
    const reported = new Set<number>();
    const once = (job: ClaimedJob, outcome: Outcome) => {
      if (reported.has(job.id)) return;
      reported.add(job.id);
      report(job, outcome);
    };
    const deliverStarted = Date.now();
    const delivery = consumer.deliver(jobs, once)
      .then(() => log.debug({ jobs: jobs.length, ms: Date.now() - deliverStarted, inFlight }, 'delivered a batch'))
      .catch((error) => failed(error, {}, 'a delivery batch failed'))
      .finally(() => {
        for (const job of jobs) once(job, { state: 'retry', error: 'no outcome reported' });
        inFlight -= jobs.length;
        deliveries.delete(delivery);
        ring();
      });
    deliveries.add(delivery);
  };

  const loop = (async () => {
    while (!stopped) {
      if (inFlight + options.batchSize > options.maxInFlight) {
        await sleep(options.pollMs);
        continue;
      }
      let claimed: Claimed = { jobs: [], rows: 0 };
      try {
        const claimStarted = Date.now();
        claimed = await claim(db, consumer, options.batchSize, options.leaseMs);
        if (claimed.rows > 0) log.debug({ jobs: claimed.rows, ms: Date.now() - claimStarted }, 'claimed jobs');
      } catch (error) {
        if (!stopped) log.warn({ err: error }, 'claiming delivery jobs failed; retrying');
      }
      if (claimed.jobs.length > 0) dispatch(claimed.jobs);
      if (claimed.rows > 0) continue;
      if (inFlight === 0 && !planning) {
        await flush();
        for (const resolve of idleWaiters.splice(0)) resolve();
      }
      await sleep(options.pollMs);
    }
  })();

  const poll = setInterval(() => void plan(), options.pollMs);
  // A live instance keeps its leases until each outcome is recorded, not only while the receiver takes its time: an
  // outcome waiting for its write must not let another instance deliver the job again.
  const renew = setInterval(() => {
    if (held.size === 0 || stopped) return;
    // SKIP LOCKED: a job whose outcome is being written right now needs no renewal, and waiting for it in no set order
    // could deadlock with that write (seen in bench:push: a deadlock failed an outcome write, and its 289 jobs were sent again once their leases ran out).
    db.query(
      `UPDATE delivery_job j SET next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
       FROM (SELECT c.id FROM delivery_job c JOIN unnest($1::bigint[], $2::uuid[]) AS h(id, token) ON c.id = h.id AND c.lease_token = h.token
             WHERE c.state = 'queued' FOR UPDATE OF c SKIP LOCKED) renewable
       WHERE j.id = renewable.id`, [[...held.keys()], [...held.values()], options.leaseMs],
    ).catch((error) => failed(error, { jobs: held.size }, 'renewing leases failed'));
  }, Math.max(50, Math.floor(options.leaseMs / 3)));
  const prune = () => void db.query(
    `DELETE FROM delivery_job WHERE consumer = $1 AND state <> 'queued' AND finished_at < now() - make_interval(hours => $2)`,
    [consumer.name, options.retentionHours]).catch((error) => log.warn({ err: error }, 'pruning finished jobs failed'));
  const pruning = setInterval(prune, HOUR_MS);
  void plan();

  return {
    wake: () => void plan(),
    idle: () => new Promise<void>((resolve) => {
      idleWaiters.push(resolve);
      void plan();
      ring();
    }),
    async stop() {
      stopped = true;
      clearInterval(poll);
      clearInterval(renew);
      clearInterval(pruning);
      ring();
      await loop;
      await planning;
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...deliveries]),
        new Promise((resolve) => { grace = setTimeout(resolve, STOP_GRACE_MS); }),
      ]);
      clearTimeout(grace);
      await flush();
      await flushing;
      for (const resolve of idleWaiters.splice(0)) resolve();
    },
  };
}

/**
 * Plans the next events of the consumer's topics into jobs, in one transaction that also advances its position.
 * Returns true when there may be more to plan; false when caught up or another instance is planning.
 */
async function planOnce(db: DataSource, consumer: DeliveryConsumer, eventsPerPlan: number, log: Logger): Promise<boolean> {
  const started = Date.now();
  return db.transaction(async (tx) => {
    const [locked] = await tx.query(
      'SELECT position FROM outbox_consumer WHERE name = $1 FOR UPDATE SKIP LOCKED', [consumer.name]);
    if (!locked) return false;
    const after = Number(locked.position);
    // One snapshot for both: the outbox lock makes sequence order commit order, so nothing can appear below `head` later.
    const [window] = await tx.query(
      `SELECT array(SELECT seq FROM event_outbox WHERE seq > $1 AND topic = ANY($2) ORDER BY seq LIMIT $3) AS seqs,
              (SELECT max(seq) FROM event_outbox) AS head`, [after, consumer.topics, eventsPerPlan]);
    const seqs: number[] = window.seqs.map(Number);
    const full = seqs.length === eventsPerPlan;
    const through = full ? seqs[seqs.length - 1] : Math.max(after, Number(window.head ?? 0));
    if (through === after) {
      await tx.query(`UPDATE outbox_consumer SET heartbeat_at = now() WHERE name = $1 AND heartbeat_at < now() - interval '1 minute'`,
        [consumer.name]);
      return false;
    }
    if (seqs.length > 0) await planJobs(tx, consumer, after, through);
    await tx.query('UPDATE outbox_consumer SET position = $2, heartbeat_at = now() WHERE name = $1', [consumer.name, through]);
    log.debug({ events: seqs.length, after, through, ms: Date.now() - started }, 'planned deliveries');
    return full;
  });
}

async function planJobs(tx: EntityManager, consumer: DeliveryConsumer, after: number, through: number): Promise<void> {
  const params = (statement: PlanStatement) => [consumer.name, after, through, consumer.topics, ...(statement.params ?? [])];
  const events = `events AS (
    SELECT seq, topic, kind, entity_id, region_codes, urgency, created_at FROM event_outbox
    WHERE seq > $2 AND seq <= $3 AND topic = ANY($4))`;
  const [{ planned }]: { planned: number }[] = await tx.query(
    `WITH ${events}, inserted AS (
       INSERT INTO delivery_job (consumer, event_seq, target, lane, not_after)
       SELECT $1, j.event_seq, j.target, j.lane, j.not_after FROM (${consumer.plan.jobs.sql}) j
       ON CONFLICT ON CONSTRAINT delivery_job_once DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS planned FROM inserted`, params(consumer.plan.jobs));
  // Statistics from before a burst make the planner probe lanes through the wrong index, one full lane scan per job
  // claimed (measured: 17 s per claim at 100,000 queued jobs, 1 ms once analysed); a big plan refreshes them at once.
  if (planned >= ANALYZE_AFTER_JOBS) await tx.query('ANALYZE delivery_job');
  if (consumer.collapse) {
    // Lanes of this window that hold queued jobs of more than one event: the only ones where a job can be superseded.
    const lanes: { lane: string }[] = await tx.query(
      `SELECT lane FROM delivery_job
       WHERE consumer = $1 AND state = 'queued'
         AND lane IN (SELECT DISTINCT lane FROM delivery_job WHERE consumer = $1 AND event_seq > $2 AND event_seq <= $3 AND lane IS NOT NULL)
       GROUP BY lane HAVING count(DISTINCT event_seq) > 1`, [consumer.name, after, through]);
    if (lanes.length > 0) {
      await tx.query(
        `UPDATE delivery_job o SET state = 'cancelled', finished_at = now(), last_error = 'superseded by a later event'
         WHERE o.consumer = $1 AND o.lane = ANY($2) AND o.state = 'queued' AND ${NOT_LEASED('o')}
           AND EXISTS (${LATER_IN_LANE('o')})`, [consumer.name, lanes.map((l) => l.lane)]);
    }
  }
  const cancels = consumer.plan.cancels;
  if (cancels) {
    await tx.query(
      `WITH ${events}
       UPDATE delivery_job j SET state = 'cancelled', finished_at = now(), last_error = 'cancelled by a later event'
       FROM (${cancels.sql}) c
       WHERE j.consumer = $1 AND j.lane = c.lane AND j.event_seq < c.before_seq AND j.state = 'queued' AND ${NOT_LEASED('j')}`,
      params(cancels));
  }
}

/** Jobs planned at once past which the table's statistics are refreshed before claiming. */
const ANALYZE_AFTER_JOBS = 5_000;

/** A job being delivered right now (its lease runs) is left alone: cancelling cannot recall it. */
const NOT_LEASED = (alias: string) => `(${alias}.lease_token IS NULL OR ${alias}.next_attempt_at <= now())`;

/**
 * A queued job of the same consumer, target and lane from an earlier (or later) event than the job `alias`. OFFSET 0
 * keeps it a per-row probe of delivery_job_lane_order_idx: pulled up into a join, PostgreSQL may hash every queued job
 * (of 100,000) for each claim, or, with the statistics of a table that just grew, scan it once per row.
 */
const EARLIER_IN_LANE = (alias: string) => `SELECT 1 FROM delivery_job p WHERE p.consumer = ${alias}.consumer AND p.target = ${alias}.target
  AND p.lane = ${alias}.lane AND p.state = 'queued' AND p.lane IS NOT NULL AND p.event_seq < ${alias}.event_seq OFFSET 0`;
const LATER_IN_LANE = (alias: string) => `SELECT 1 FROM delivery_job n WHERE n.consumer = ${alias}.consumer AND n.target = ${alias}.target
  AND n.lane = ${alias}.lane AND n.state = 'queued' AND n.lane IS NOT NULL AND n.event_seq > ${alias}.event_seq OFFSET 0`;

/**
 * Leases up to `limit` due jobs: the lease is the job's next_attempt_at moved forward, so a job whose instance died
 * falls due again by itself. A job of a lane waits until the earlier jobs of its lane and target are finished. Jobs
 * past their not_after are expired here instead of delivered, and with collapse a job that a later job of its lane
 * replaced is cancelled: the planner cannot cancel a job that is in flight, and its retry may be recorded before the
 * plan that replaced it commits. The update finds its rows by primary key (`id = ANY` of the claimed ids): joined to
 * `due` alone, PostgreSQL hashed the 500 claimed ids and scanned all of delivery_job to match them, once per claim
 * (100,000 jobs: 50 ms a claim with the scan, 10-20 ms without it; EXPLAIN ANALYZE on PostgreSQL 18).
 */
async function claim(db: DataSource, consumer: DeliveryConsumer, limit: number, leaseMs: number): Promise<Claimed> {
  const token = crypto.randomUUID();
  const rows: { id: string; event_seq: string; target: string; lane: string | null; attempts: number; not_after: Date | null; state: string }[] =
    await db.query(
      `WITH due AS (
         SELECT c.id, CASE
             WHEN c.not_after <= now() THEN 'expired'
             WHEN $5 AND c.lane IS NOT NULL AND EXISTS (${LATER_IN_LANE('c')}) THEN 'cancelled'
             ELSE 'queued' END AS next_state
         FROM delivery_job c
         WHERE c.consumer = $1 AND c.state = 'queued' AND c.next_attempt_at <= now()
           AND (c.lane IS NULL OR NOT EXISTS (${EARLIER_IN_LANE('c')}))${consumer.held ? `
           AND c.target NOT IN (${consumer.held})` : ''}
         ORDER BY c.next_attempt_at, c.id LIMIT $2 FOR UPDATE SKIP LOCKED),
       leased AS (
         UPDATE delivery_job j SET
           state = due.next_state,
           finished_at = CASE WHEN due.next_state = 'queued' THEN NULL ELSE now() END,
           attempts = j.attempts + CASE WHEN due.next_state = 'queued' THEN 1 ELSE 0 END,
           lease_token = CASE WHEN due.next_state = 'queued' THEN $3::uuid END,
           last_error = CASE WHEN due.next_state = 'cancelled' THEN 'superseded by a later event' ELSE j.last_error END,
           next_attempt_at = now() + make_interval(secs => $4::double precision / 1000)
         FROM due WHERE j.id = due.id AND j.id = ANY (ARRAY(SELECT id FROM due))
         RETURNING j.id, j.event_seq, j.target, j.lane, j.attempts, j.not_after, j.state)
       SELECT * FROM leased ORDER BY id`, [consumer.name, limit, token, leaseMs, consumer.collapse]);
  const jobs = rows.filter((row) => row.state === 'queued').map((row) => ({
    id: Number(row.id),
    eventSeq: Number(row.event_seq),
    target: Number(row.target),
    lane: row.lane,
    attempt: row.attempts,
    notAfter: row.not_after,
    leaseToken: token,
  }));
  return { jobs, rows: rows.length };
}

interface Claimed {
  jobs: ClaimedJob[];
  /** Rows taken, expired ones included: more may be due. */
  rows: number;
}

function resultOf(consumer: DeliveryConsumer, job: ClaimedJob, outcome: Outcome): Result {
  const status = 'status' in outcome && outcome.status !== undefined ? outcome.status : null;
  switch (outcome.state) {
    case 'sent':
      return { job, state: 'sent', delayMs: 0, status, error: null, gone: false };
    case 'retry':
      if (job.attempt >= consumer.retry.maxAttempts) {
        return { job, state: 'failed', delayMs: 0, status, error: `gave up after ${job.attempt} attempts: ${outcome.error}`, gone: false };
      }
      return { job, state: 'queued', delayMs: retryDelayMs(consumer.retry, job.attempt, outcome.retryAfterMs), status, error: outcome.error, gone: false };
    case 'gone':
      return { job, state: 'failed', delayMs: 0, status, error: outcome.error, gone: true };
    default:
      return { job, state: outcome.state, delayMs: 0, status, error: outcome.error, gone: false };
  }
}

/** PostgreSQL's codes for a statement it gave up because of another one (deadlock, serialization): worth running again. */
const CONFLICT_CODES = new Set(['40P01', '40001']);
const CONFLICT_ATTEMPTS = 3;

/** An outcome write lost to a conflict is written again at once: leaving it to the lease would send its jobs twice. */
async function recordResultsRetryingConflicts(db: DataSource, consumer: DeliveryConsumer, results: Result[]): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await recordResults(db, consumer, results);
    } catch (error) {
      const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;
      if (attempt >= CONFLICT_ATTEMPTS || !code || !CONFLICT_CODES.has(code)) throw error;
    }
  }
}

/**
 * Writes a batch of outcomes in one statement, each only if this instance still holds the job's lease. A retry due
 * after the job's not_after expires it now; with collapse, a retry that a later job of its lane replaced is cancelled.
 */
async function recordResults(db: DataSource, consumer: DeliveryConsumer, results: Result[]): Promise<void> {
  await db.query(
    `WITH r AS (
       SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::double precision[], $5::smallint[], $6::text[])
         AS r(id, token, state, delay_ms, status, error)),
     decided AS (
       SELECT r.*,
         CASE
           WHEN r.state <> 'queued' THEN r.state
           WHEN $7 AND EXISTS (${LATER_IN_LANE('j')}) THEN 'cancelled'
           WHEN j.not_after <= now() + make_interval(secs => r.delay_ms / 1000) THEN 'expired'
           ELSE 'queued'
         END AS next_state
       FROM r JOIN delivery_job j ON j.id = r.id AND j.lease_token = r.token)
     UPDATE delivery_job j SET
       state = d.next_state,
       finished_at = CASE WHEN d.next_state = 'queued' THEN NULL ELSE now() END,
       next_attempt_at = CASE WHEN d.next_state = 'queued' THEN now() + make_interval(secs => d.delay_ms / 1000) ELSE j.next_attempt_at END,
       lease_token = NULL,
       last_status = d.status,
       last_error = CASE WHEN d.next_state = 'cancelled' AND d.state = 'queued' THEN 'superseded by a later event' ELSE d.error END
     FROM decided d WHERE j.id = d.id`,
    [results.map((r) => r.job.id), results.map((r) => r.job.leaseToken), results.map((r) => r.state),
      results.map((r) => r.delayMs), results.map((r) => r.status), results.map((r) => r.error), consumer.collapse]);
  const gone = [...new Set(results.filter((r) => r.gone).map((r) => r.job.target))];
  if (gone.length > 0 && consumer.forget) await consumer.forget(gone);
}

/**
 * Delivers again, to one target, the events of the consumer's topics after `after` that it has planned (a webhook's
 * replay): its finished jobs of those events are queued again with fresh attempts, and jobs its plan would have made
 * but that are gone (pruned after retentionHours) are planned again with the consumer's own statement, restricted to
 * the target. The unique key (consumer, event, target) makes a replay re-arm a job, never duplicate it. Returns the
 * number of jobs queued; call `wake()` after it.
 */
export async function replayJobs(db: DataSource, consumer: DeliveryConsumer, target: number, after: number): Promise<number> {
  return db.transaction(async (tx) => {
    // Waits for a planner holding the row: the window below is then exactly what has been planned.
    const [row] = await tx.query('SELECT position FROM outbox_consumer WHERE name = $1 FOR UPDATE', [consumer.name]);
    if (!row) return 0;
    const through = Number(row.position);
    if (through <= after) return 0;
    const [{ rearmed }]: { rearmed: number }[] = await tx.query(
      `WITH r AS (
         UPDATE delivery_job SET state = 'queued', attempts = 0, next_attempt_at = now(), finished_at = NULL, lease_token = NULL,
                last_status = NULL, last_error = NULL
         WHERE consumer = $1 AND target = $2 AND event_seq > $3 AND event_seq <= $4 AND state <> 'queued'
         RETURNING 1)
       SELECT count(*)::int AS rearmed FROM r`, [consumer.name, target, after, through]);
    const own = consumer.plan.jobs.params ?? [];
    const [{ planned }]: { planned: number }[] = await tx.query(
      `WITH events AS (
         SELECT seq, topic, kind, entity_id, region_codes, urgency, created_at FROM event_outbox
         WHERE seq > $2 AND seq <= $3 AND topic = ANY($4)),
       inserted AS (
         INSERT INTO delivery_job (consumer, event_seq, target, lane, not_after)
         SELECT $1, j.event_seq, j.target, j.lane, j.not_after FROM (${consumer.plan.jobs.sql}) j
         WHERE j.target = $${5 + own.length}
         ON CONFLICT ON CONSTRAINT delivery_job_once DO NOTHING
         RETURNING 1)
       SELECT count(*)::int AS planned FROM inserted`, [consumer.name, after, through, consumer.topics, ...own, target]);
    return rearmed + planned;
  });
}
