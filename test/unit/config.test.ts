import { loadConfig } from '../../src/config';
import os from 'node:os';

/** Reading the environment is pure: these start nothing and need no database. */
describe('configuration', () => {
  it('uses the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4000, dbPoolSize: 10, migrateOnStart: true, playground: true, introspection: 'public' });
    expect(config.edge).toMatchObject({ rateLimitWindowMs: 60_000, responseCache: true, persistedOnly: false, metrics: true });
    expect(Object.isFrozen(config) && Object.isFrozen(config.edge) && Object.isFrozen(config.live)).toBe(true);
  });

  it.each([
    ['true', true], ['TRUE', true], ['1', true], ['yes', true], ['On', true],
    ['false', false], ['False', false], ['0', false], ['no', false], ['OFF', false],
  ])('reads the switch RESPONSE_CACHE=%s as %s', (raw, expected) => {
    expect(loadConfig({ RESPONSE_CACHE: raw }).edge.responseCache).toBe(expected);
  });

  it.each([
    ['RESPONSE_CACHE', 'ture'], ['PERSISTED_ONLY', 'yes please'], ['METRICS', '2'], ['PLAYGROUND', 'enabled'],
    ['MIGRATE_ON_START', 'n'], ['KHABAR_EXPOSE_SQL_COUNT', 'truee'],
  ])('refuses the switch %s=%s, naming the variable, the value and what it accepts', (name, raw) => {
    expect(() => loadConfig({ [name]: raw })).toThrow(`${name} must be true or false (or 1/0, yes/no, on/off), got "${raw}"`);
  });

  it('keeps a switch\'s default when it is unset or empty', () => {
    expect(loadConfig({ RESPONSE_CACHE: '' }).edge.responseCache).toBe(true);
    expect(loadConfig({ PERSISTED_ONLY: undefined }).edge.persistedOnly).toBe(false);
  });

  it.each([['PORT', '-1'], ['MAX_DEPTH', '12.5'], ['DB_POOL_SIZE', 'ten'], ['RATE_LIMIT_PER_IP', '1e3'], ['MAX_COST', '0x10']])(
    'refuses %s=%s: a count is a whole number written in digits', (name, raw) => {
      expect(() => loadConfig({ [name]: raw })).toThrow(`${name} must be a non-negative integer, got "${raw}"`);
    });

  it.each(['RATE_LIMIT_WINDOW_MS', 'REQUEST_TIMEOUT_MS', 'DB_POOL_SIZE', 'WS_INIT_TIMEOUT_MS', 'WS_KEEPALIVE_MS', 'EVENT_POLL_MS', 'LIVE_COVERAGE_IDLE_HOURS'])(
    'refuses %s=0 rather than replacing it by a default: no time or no connections means nothing', (name) => {
      expect(() => loadConfig({ [name]: '0' })).toThrow(`${name} must be a positive integer, got "0"`);
    });

  it('honours 0 where it has a meaning: no limit, no scheduler, no batches, no expiry', () => {
    const config = loadConfig({
      RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_TOKEN: '0', WS_MAX_CONNECTIONS_PER_IP: '0', WS_MAX_SUBSCRIPTIONS: '0',
      SCHEDULER_INTERVAL_MS: '0', MAX_BATCH: '0', APQ_TTL_SECONDS: '0', CACHE_MAX_AGE_DEFAULT: '0', PORT: '0',
    });
    expect(config.edge).toMatchObject({ rateLimitPerIp: 0, rateLimitPerToken: 0, maxBatch: 0, apqTtlSeconds: 0, maxAgeDefault: 0 });
    expect(config.live).toMatchObject({ maxConnectionsPerIp: 0, maxSubscriptionsPerConnection: 0 });
    expect(config).toMatchObject({ schedulerIntervalMs: 0, port: 0 });
  });

  it('reads KHABAR_WORKERS: 1 by default, a number of processes, or auto for one per core; 0 and words refused', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ KHABAR_WORKERS: '3' }).workers).toBe(3);
    expect(loadConfig({ KHABAR_WORKERS: 'Auto' }).workers).toBe(os.availableParallelism());
    for (const raw of ['0', 'two', '1.5', '-2']) {
      expect(() => loadConfig({ KHABAR_WORKERS: raw })).toThrow(`KHABAR_WORKERS must be a positive number of processes or "auto", got "${raw}"`);
    }
  });

  it('reads RATE_LIMIT_WINDOW_MS as given', () => {
    expect(loadConfig({ RATE_LIMIT_WINDOW_MS: '1500' }).edge.rateLimitWindowMs).toBe(1500);
  });

  it('refuses an unknown seed, introspection policy or sampling ratio', () => {
    expect(() => loadConfig({ KHABAR_SEED: 'lots' })).toThrow('KHABAR_SEED must be "demo" or "none", got "lots"');
    expect(() => loadConfig({ GRAPHQL_INTROSPECTION: 'some' })).toThrow(/GRAPHQL_INTROSPECTION must be/);
    expect(() => loadConfig({ OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(/OTEL_TRACES_SAMPLER_ARG must be a number between 0 and 1/);
  });

  it('reads read replicas: none by default, a comma-separated list of standbys, lag and check interval', () => {
    expect(loadConfig({}).replicas).toEqual({ urls: [], maxLagMs: 2000, checkIntervalMs: 500 });
    const config = loadConfig({
      DATABASE_URL: 'postgres://khabar@primary/khabar',
      DATABASE_REPLICA_URLS: ' postgres://khabar:secret@replica-1/khabar, postgresql://khabar@replica-2:6432/khabar ,',
      REPLICA_MAX_LAG_MS: '500', REPLICA_CHECK_INTERVAL_MS: '100',
    });
    expect(config.replicas).toEqual({ urls: ['postgres://khabar:secret@replica-1/khabar', 'postgresql://khabar@replica-2:6432/khabar'], maxLagMs: 500, checkIntervalMs: 100 });
    expect(Object.isFrozen(config.replicas) && Object.isFrozen(config.replicas.urls)).toBe(true);
  });

  it('refuses a replica that is not a postgres URL (without echoing it: it may hold a password), replicas of the embedded database, and a lag of 0', () => {
    const primary = { DATABASE_URL: 'postgres://khabar@primary/khabar' };
    expect(() => loadConfig({ ...primary, DATABASE_REPLICA_URLS: 'postgres://a/khabar,mysql://u:hunter2@b/khabar' }))
      .toThrow('DATABASE_REPLICA_URLS must be comma-separated postgres:// URLs; item 2 is not one');
    expect(() => loadConfig({ ...primary, DATABASE_REPLICA_URLS: 'replica-1:5432' })).toThrow(/item 1 is not one/);
    expect(() => loadConfig({ DATABASE_REPLICA_URLS: 'postgres://replica/khabar' })).toThrow(/DATABASE_REPLICA_URLS needs DATABASE_URL/);
    expect(() => loadConfig({ REPLICA_MAX_LAG_MS: '0' })).toThrow('REPLICA_MAX_LAG_MS must be a positive integer, got "0"');
    expect(() => loadConfig({ REPLICA_CHECK_INTERVAL_MS: '2s' })).toThrow('REPLICA_CHECK_INTERVAL_MS must be a non-negative integer, got "2s"');
  });

  it('lets overrides win over the environment, the edge settings field by field', () => {
    const config = loadConfig({ MAX_DEPTH: '7', MAX_COST: '9' }, { port: 0, edge: { maxDepth: 3 } });
    expect(config.port).toBe(0);
    expect(config.edge).toMatchObject({ maxDepth: 3, maxCost: 9 });
  });
});
