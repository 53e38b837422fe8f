import { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { ReplicaConfig } from '../config';
import { PoolSql, Sql } from './sql';
import { isDatabaseUnavailable } from './unavailable';

/** A WAL position ('16/B374D848') as a number of bytes, so that positions compare. */
export function parseLsn(text: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (!match) throw new Error(`not a WAL position: "${text}"`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/** One moment's WAL position of the primary: every commit acknowledged before `at` lies at or before `lsn`. */
interface PrimarySample {
  at: number;
  lsn: bigint;
}

/**
 * The time before which a standby that has replayed up to `replay` holds every commit: the latest sample it has
 * replayed past (off by at most one check interval, erring on the old side); null when it holds none of those kept.
 */
export function caughtUpTo(replay: bigint, samples: readonly PrimarySample[]): number | null {
  for (let i = samples.length - 1; i >= 0; i -= 1) if (samples[i].lsn <= replay) return samples[i].at;
  return null;
}

/**
 * Editors' last write positions shared by every instance (Redis), so an editor's next request, wherever it lands,
 * waits for a standby holding their write. Without it each instance knows only the writes made through it.
 */
export interface SharedWritePositions {
  /** Keeps `lsn` for `writer` for `ttlMs`, unless a later position is kept. */
  raise(writer: string, lsn: bigint, ttlMs: number): Promise<void>;
  get(writer: string): Promise<bigint | null>;
}

/** What operators see of a standby: in rotation or not, why, and how far behind it was at its last check. */
export interface ReplicaStatus {
  /** host:port/database, without credentials. */
  name: string;
  inRotation: boolean;
  /** Why it is out of rotation (null while in). */
  reason: string | null;
  lagMs: number | null;
  /** Times it was taken out of rotation, and came back, since start. */
  removals: number;
  returns: number;
}

class Replica {
  readonly sql: PoolSql;
  inRotation = false;
  reason: string | null = 'not checked yet';
  /** Replay position at the last successful check: the standby holds at least this much now. */
  replayLsn: bigint | null = null;
  /** It holds every commit acknowledged before this time (epoch ms), as of its last check. */
  caughtUpAt = 0;
  lagMs: number | null = null;
  removals = 0;
  returns = 0;
  /** Whether it was ever in rotation: its first entry is a start, not a return. */
  everIn = false;

  constructor(readonly name: string, readonly pool: Pool) {
    this.sql = new PoolSql(pool);
  }
}

function replicaName(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]);
}

/**
 * Where reads go: the primary, or a streaming standby that keeps up with it. Every `checkIntervalMs` the primary's
 * WAL position is sampled and each standby's replay position read; a standby is in rotation while it has replayed
 * everything the primary had committed `maxLagMs` ago, and out while it is behind or unreachable, until it catches up.
 * Statements that a standby fails for being away (or cancels for a replay conflict) run again on the primary.
 */
export class ReadRouting {
  private readonly replicas: Replica[];
  private samples: PrimarySample[] = [];
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private checking = false;
  private again = false;
  private stopped = false;
  /** When content last changed, as this instance heard (see fence). */
  private fenceAt = 0;
  /** Each editor's last write: the primary's WAL position after it committed, and when it was taken. */
  private readonly lastWrites = new Map<string, { lsn: bigint; at: number }>();
  /** Statements run through this routing, by where they ran (metrics). */
  readonly reads = { primary: 0, replica: 0 };

  private constructor(
    /** The primary's pool, for sampling its WAL position outside any request's statement count. */
    private readonly primaryPool: Pool,
    readonly primary: Sql,
    private readonly settings: ReplicaConfig,
    private readonly logger: Logger,
    poolSize: number,
    private readonly shared: SharedWritePositions | null,
  ) {
    this.replicas = settings.urls.map((url) => {
      const pool = new Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 2_000, application_name: 'khabar-replica' });
      const replica = new Replica(replicaName(url), pool);
      // An idle connection that breaks (the standby stopped) must not crash the process: the next check takes it out.
      pool.on('error', (error) => this.takeOut(replica, 'connection lost', error));
      return replica;
    });
  }

  /** Starts the checks (the first one awaited, so a healthy standby serves from the first request); its stop closes the pools. */
  static async start(primaryPool: Pool, primary: Sql, settings: ReplicaConfig, logger: Logger, poolSize: number,
    shared: SharedWritePositions | null = null): Promise<ReadRouting> {
    const routing = new ReadRouting(primaryPool, primary, settings, logger, poolSize, shared);
    if (routing.replicas.length > 0) {
      await routing.check();
      routing.checkSoon(settings.checkIntervalMs);
    }
    return routing;
  }

  get enabled(): boolean {
    return this.replicas.length > 0;
  }

  /**
   * A request's reads: all on one standby (one consistent view) or on the primary; see RequestReads. An editor's
   * (`writer`, their token's subject) go only to a standby that has replayed their last write.
   */
  forRequest(writer: string | null = null): RequestReads {
    return new RequestReads(this, writer);
  }

  /** How long a write position matters: by then every standby in rotation holds it. */
  private get positionTtlMs(): number {
    return this.settings.maxLagMs + 2 * this.settings.checkIntervalMs;
  }

  /**
   * Notes that `writer`'s write committed: until a standby has replayed the primary's position now, their reads go to
   * the primary. Its position unknown (the primary did not answer), none is trusted with their reads for a while.
   */
  async recordWrite(writer: string): Promise<void> {
    let lsn: bigint;
    try {
      const { rows } = await this.primaryPool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      lsn = parseLsn(rows[0].lsn);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the primary\'s WAL position after a write; the editor reads from the primary');
      lsn = UNKNOWN_POSITION;
    }
    const known = this.lastWrites.get(writer);
    this.lastWrites.set(writer, { lsn: known && known.lsn > lsn ? known.lsn : lsn, at: Date.now() });
    if (this.lastWrites.size > 1_000) for (const key of [...this.lastWrites.keys()]) this.lastWriteOf(key);
    await this.shared?.raise(writer, lsn, this.positionTtlMs).catch((error) => {
      this.logger.warn({ err: error }, 'could not share an editor\'s write position; other instances cover it once their feed reads the change');
    });
  }

  /** The position `writer`'s reads wait for: theirs through this instance, or any instance's when shared. */
  async positionOf(writer: string): Promise<bigint | null> {
    const local = this.lastWriteOf(writer);
    if (!this.shared) return local;
    try {
      const shared = await this.shared.get(writer);
      return shared === null || (local !== null && local > shared) ? local : shared;
    } catch {
      // Not knowing where their last write is, the primary is the one place sure to hold it.
      return UNKNOWN_POSITION;
    }
  }

  /**
   * The WAL position a standby must have replayed to serve `writer`, or null. A write older than the maximum lag plus
   * two checks constrains nothing: every standby in rotation holds it.
   */
  lastWriteOf(writer: string): bigint | null {
    const last = this.lastWrites.get(writer);
    if (!last) return null;
    if (last.at >= Date.now() - this.positionTtlMs) return last.lsn;
    this.lastWrites.delete(writer);
    return null;
  }

  /** For routes that read one statement per request (feeds, pictures): each statement routed as a request. */
  readonly anonymous: Sql = { query: (text, values) => this.forRequest().query(text, values) };

  /**
   * The next standby in rotation that holds the last change this instance heard of and, for an editor, has replayed
   * past `after` (their last write), round robin; or null: the primary.
   */
  pick(after: bigint | null = null): Replica | null {
    for (let tried = 0; tried < this.replicas.length; tried += 1) {
      const replica = this.replicas[this.next++ % this.replicas.length];
      if (!replica.inRotation || replica.caughtUpAt < this.fenceAt) continue;
      if (after === null || (replica.replayLsn !== null && replica.replayLsn >= after)) return replica;
    }
    return null;
  }

  status(): ReplicaStatus[] {
    return this.replicas.map(({ name, inRotation, reason, lagMs, removals, returns }) => ({ name, inRotation, reason, lagMs, removals, returns }));
  }

  /** Out of rotation until a check finds it caught up again. */
  takeOut(replica: Replica, reason: string, error?: unknown, lagMs?: number): void {
    replica.reason = reason;
    if (!replica.inRotation) return;
    replica.inRotation = false;
    replica.removals += 1;
    this.logger.warn({ replica: replica.name, reason, lagMs, err: error }, 'read replica taken out of rotation; its reads go to the primary');
  }

  private putIn(replica: Replica): void {
    replica.reason = null;
    if (replica.inRotation) return;
    replica.inRotation = true;
    if (replica.everIn) replica.returns += 1;
    this.logger.info({ replica: replica.name, lagMs: replica.lagMs }, replica.everIn ? 'read replica caught up: back in rotation' : 'read replica in rotation');
    replica.everIn = true;
  }

  /**
   * Content changed (this instance's feed read committed events): until a check finds a standby holding everything
   * committed before now, its readers go to the primary, so nobody reads an article a push or a purge has just
   * announced from a standby that lacks it, and no cache is refilled from one. The standbys are checked at once.
   */
  fence(): void {
    if (!this.enabled) return;
    this.fenceAt = Date.now();
    this.checkSoon(0);
  }

  private checkSoon(delayMs: number): void {
    if (this.stopped) return;
    if (this.checking) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.checking = true;
      this.running = this.check().finally(() => {
        this.checking = false;
        // Standbys still short of the last fence are checked again soon, for one interval after it.
        const short = this.replicas.some((replica) => replica.inRotation && replica.caughtUpAt < this.fenceAt);
        const soon = this.again || (short && Date.now() - this.fenceAt < this.settings.checkIntervalMs);
        this.again = false;
        this.checkSoon(soon ? FENCE_RECHECK_MS : this.settings.checkIntervalMs);
      });
    }, delayMs);
  }

  /** One round: the primary's position first, then every standby's replay against it. */
  async check(): Promise<void> {
    const at = Date.now();
    const timeout = Math.max(this.settings.checkIntervalMs, 1_000);
    try {
      const { rows } = await withTimeout(this.primaryPool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn'), timeout, 'the primary');
      this.samples.push({ at, lsn: parseLsn(rows[0].lsn) });
    } catch (error) {
      // Without the primary's position no standby can be judged: none is trusted.
      for (const replica of this.replicas) this.takeOut(replica, 'primary position unknown', error);
      return;
    }
    // Samples older than max lag (plus a round) can no longer keep a standby in rotation.
    const horizon = at - this.settings.maxLagMs - this.settings.checkIntervalMs;
    while (this.samples.length > 1 && this.samples[1].at < horizon) this.samples.shift();
    await Promise.all(this.replicas.map((replica) => this.checkOne(replica, timeout)));
  }

  private async checkOne(replica: Replica, timeout: number): Promise<void> {
    try {
      const { rows } = await withTimeout(
        replica.pool.query<{ standby: boolean; replay: string | null }>('SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS replay'),
        timeout, `replica ${replica.name}`,
      );
      const [{ standby, replay }] = rows;
      if (!standby || !replay) {
        this.takeOut(replica, 'not a streaming standby');
        return;
      }
      replica.replayLsn = parseLsn(replay);
      const caughtUpAt = caughtUpTo(replica.replayLsn, this.samples);
      const newest = this.samples[this.samples.length - 1].at;
      replica.caughtUpAt = caughtUpAt ?? 0;
      replica.lagMs = caughtUpAt === null ? null : caughtUpAt === newest ? 0 : Date.now() - caughtUpAt;
      if (replica.lagMs === null || replica.lagMs > this.settings.maxLagMs) this.takeOut(replica, 'behind', undefined, replica.lagMs ?? undefined);
      else this.putIn(replica);
    } catch (error) {
      this.takeOut(replica, 'unreachable', error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await Promise.all(this.replicas.map((replica) => replica.pool.end().catch(() => undefined)));
  }
}

/** Above any WAL position: what an editor's last write is taken to be when the primary could not say. */
const UNKNOWN_POSITION = (1n << 64n) - 1n;

/** After a fence, standbys short of it are checked again this soon (they usually replay within milliseconds). */
const FENCE_RECHECK_MS = 20;

/** SQLSTATE of a statement a standby cancelled because replay needed what it read (a conflict with recovery). */
const RECOVERY_CONFLICT = '40001';

/**
 * One request's reads: the first statement picks a standby in rotation (or the primary), and the rest follow it, so
 * a response never mixes two standbys' points in time. A mutation's reads go to the primary (`forMutation()`), and
 * once it ran, an editor's last write is noted (`mutationDone()`). A standby that fails a statement for being away is
 * taken out and the statement runs on the primary, so the reader sees no error.
 */
export class RequestReads implements Sql {
  /** undefined until the first statement decides. */
  private replica: Replica | null | undefined;
  private mutated = false;

  constructor(private readonly routing: ReadRouting, private readonly writer: string | null) {}

  /** A mutation reads back what it wrote: everything left goes to the primary. */
  forMutation(): void {
    this.replica = null;
    this.mutated = true;
  }

  /** After a mutation, before its answer is sent: an editor's next reads wait for a standby holding what it wrote. */
  async mutationDone(): Promise<void> {
    if (!this.mutated || this.writer === null) return;
    this.mutated = false;
    await this.routing.recordWrite(this.writer);
  }

  async query<T = any>(text: string, values?: unknown[]): Promise<T[]> {
    if (this.replica === undefined) {
      const after = this.writer === null ? null : await this.routing.positionOf(this.writer);
      // Another statement of this request may have decided meanwhile.
      if (this.replica === undefined) this.replica = this.routing.pick(after);
    }
    const replica = this.replica;
    if (replica) {
      try {
        const rows = await replica.sql.query<T>(text, values);
        this.routing.reads.replica += 1;
        return rows;
      } catch (error) {
        const conflict = (error as { code?: unknown }).code === RECOVERY_CONFLICT;
        if (!conflict && !isDatabaseUnavailable(error)) throw error;
        if (!conflict) this.routing.takeOut(replica, 'unreachable', error);
        this.replica = null;
      }
    }
    this.routing.reads.primary += 1;
    return this.routing.primary.query<T>(text, values);
  }
}

/** Keeps the greater of two positions (16 hex digits compare as text), for as long as asked. */
const RAISE_POSITION = `local kept = redis.call('GET', KEYS[1])
if (not kept) or kept < ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) else redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`;

/** Editors' write positions in Redis, under REDIS_KEY_PREFIX, for every instance. */
export class RedisWritePositions implements SharedWritePositions {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  async raise(writer: string, lsn: bigint, ttlMs: number): Promise<void> {
    await this.redis.eval(RAISE_POSITION, 1, this.key(writer), lsn.toString(16).padStart(16, '0'), String(ttlMs));
  }

  async get(writer: string): Promise<bigint | null> {
    const kept = await this.redis.get(this.key(writer));
    return kept === null ? null : BigInt(`0x${kept}`);
  }

  private key(writer: string): string {
    return `${this.prefix}write-position:${writer}`;
  }
}
