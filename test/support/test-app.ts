import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigOverrides, loadConfig } from '../../src/config';
import { startKhabar, Khabar } from '../../src/app';
import type { Role } from '../../src/auth/viewer';
import type { Logger } from 'pino';
import { createTestDatabase, TestDatabaseOptions } from './database';

/**
 * Request options of a client that asks for application/graphql-response+json, where a document GraphQL refuses keeps
 * its 4xx (as application/json it is a 200 with errors: GraphQL over HTTP).
 */
export const STRICT_MEDIA_TYPE = { headers: { accept: 'application/graphql-response+json' } };

export const TEST_JWT_SECRET = 'khabar-test-secret-that-is-long-enough-for-hs256';

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
  /** SQL statements the server ran for this request. */
  sqlStatements: number;
}

export interface TestApp {
  khabar: Khabar;
  url: string;
  databaseUrl: string;
  gql<T = any>(query: string, variables?: Record<string, unknown>, options?: { token?: string; headers?: Record<string, string> }): Promise<GraphQLResponse<T>>;
  token(role: Role, name?: string): Promise<string>;
  sql<T = any>(query: string, params?: unknown[]): Promise<T[]>;
  /** Starts another Khabar on the same database (a restart, or a second instance); its `stop()` leaves the database. */
  instance(overrides?: ConfigOverrides): Promise<TestApp>;
  stop(): Promise<void>;
}

/** Not configuration: a logger to capture what the instance logs. */
export interface InstanceOptions {
  logger?: Logger;
}

/** A real Khabar on port 0 over its own fresh database; `stop()` drains it and drops the database. */
export async function startTestApp(overrides: ConfigOverrides = {}, options: InstanceOptions = {},
  databaseOptions: TestDatabaseOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase(databaseOptions);
  const app = await startInstance(database.url, overrides, options);
  return {
    ...app,
    async stop() {
      await app.stop();
      await database.drop();
      fs.rmSync(mediaDirOf(database.url), { recursive: true, force: true });
    },
  };
}

/** Where an app's pictures go on local disk: one folder per test database, shared by its instances like one disk. */
export function mediaDirOf(databaseUrl: string): string {
  return path.join(os.tmpdir(), `khabar-media-${new URL(databaseUrl).pathname.slice(1)}`);
}

/** A Khabar on a database the test made itself (its own PostgreSQL server); `stop()` leaves the database. */
export async function startInstance(databaseUrl: string, overrides: ConfigOverrides = {}, options: InstanceOptions = {}): Promise<TestApp> {
  const config = loadConfig({}, {
    media: { ...loadConfig({}).media, localDir: mediaDirOf(databaseUrl), concurrency: 1 },
    databaseUrl,
    port: 0,
    host: '127.0.0.1',
    seed: 'none',
    jwtSecret: TEST_JWT_SECRET,
    logLevel: 'silent',
    exposeSqlCount: true,
    dbPoolSize: 5,
    ...overrides,
    // Tests change rows behind the API's back and all come from one address: no response cache, no rate limits,
    // unless a test asks; Redis keys are scoped to the test's database.
    edge: {
      responseCache: false, rateLimitPerIp: 0, rateLimitPerToken: 0,
      redisKeyPrefix: `khabar-test:${new URL(databaseUrl).pathname.slice(1)}:`,
      ...overrides.edge,
    },
    // Push stays off unless a test brings its providers (test/support/push-peers), so no test writes VAPID keys.
    push: { enabled: false, ...overrides.push },
    // Webhooks likewise stay off unless a test brings a receiver (test/api/webhooks.test.ts).
    webhooks: { enabled: false, ...overrides.webhooks },
  });
  const khabar = await startKhabar(config, { logger: options.logger });
  return {
    khabar,
    url: khabar.url,
    databaseUrl,
    async gql(query, variables, options = {}) {
      const response = await fetch(khabar.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: any[] };
      return {
        status: response.status,
        headers: response.headers,
        data: body.data ?? undefined,
        errors: body.errors,
        sqlStatements: Number(response.headers.get('x-khabar-sql-statements') ?? NaN),
      };
    },
    token: (role, name = `test ${role.toLowerCase()}`) => khabar.contextDeps.tokens.sign(role, name),
    sql: (query, params) => khabar.db.query(query, params),
    instance: (more = {}) => startInstance(databaseUrl, {
      ...overrides, ...more, edge: { ...overrides.edge, ...more.edge }, push: { ...overrides.push, ...more.push },
      webhooks: { ...overrides.webhooks, ...more.webhooks },
    }),
    stop: () => khabar.stop(),
  };
}
