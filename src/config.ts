import os from 'node:os';
import path from 'node:path';

/** The only reader of process.env: everything else receives a frozen, typed Config. */
export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  /**
   * Processes serving the port (node:cluster): each a full instance with its own pool and event feed, under a primary
   * that only supervises them. 1: this process serves alone.
   */
  readonly workers: number;
  /** External PostgreSQL; when absent, an embedded PostgreSQL is started under dataDir. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly embeddedPgPort: number;
  readonly seed: 'demo' | 'none';
  /** Migrate (and seed) at start; off for replicas behind a one-shot `cli/migrate.js` job. */
  readonly migrateOnStart: boolean;
  readonly jwtSecret?: string;
  readonly redisUrl?: string;
  /** Adds `x-khabar-sql-statements` to GraphQL responses (tests and benchmarks). */
  readonly exposeSqlCount: boolean;
  readonly logLevel: string;
  readonly dbPoolSize: number;
  /** Streaming standbys that anonymous reads go to while they keep up with the primary (docs/replicas.md). */
  readonly replicas: ReplicaConfig;
  /** How often due scheduled articles are published; 0 turns this instance's scheduler off. */
  readonly schedulerIntervalMs: number;
  /** Live coverage nobody has posted to for this many hours ends by itself (checked by the scheduler). */
  readonly liveCoverageIdleHours: number;
  /** On stop, how long requests still running after the live drain may finish before their connections are cut. */
  readonly httpDrainMs: number;
  /** Live subscriptions (graphql-ws on /graphql); 0 means no limit for the two maxima, and is refused for the durations. */
  readonly live: {
    readonly maxConnectionsPerIp: number;
    readonly maxSubscriptionsPerConnection: number;
    readonly initTimeoutMs: number;
    readonly keepAliveMs: number;
    readonly retentionHours: number;
    readonly pollMs: number;
  };
  /** Between the network and GraphQL: the operation policy's limits (both transports), HTTP caching, persisted queries, metrics, tracing (docs/http-and-caching.md). */
  readonly edge: EdgeConfig;
  /** Pictures: where originals and renditions are stored, upload limits, image work (see docs/media.md). */
  readonly media: MediaConfig;
  /** Built web pages and their assets (front page, playground). */
  readonly webDir: string;
  /** Serves the GraphiQL playground at GET /graphql to browsers. */
  readonly playground: boolean;
  /** Who may introspect the schema (the playground's docs and completion): everyone, editors (a valid token), or nobody. */
  readonly introspection: 'public' | 'editors' | 'off';
  /** The site's public origin (links in notifications), e.g. https://khabar.ma. */
  readonly publicUrl: string;
  /** WebSub hubs every feed names (rel="hub") and a publication pings for the feeds it changed (docs/feeds.md). */
  readonly websubHubs: readonly string[];
  /**
   * HTTP caches in front (Varnish with xkey) that each content change purges, by tag: `PURGE` with an `xkey-purge`
   * header to each URL, through the delivery engine (docs/http-and-caching.md).
   */
  readonly varnishPurgeUrls: readonly string[];
  /** Breaking news as push notifications (docs/push.md). */
  readonly push: PushConfig;
  /** Signed webhooks to partners' endpoints (docs/webhooks.md). */
  readonly webhooks: WebhookConfig;
}

export interface WebhookConfig {
  /** Webhooks run on this instance: admins register endpoints, article, ticker and live events are delivered. */
  readonly enabled: boolean;
  /** Endpoints may resolve to loopback, private and link-local addresses (tests, a receiver inside the network). */
  readonly allowPrivateTargets: boolean;
  /** The whole exchange with a receiver, connecting included. */
  readonly timeoutMs: number;
  /** Bytes of a receiver's answer read, at most. */
  readonly maxResponseBytes: number;
  /** Deliveries one instance has in flight at once. */
  readonly concurrency: number;
  /** After rotateWebhookSecret, deliveries are signed with the old secret too for this long. */
  readonly secretGraceHours: number;
  /** Backoff with jitter from baseDelayMs doubling to maxDelayMs, maxAttempts in all: at least 24 hours with the defaults. */
  readonly retry: { readonly baseDelayMs: number; readonly maxDelayMs: number; readonly maxAttempts: number; readonly maxRetryAfterMs: number };
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly retentionHours: number;
}

function webhookConfig(env: Env): WebhookConfig {
  return Object.freeze({
    enabled: flag(env, 'WEBHOOKS', true),
    allowPrivateTargets: flag(env, 'WEBHOOK_ALLOW_PRIVATE_TARGETS', false),
    timeoutMs: positiveIntFrom(env, 'WEBHOOK_TIMEOUT_MS', 10_000),
    maxResponseBytes: positiveIntFrom(env, 'WEBHOOK_MAX_RESPONSE_BYTES', 65_536),
    concurrency: positiveIntFrom(env, 'WEBHOOK_CONCURRENCY', 500),
    secretGraceHours: positiveIntFrom(env, 'WEBHOOK_SECRET_GRACE_HOURS', 24),
    retry: Object.freeze({
      baseDelayMs: positiveIntFrom(env, 'WEBHOOK_RETRY_BASE_MS', 10_000),
      maxDelayMs: positiveIntFrom(env, 'WEBHOOK_RETRY_MAX_MS', 3_600_000),
      maxAttempts: positiveIntFrom(env, 'WEBHOOK_MAX_ATTEMPTS', 60),
      maxRetryAfterMs: positiveIntFrom(env, 'WEBHOOK_MAX_RETRY_AFTER_MS', 6 * 3_600_000),
    }),
    leaseMs: positiveIntFrom(env, 'DELIVERY_LEASE_MS', 60_000),
    pollMs: positiveIntFrom(env, 'DELIVERY_POLL_MS', 1_000),
    retentionHours: intFrom(env, 'DELIVERY_RETENTION_HOURS', 168),
  });
}

export interface ReplicaConfig {
  /** DATABASE_REPLICA_URLS: standbys of DATABASE_URL; none means every read goes to the primary. */
  readonly urls: readonly string[];
  /** A standby whose replay is further behind the primary than this is taken out of rotation until it catches up. */
  readonly maxLagMs: number;
  /** How often each standby's replay position is compared with the primary's. */
  readonly checkIntervalMs: number;
}

function replicaConfig(env: Env): ReplicaConfig {
  const urls = (env.DATABASE_REPLICA_URLS ?? '').split(',').map((url) => url.trim()).filter(Boolean);
  for (const raw of urls) {
    let url: URL | null = null;
    try {
      url = new URL(raw);
    } catch { /* refused below */ }
    if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') || !url.hostname) {
      // The value may hold a password: name the variable and the position, not the text.
      throw new Error(`DATABASE_REPLICA_URLS must be comma-separated postgres:// URLs; item ${urls.indexOf(raw) + 1} is not one`);
    }
  }
  if (urls.length > 0 && !env.DATABASE_URL) throw new Error('DATABASE_REPLICA_URLS needs DATABASE_URL: replicas stream from an external primary, not the embedded PostgreSQL');
  return Object.freeze({
    urls: Object.freeze(urls),
    maxLagMs: positiveIntFrom(env, 'REPLICA_MAX_LAG_MS', 2000),
    checkIntervalMs: positiveIntFrom(env, 'REPLICA_CHECK_INTERVAL_MS', 500),
  });
}

export interface PushConfig {
  /** Push runs on this instance: devices register, ticker events are delivered. */
  readonly enabled: boolean;
  /** A notification not delivered this long after its event is not delivered at all. */
  readonly ttlSeconds: number;
  /** Host names a Web Push endpoint may have (`*.` matches any sub-domain); always HTTPS. */
  readonly webPushAllowedHosts: readonly string[];
  /** VAPID key pair (base64url); generated into DATA_DIR/vapid.json when unset. */
  readonly vapidPublicKey?: string;
  readonly vapidPrivateKey?: string;
  readonly vapidSubject: string;
  /** APNs token authentication: the .p8 key (PEM, or a file), its key id, the team id and the app's bundle id. */
  readonly apns?: { readonly key?: string; readonly keyFile?: string; readonly keyId: string; readonly teamId: string; readonly topic: string; readonly endpoint: string };
  /** FCM HTTP v1: the service-account key (JSON, or a file); endpoint and token URL overridable. */
  readonly fcm?: { readonly serviceAccount?: string; readonly serviceAccountFile?: string; readonly endpoint: string; readonly tokenUrl?: string };
  /** Extra CA certificates (PEM) trusted for push services: private gateways, the tests' peers. */
  readonly extraCa?: string;
  readonly extraCaFile?: string;
  /** Notifications in flight at once on this instance. */
  readonly concurrency: number;
  /** registerDevice calls per client address per rate-limit window; 0 = no limit. */
  readonly registrationsPerAddress: number;
  readonly timeoutMs: number;
  /** The delivery engine (docs/delivery.md): lease, poll interval, how long finished jobs are kept. */
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly retentionHours: number;
}

/** The browsers' push services: Chrome/Edge on FCM, Firefox, Windows (WNS), Safari. */
export const DEFAULT_WEB_PUSH_HOSTS = [
  'fcm.googleapis.com', 'android.googleapis.com', 'updates.push.services.mozilla.com', 'push.services.mozilla.com',
  '*.notify.windows.com', 'web.push.apple.com',
];

function pushConfig(env: Env): PushConfig {
  const list = (raw: string | undefined) => (raw ?? '').split(',').map((item) => item.trim().toLowerCase()).filter(Boolean);
  const apnsSet = env.APNS_KEY || env.APNS_KEY_FILE;
  if (apnsSet && !(env.APNS_KEY_ID && env.APNS_TEAM_ID && env.APNS_TOPIC)) {
    throw new Error('APNS_KEY or APNS_KEY_FILE needs APNS_KEY_ID, APNS_TEAM_ID and APNS_TOPIC (the app\'s bundle id)');
  }
  if (Boolean(env.VAPID_PUBLIC_KEY) !== Boolean(env.VAPID_PRIVATE_KEY)) throw new Error('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY go together');
  return Object.freeze({
    enabled: flag(env, 'PUSH', true),
    ttlSeconds: intFrom(env, 'PUSH_TTL_SECONDS', 3600),
    webPushAllowedHosts: Object.freeze(env.WEB_PUSH_ALLOWED_HOSTS ? list(env.WEB_PUSH_ALLOWED_HOSTS) : DEFAULT_WEB_PUSH_HOSTS),
    vapidPublicKey: env.VAPID_PUBLIC_KEY || undefined,
    vapidPrivateKey: env.VAPID_PRIVATE_KEY || undefined,
    vapidSubject: env.VAPID_SUBJECT || 'mailto:push@localhost',
    apns: apnsSet ? Object.freeze({
      key: env.APNS_KEY || undefined, keyFile: env.APNS_KEY_FILE || undefined, keyId: env.APNS_KEY_ID!, teamId: env.APNS_TEAM_ID!,
      topic: env.APNS_TOPIC!, endpoint: env.APNS_ENDPOINT || 'https://api.push.apple.com',
    }) : undefined,
    fcm: env.FCM_SERVICE_ACCOUNT || env.FCM_SERVICE_ACCOUNT_FILE ? Object.freeze({
      serviceAccount: env.FCM_SERVICE_ACCOUNT || undefined, serviceAccountFile: env.FCM_SERVICE_ACCOUNT_FILE || undefined,
      endpoint: env.FCM_ENDPOINT || 'https://fcm.googleapis.com', tokenUrl: env.FCM_TOKEN_URL || undefined,
    }) : undefined,
    extraCaFile: env.PUSH_CA_FILE || undefined,
    // 1,000 in flight keep one instance's event loop busy up to a 150 ms provider round trip (it turns over ~6,500 a
    // second); more only waited in the receivers' queues and in the heap, each request's HTTP/2 state surviving young-
    // generation collections (bench:push, frozen: 2,000 sent no sooner, and readers' Q1 p99 was 108-172 ms against
    // 83-93 with 1,000; bench/README.md).
    concurrency: intFrom(env, 'PUSH_CONCURRENCY', 1000) || 1000,
    registrationsPerAddress: intFrom(env, 'PUSH_REGISTRATIONS_PER_IP', 30),
    timeoutMs: intFrom(env, 'PUSH_TIMEOUT_MS', 10_000) || 10_000,
    leaseMs: intFrom(env, 'DELIVERY_LEASE_MS', 60_000) || 60_000,
    pollMs: intFrom(env, 'DELIVERY_POLL_MS', 1_000) || 1_000,
    retentionHours: intFrom(env, 'DELIVERY_RETENTION_HOURS', 168),
  });
}

export interface EdgeConfig {
  /** Express `trust proxy`: hops (a number), `true`, or a list of addresses; decides the client IP of rate limits. */
  readonly trustProxy: boolean | number | string;
  readonly bodyLimitBytes: number;
  readonly maxDocumentBytes: number;
  readonly maxTokens: number;
  readonly maxDepth: number;
  readonly maxCost: number;
  readonly maxAliases: number;
  /** Operations in one batched POST; 0 refuses batches. */
  readonly maxBatch: number;
  /** Positive: a window of 0 ms means nothing, so 0 refuses to start. */
  readonly rateLimitWindowMs: number;
  /** Requests per window per client IP without a token; 0 turns the limit off. */
  readonly rateLimitPerIp: number;
  /** Requests per window per bearer token; 0 turns the limit off. */
  readonly rateLimitPerToken: number;
  readonly requestTimeoutMs: number;
  /** Only documents of the persisted-query manifest run (mobile apps' allow-list). */
  readonly persistedOnly: boolean;
  readonly persistedQueriesFile?: string;
  /** 0: automatic persisted queries never expire. */
  readonly apqTtlSeconds: number;
  readonly responseCache: boolean;
  readonly responseCacheMaxBytes: number;
  /** Cache-Control max-age (and response-cache lifetime), seconds, by what a response contains. */
  readonly maxAgeTicker: number;
  readonly maxAgeArticle: number;
  readonly maxAgeDefault: number;
  /** Prefix of every Redis key, so deployments (and test databases) can share one Redis. */
  readonly redisKeyPrefix: string;
  readonly metrics: boolean;
  /** OTLP/HTTP traces endpoint (e.g. http://collector:4318/v1/traces); tracing is off without it. */
  readonly tracesUrl?: string;
  readonly serviceName: string;
  /** Share of traces started here that are recorded (callers' sampling decisions are followed). */
  readonly traceSampleRatio: number;
}

export interface MediaConfig {
  /** `local` (files under DATA_DIR/media) or `s3` (any S3-compatible store, shared by every instance). */
  readonly storage: 'local' | 's3';
  readonly localDir: string;
  readonly s3: {
    readonly bucket: string;
    readonly endpoint?: string;
    readonly region: string;
    readonly accessKeyId?: string;
    readonly secretAccessKey?: string;
    readonly forcePathStyle: boolean;
    readonly prefix: string;
  };
  readonly maxUploadBytes: number;
  /** Width × height above which an upload is refused from its header, before it is decoded. */
  readonly maxPixels: number;
  /** Image jobs (uploads, renditions) running at once on this instance; the rest wait their turn. */
  readonly concurrency: number;
  /** Memory for the hottest renditions of this instance, in bytes (0: none). */
  readonly cacheBytes: number;
  /** Prefix of rendition URLs (a CDN's origin, e.g. https://img.example.ma); empty: paths on this server. */
  readonly publicUrl: string;
}

type Env = Record<string, string | undefined>;

/** A whole number of 0 or more, written in digits; 0 means what the variable's documentation says, never a default. */
function intFrom(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

/** For durations and sizes where 0 has no meaning (a 0 ms window, a pool of 0): refused rather than replaced. */
function positiveIntFrom(env: Env, name: string, fallback: number): number {
  const value = intFrom(env, name, fallback);
  if (value === 0) throw new Error(`${name} must be a positive integer, got "${env[name]}"`);
  return value;
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

/** true/false, 1/0, yes/no, on/off in any case; anything else (a typo such as "ture") refuses to start. */
function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const word = raw.trim().toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  throw new Error(`${name} must be true or false (or 1/0, yes/no, on/off), got "${raw}"`);
}

/** KHABAR_WORKERS: a positive number of processes, or `auto` for one per core the process may use. */
function workersFrom(env: Env): number {
  const raw = env.KHABAR_WORKERS?.trim().toLowerCase();
  if (raw === undefined || raw === '') return 1;
  if (raw === 'auto') return os.availableParallelism();
  if (!/^\d+$/.test(raw) || Number(raw) === 0 || !Number.isSafeInteger(Number(raw))) {
    throw new Error(`KHABAR_WORKERS must be a positive number of processes or "auto", got "${env.KHABAR_WORKERS}"`);
  }
  return Number(raw);
}

function ratioFrom(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value >= 0 && value <= 1)) throw new Error(`${name} must be a number between 0 and 1, got "${raw}"`);
  return value;
}

function trustProxyFrom(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

function edgeConfig(env: Env, overrides: Partial<EdgeConfig> = {}): EdgeConfig {
  return Object.freeze({
    trustProxy: trustProxyFrom(env.TRUST_PROXY),
    bodyLimitBytes: intFrom(env, 'BODY_LIMIT_BYTES', 512 * 1024),
    maxDocumentBytes: intFrom(env, 'MAX_DOCUMENT_BYTES', 16 * 1024),
    maxTokens: intFrom(env, 'MAX_TOKENS', 2000),
    maxDepth: intFrom(env, 'MAX_DEPTH', 12),
    maxCost: intFrom(env, 'MAX_COST', 5000),
    maxAliases: intFrom(env, 'MAX_ALIASES', 30),
    maxBatch: intFrom(env, 'MAX_BATCH', 10),
    rateLimitWindowMs: positiveIntFrom(env, 'RATE_LIMIT_WINDOW_MS', 60_000),
    rateLimitPerIp: intFrom(env, 'RATE_LIMIT_PER_IP', 1200),
    rateLimitPerToken: intFrom(env, 'RATE_LIMIT_PER_TOKEN', 1200),
    requestTimeoutMs: positiveIntFrom(env, 'REQUEST_TIMEOUT_MS', 10_000),
    persistedOnly: flag(env, 'PERSISTED_ONLY', false),
    persistedQueriesFile: env.PERSISTED_QUERIES_FILE ? path.resolve(env.PERSISTED_QUERIES_FILE) : undefined,
    apqTtlSeconds: intFrom(env, 'APQ_TTL_SECONDS', 7 * 24 * 3600),
    responseCache: flag(env, 'RESPONSE_CACHE', true),
    responseCacheMaxBytes: intFrom(env, 'RESPONSE_CACHE_MAX_MB', 64) * 1024 * 1024,
    maxAgeTicker: intFrom(env, 'CACHE_MAX_AGE_TICKER', 5),
    maxAgeArticle: intFrom(env, 'CACHE_MAX_AGE_ARTICLE', 120),
    maxAgeDefault: intFrom(env, 'CACHE_MAX_AGE_DEFAULT', 300),
    redisKeyPrefix: env.REDIS_KEY_PREFIX || 'khabar:',
    metrics: flag(env, 'METRICS', true),
    tracesUrl: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || undefined,
    serviceName: env.OTEL_SERVICE_NAME || 'khabar',
    traceSampleRatio: ratioFrom(env, 'OTEL_TRACES_SAMPLER_ARG', 1),
    ...overrides,
  });
}

/** Settings to force over the environment (tests); `edge`, `push` and `webhooks` merge field by field. */
export type ConfigOverrides = Partial<Omit<Config, 'edge' | 'push' | 'webhooks'>>
  & { edge?: Partial<EdgeConfig>; push?: Partial<PushConfig>; webhooks?: Partial<WebhookConfig> };

export function loadConfig(env: Env = process.env, { edge, push, webhooks, ...overrides }: ConfigOverrides = {}): Config {
  const nodeEnv = env.NODE_ENV === 'production' || env.NODE_ENV === 'test' ? env.NODE_ENV : 'development';
  const seed = env.KHABAR_SEED ?? 'demo';
  if (seed !== 'demo' && seed !== 'none') throw new Error(`KHABAR_SEED must be "demo" or "none", got "${seed}"`);
  return Object.freeze({
    env: nodeEnv,
    host: env.HOST || '0.0.0.0',
    port: intFrom(env, 'PORT', 4000),
    workers: workersFrom(env),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    embeddedPgPort: intFrom(env, 'EMBEDDED_PG_PORT', 54329),
    seed,
    migrateOnStart: flag(env, 'MIGRATE_ON_START', true),
    jwtSecret: env.JWT_SECRET || undefined,
    redisUrl: env.REDIS_URL || undefined,
    exposeSqlCount: flag(env, 'KHABAR_EXPOSE_SQL_COUNT', nodeEnv !== 'production'),
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    dbPoolSize: positiveIntFrom(env, 'DB_POOL_SIZE', 10),
    replicas: replicaConfig(env),
    schedulerIntervalMs: intFrom(env, 'SCHEDULER_INTERVAL_MS', 1000),
    liveCoverageIdleHours: positiveIntFrom(env, 'LIVE_COVERAGE_IDLE_HOURS', 12),
    // Live drain (at most 4 s) + this + closing the database stays inside Docker's 10 s stop timeout.
    httpDrainMs: intFrom(env, 'HTTP_DRAIN_MS', 3_000),
    live: Object.freeze({
      maxConnectionsPerIp: intFrom(env, 'WS_MAX_CONNECTIONS_PER_IP', 256),
      maxSubscriptionsPerConnection: intFrom(env, 'WS_MAX_SUBSCRIPTIONS', 20),
      initTimeoutMs: positiveIntFrom(env, 'WS_INIT_TIMEOUT_MS', 5_000),
      keepAliveMs: positiveIntFrom(env, 'WS_KEEPALIVE_MS', 15_000),
      retentionHours: intFrom(env, 'EVENT_RETENTION_HOURS', 72),
      pollMs: positiveIntFrom(env, 'EVENT_POLL_MS', 10_000),
    }),
    edge: edgeConfig(env, edge),
    media: mediaConfig(env, path.resolve(env.DATA_DIR || '.data')),
    webDir: path.resolve(env.WEB_DIR || 'dist/web'),
    playground: flag(env, 'PLAYGROUND', true),
    introspection: introspectionFrom(env.GRAPHQL_INTROSPECTION, nodeEnv),
    publicUrl: (env.PUBLIC_URL || `http://localhost:${intFrom(env, 'PORT', 4000)}`).replace(/\/+$/, ''),
    websubHubs: httpUrlsFrom('WEBSUB_HUBS', env.WEBSUB_HUBS),
    varnishPurgeUrls: httpUrlsFrom('VARNISH_PURGE_URLS', env.VARNISH_PURGE_URLS),
    push: Object.freeze({ ...pushConfig(env), ...push }),
    webhooks: Object.freeze({ ...webhookConfig(env), ...webhooks }),
    ...overrides,
  });
}

function mediaConfig(env: Env, dataDir: string): MediaConfig {
  const storage = (env.MEDIA_STORAGE || 'local').toLowerCase();
  if (storage !== 'local' && storage !== 's3') throw new Error(`MEDIA_STORAGE must be "local" or "s3", got "${env.MEDIA_STORAGE}"`);
  if (storage === 's3' && !env.MEDIA_S3_BUCKET) throw new Error('MEDIA_STORAGE=s3 needs MEDIA_S3_BUCKET');
  return Object.freeze({
    storage,
    localDir: path.join(dataDir, 'media'),
    s3: Object.freeze({
      bucket: env.MEDIA_S3_BUCKET || '',
      endpoint: env.MEDIA_S3_ENDPOINT || undefined,
      region: env.MEDIA_S3_REGION || 'us-east-1',
      accessKeyId: env.MEDIA_S3_ACCESS_KEY_ID || undefined,
      secretAccessKey: env.MEDIA_S3_SECRET_ACCESS_KEY || undefined,
      forcePathStyle: flag(env, 'MEDIA_S3_FORCE_PATH_STYLE', !!env.MEDIA_S3_ENDPOINT),
      prefix: env.MEDIA_S3_PREFIX || '',
    }),
    maxUploadBytes: positiveIntFrom(env, 'MEDIA_MAX_UPLOAD_BYTES', 20 * 1024 * 1024),
    maxPixels: positiveIntFrom(env, 'MEDIA_MAX_PIXELS', 50_000_000),
    concurrency: positiveIntFrom(env, 'MEDIA_CONCURRENCY', Math.max(1, Math.floor(os.availableParallelism() / 2))),
    cacheBytes: intFrom(env, 'MEDIA_CACHE_MB', 64) * 1024 * 1024,
    publicUrl: (env.MEDIA_PUBLIC_URL || '').replace(/\/+$/, ''),
  });
}

/** WEBSUB_HUBS, VARNISH_PURGE_URLS: comma-separated http(s) URLs; none by default. */
function httpUrlsFrom(name: string, raw: string | undefined): readonly string[] {
  const urls = (raw ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of urls) {
    let url: URL | null = null;
    try {
      url = new URL(entry);
    } catch { /* refused below */ }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw new Error(`${name} must be comma-separated http(s) URLs, got "${entry}"`);
  }
  return Object.freeze(urls);
}

/** GRAPHQL_INTROSPECTION: `public` (or `true`), `editors`, or `off` (or `false`); editors only by default in production. */
function introspectionFrom(raw: string | undefined, nodeEnv: Config['env']): Config['introspection'] {
  const value = (raw || (nodeEnv === 'production' ? 'editors' : 'public')).toLowerCase();
  if (value === 'public' || value === 'true') return 'public';
  if (value === 'off' || value === 'false') return 'off';
  if (value === 'editors') return 'editors';
  throw new Error(`GRAPHQL_INTROSPECTION must be "public", "editors" or "off", got "${raw}"`);
}
