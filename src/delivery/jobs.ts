import type { Sql } from '../db/sql';
import type { OutboxRecord } from '../realtime/feed';
import type { RetryPolicy } from './retry';

/** Where a job is: waiting (or being delivered) and then one of four ends. */
export const JOB_STATES = ['queued', 'sent', 'failed', 'cancelled', 'expired'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** A job this instance holds a lease on: deliver it, then report what happened. */
export interface ClaimedJob {
  id: number;
  eventSeq: number;
  target: number;
  lane: string | null;
  /** This attempt's number, 1 for the first. */
  attempt: number;
  /** Delivering after this is pointless (a push's TTL); null for never. */
  notAfter: Date | null;
  leaseToken: string;
}

/** What one attempt came to, as the consumer reports it. */
export type Outcome =
  /** The receiver accepted it. */
  | { state: 'sent'; status?: number }
  /** A failure that may pass (429, 5xx, a timeout, a reset): retried with backoff, not before `retryAfterMs`. */
  | { state: 'retry'; status?: number; error: string; retryAfterMs?: number }
  /** A failure that will not pass (a refused payload): dead-lettered now. */
  | { state: 'failed'; status?: number; error: string }
  /** The receiver says the target no longer exists (an unregistered device): failed, and the consumer forgets the target. */
  | { state: 'gone'; status?: number; error: string }
  /** Nothing left to deliver (the target or what the event was about is gone). */
  | { state: 'cancelled'; error: string };

/**
 * How a consumer turns outbox events into jobs, set-based: SQL run over the CTE `events` (columns seq, topic, kind,
 * entity_id, region_codes, urgency, created_at: the outbox rows being planned, of the consumer's topics).
 * $1–$4 are the engine's (consumer, after, through, topics); a statement's own `params` are $5, $6, …
 */
export interface JobPlan {
  /** SELECT yielding `event_seq, target, lane, not_after`: one row per job. Duplicates of (event, target) are dropped. */
  jobs: PlanStatement;
  /** SELECT yielding `lane, before_seq`: queued jobs of that lane planned from events before `before_seq` are cancelled. */
  cancels?: PlanStatement;
}

export interface PlanStatement {
  sql: string;
  params?: unknown[];
}

/** One durable reader of the outbox that delivers to the outside world (push; later webhooks, CDN purges). */
export interface DeliveryConsumer {
  /** Its row in outbox_consumer and the `consumer` of its jobs. */
  name: string;
  topics: readonly string[];
  plan: JobPlan;
  /**
   * Jobs of one target and lane go one at a time in event order; with `collapse`, a newer job also cancels the
   * older ones of its lane that are still waiting (a notification replaced by its update).
   */
  collapse: boolean;
  retry: RetryPolicy;
  /** Delivers the jobs (concurrently, as the receiver allows), reporting each one's outcome once; unreported jobs are retried. */
  deliver(jobs: ClaimedJob[], report: (job: ClaimedJob, outcome: Outcome) => void): Promise<void>;
  /** Called with the targets a receiver said are gone (after their jobs were recorded). */
  forget?(targets: number[]): Promise<void>;
  /**
   * SELECT yielding `target`: targets whose jobs are held (a paused webhook). Their jobs stay queued and are not
   * claimed, later jobs of their lanes wait behind them, and they go in order once the target is no longer held.
   */
  held?: string;
}

/** An outbox event a batch of jobs delivers, with what consumers decide by (its seq as PostgreSQL's bigint text). */
export type JobEvent = Pick<OutboxRecord, 'topic' | 'kind' | 'entityId' | 'regionCodes'> & { seq: string };

/** The events of a batch of jobs, each once; an event that has left the outbox is not among them. */
export function eventsOfJobs(sql: Sql, jobs: readonly ClaimedJob[]): Promise<JobEvent[]> {
  const seqs = [...new Set(jobs.map((job) => job.eventSeq))];
  return sql.query(
    `SELECT seq, topic, kind, entity_id AS "entityId", region_codes AS "regionCodes" FROM event_outbox WHERE seq = ANY($1::bigint[])`, [seqs]);
}
