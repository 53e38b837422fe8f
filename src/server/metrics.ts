import type { Request, Response } from 'express';
import client, { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Pool } from 'pg';
import type { EventFeed } from '../realtime/feed';
import type { ReadRouting } from '../db/replicas';

/** Operation names are chosen by clients: past this many distinct ones, new names are counted as "other". */
const MAX_OPERATION_LABELS = 200;

/** One instance's Prometheus metrics (a registry per instance, so several can run in one process). */
export class Metrics {
  readonly registry = new Registry();
  readonly requests: Counter<'operation' | 'status' | 'cache'>;
  readonly duration: Histogram<'operation'>;
  readonly errors: Counter<'code'>;
  readonly sqlStatements: Histogram;
  readonly cacheLookups: Counter<'result'>;
  readonly cachePurges: Counter;
  readonly rateLimited: Counter<'scope'>;
  private readonly operationNames = new Set<string>();

  constructor(pool: () => Pool | undefined, feed: EventFeed, reads?: ReadRouting) {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'khabar_' });
    const registers = [this.registry];
    this.requests = new Counter({ name: 'khabar_graphql_requests_total', help: 'GraphQL HTTP requests by operation, status and response-cache result.', labelNames: ['operation', 'status', 'cache'], registers });
    this.duration = new Histogram({
      name: 'khabar_graphql_request_duration_seconds', help: 'GraphQL HTTP request latency by operation.', labelNames: ['operation'], registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    this.errors = new Counter({ name: 'khabar_graphql_errors_total', help: 'Errors sent to clients, by code.', labelNames: ['code'], registers });
    this.sqlStatements = new Histogram({ name: 'khabar_sql_statements_per_request', help: 'SQL statements a GraphQL request ran.', buckets: [0, 1, 2, 3, 5, 8, 13, 21, 34], registers });
    this.cacheLookups = new Counter({ name: 'khabar_response_cache_lookups_total', help: 'Response-cache lookups of anonymous reads: hit or miss.', labelNames: ['result'], registers });
    this.cachePurges = new Counter({ name: 'khabar_response_cache_purged_total', help: 'Cached responses evicted because content they contain changed.', registers });
    this.rateLimited = new Counter({ name: 'khabar_rate_limited_total', help: 'Requests and graphql-ws operations refused by a rate limit, by scope (ip or token).', labelNames: ['scope'], registers });
    new Gauge({
      name: 'khabar_subscriptions_active', help: 'Live GraphQL subscriptions on this instance.', registers,
      collect() {
        this.set(feed.streamCount);
      },
    });
    let replayed = 0;
    new Counter({
      name: 'khabar_subscription_replayed_events_total', help: 'Events read from the outbox for subscribers behind the live window (replays).', registers,
      collect() {
        this.inc(feed.replayedEvents - replayed);
        replayed = feed.replayedEvents;
      },
    });
    const lookups = this.cacheLookups;
    new Gauge({
      name: 'khabar_response_cache_hit_ratio', help: 'Hits over lookups of the response cache since start.', registers,
      async collect() {
        const values = (await lookups.get()).values;
        const count = (result: string) => values.find((v) => v.labels.result === result)?.value ?? 0;
        const total = count('hit') + count('miss');
        this.set(total === 0 ? 0 : count('hit') / total);
      },
    });
    new Gauge({
      name: 'khabar_db_pool_connections', help: 'PostgreSQL pool connections by state (total, idle, waiting clients).', labelNames: ['state'], registers,
      collect() {
        const current = pool();
        if (!current) return;
        this.set({ state: 'total' }, current.totalCount);
        this.set({ state: 'idle' }, current.idleCount);
        this.set({ state: 'waiting' }, current.waitingCount);
      },
    });
    if (reads?.enabled) replicaMetrics(reads, registers);
  }

  operationLabel(name: string | undefined): string {
    if (!name) return 'anonymous';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_LABELS || !/^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(name)) return 'other';
    this.operationNames.add(name);
    return name;
  }

  handler() {
    return async (_req: Request, res: Response): Promise<void> => {
      res.setHeader('content-type', this.registry.contentType);
      res.end(await this.registry.metrics());
    };
  }
}

/** Read replicas: each one's place in rotation and lag, its removals and returns, and where statements ran. */
function replicaMetrics(reads: ReadRouting, registers: Registry[]): void {
  new Gauge({
    name: 'khabar_db_replica_in_rotation', help: 'Whether a read replica takes anonymous reads (1) or is out of rotation, behind or unreachable (0).', labelNames: ['replica'], registers,
    collect() {
      for (const replica of reads.status()) this.set({ replica: replica.name }, replica.inRotation ? 1 : 0);
    },
  });
  new Gauge({
    name: 'khabar_db_replica_lag_seconds', help: 'How far behind the primary a read replica was at its last check (at most one check interval more than it is).', labelNames: ['replica'], registers,
    collect() {
      for (const replica of reads.status()) if (replica.lagMs !== null) this.set({ replica: replica.name }, replica.lagMs / 1000);
    },
  });
  const seen = new Map<string, number>();
  const counter = (name: string, help: string, field: 'removals' | 'returns') => new Counter({
    name, help, labelNames: ['replica'], registers,
    collect() {
      for (const replica of reads.status()) {
        const key = `${field}|${replica.name}`;
        this.inc({ replica: replica.name }, replica[field] - (seen.get(key) ?? 0));
        seen.set(key, replica[field]);
      }
    },
  });
  counter('khabar_db_replica_removals_total', 'Times a read replica was taken out of rotation (behind or unreachable).', 'removals');
  counter('khabar_db_replica_returns_total', 'Times a read replica caught up and came back into rotation.', 'returns');
  const counted = { primary: 0, replica: 0 };
  new Counter({
    name: 'khabar_db_routed_statements_total', help: 'Statements of routed reads (anonymous requests), by where they ran: replica or primary.', labelNames: ['target'], registers,
    collect() {
      for (const target of ['primary', 'replica'] as const) {
        this.inc({ target }, reads.reads[target] - counted[target]);
        counted[target] = reads.reads[target];
      }
    },
  });
}
