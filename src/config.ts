import path from 'node:path';

/** The only reader of process.env: everything else receives a frozen, typed Config. */
export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  /** External PostgreSQL; when absent, an embedded PostgreSQL is started under dataDir. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly embeddedPgPort: number;
  readonly seed: 'demo' | 'none';
  readonly jwtSecret?: string;
  readonly redisUrl?: string;
  /** Adds `x-khabar-sql-statements` to GraphQL responses (tests and benchmarks). */
  readonly exposeSqlCount: boolean;
  readonly logLevel: string;
  readonly dbPoolSize: number;
  /** How often due scheduled articles are published; 0 turns this instance's scheduler off. */
  readonly schedulerIntervalMs: number;
  /** Live subscriptions (graphql-ws on /graphql); 0 means no limit for the two maxima. */
  readonly live: {
    readonly maxConnectionsPerIp: number;
    readonly maxSubscriptionsPerConnection: number;
    readonly initTimeoutMs: number;
    readonly keepAliveMs: number;
    readonly retentionHours: number;
    readonly pollMs: number;
  };
}

type Env = Record<string, string | undefined>;

function intFrom(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase());
}

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const nodeEnv = env.NODE_ENV === 'production' || env.NODE_ENV === 'test' ? env.NODE_ENV : 'development';
  const seed = env.KHABAR_SEED ?? 'demo';
  if (seed !== 'demo' && seed !== 'none') throw new Error(`KHABAR_SEED must be "demo" or "none", got "${seed}"`);
  return Object.freeze({
    env: nodeEnv,
    host: env.HOST || '0.0.0.0',
    port: intFrom(env, 'PORT', 4000),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    embeddedPgPort: intFrom(env, 'EMBEDDED_PG_PORT', 54329),
    seed,
    jwtSecret: env.JWT_SECRET || undefined,
    redisUrl: env.REDIS_URL || undefined,
    exposeSqlCount: flag(env, 'KHABAR_EXPOSE_SQL_COUNT', nodeEnv !== 'production'),
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    dbPoolSize: intFrom(env, 'DB_POOL_SIZE', 10),
    schedulerIntervalMs: intFrom(env, 'SCHEDULER_INTERVAL_MS', 1000),
    live: Object.freeze({
      maxConnectionsPerIp: intFrom(env, 'WS_MAX_CONNECTIONS_PER_IP', 256),
      maxSubscriptionsPerConnection: intFrom(env, 'WS_MAX_SUBSCRIPTIONS', 20),
      initTimeoutMs: intFrom(env, 'WS_INIT_TIMEOUT_MS', 5_000),
      keepAliveMs: intFrom(env, 'WS_KEEPALIVE_MS', 15_000),
      retentionHours: intFrom(env, 'EVENT_RETENTION_HOURS', 72),
      pollMs: intFrom(env, 'EVENT_POLL_MS', 10_000),
    }),
    ...overrides,
  });
}
