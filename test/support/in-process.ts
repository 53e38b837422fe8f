import { AsyncLocalStorage } from 'node:async_hooks';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execute, GraphQLError, GraphQLSchema, parse, Source, specifiedRules, validate } from 'graphql';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config';
import type { Role } from '../../src/auth/viewer';
import { TokenService } from '../../src/auth/tokens';
import { makeContext, type ContextDeps } from '../../src/context';
import { makeDataSource } from '../../src/db/data-source';
import { PoolSql, type Sql } from '../../src/db/sql';
import { checkSearchSupport } from '../../src/modules/search/search-support';
import { MediaLibrary } from '../../src/modules/media/media-library';
import { formatError } from '../../src/server/errors';
import { buildKhabarSchema } from '../../src/server/schema';
import { createTestDatabase } from './database';
import { TEST_JWT_SECRET, type GraphQLResponse } from './test-app';

/** One statement a request ran: its text as sent, and its parameters. */
export interface Statement {
  text: string;
  values: unknown[];
}

/**
 * The in-process tier: operations executed against Khabar's real schema with a real context, on its own copy of the
 * migrated database, without HTTP, WebSocket, live feed or edge (no operation policy, cache or rate limit: those have
 * their own tests). Errors are formatted as the HTTP path formats them (coded, unexpected ones masked), so a rule is
 * asserted the way clients see it. Each answer carries the SQL statements the operation ran, in order.
 */
export interface InProcess {
  /** Like TestApp.gql (so test/support/editorial's `ok` and `failure` work on both): status is always 200, headers empty. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, options?: { token?: string }): Promise<InProcessResponse<T>>;
  token(role: Role, name?: string): Promise<string>;
  sql<T = any>(query: string, params?: unknown[]): Promise<T[]>;
  db: DataSource;
  stop(): Promise<void>;
}

export interface InProcessResponse<T = any> extends GraphQLResponse<T> {
  /** What the operation ran, in order. */
  statements: Statement[];
}

let schemaOnce: Promise<GraphQLSchema> | undefined;

/** A database (a copy of the migrated template), a context's dependencies and the schema; `stop()` drops the database. */
export async function startInProcess(): Promise<InProcess> {
  const database = await createTestDatabase();
  const db = makeDataSource(database.url, 3);
  await db.initialize();
  const mediaDir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-in-process-media-'));
  let media: MediaLibrary | undefined;
  try {
    const pool = PoolSql.of(db);
    // Every read of an operation passes through here, recorded for the operation it runs for (operations may overlap);
    // the write paths use `db` (TypeORM transactions) and are not recorded.
    const recording = new AsyncLocalStorage<Statement[]>();
    const sql: Sql = {
      query(text, values = []) {
        recording.getStore()?.push({ text, values });
        return pool.query(text, values);
      },
    };
    media = await MediaLibrary.start({ ...loadConfig({}).media, localDir: mediaDir, concurrency: 1 });
    const tokens = new TokenService(TEST_JWT_SECRET);
    const deps: ContextDeps = { sql, tokens, db, searchSupport: await checkSearchSupport(pool), media, publicUrl: loadConfig({}).publicUrl };
    schemaOnce ??= buildKhabarSchema();
    const schema = await schemaOnce;
    const library = media;
    return {
      db,
      token: (role, name = `test ${role.toLowerCase()}`) => tokens.sign(role, name),
      sql: (query, params) => db.query(query, params),
      async gql(query, variables, options = {}) {
        const viewer = await tokens.viewerFrom(options.token ? `Bearer ${options.token}` : undefined);
        const document = parse(new Source(query));
        const invalid = validate(schema, document, specifiedRules);
        if (invalid.length) {
          return answer({ errors: invalid.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED')) }, []);
        }
        const statements: Statement[] = [];
        const context = makeContext(deps, viewer, crypto.randomUUID());
        const result = await recording.run(statements, () => execute({ schema, document, variableValues: variables, contextValue: context }));
        return answer(result, statements);
      },
      async stop() {
        await library.stop();
        await db.destroy();
        await database.drop();
        fs.rmSync(mediaDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await media?.stop();
    await db.destroy();
    await database.drop();
    fs.rmSync(mediaDir, { recursive: true, force: true });
    throw error;
  }
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code } });
}

function answer(result: { data?: any; errors?: readonly GraphQLError[] }, statements: Statement[]): InProcessResponse {
  return {
    status: 200,
    headers: new Headers(),
    data: result.data ?? undefined,
    // As the HTTP path answers them: coded, and anything unexpected masked.
    errors: result.errors?.map((error) => formatError(error.toJSON(), error) as any),
    sqlStatements: statements.length,
    statements,
  };
}

/**
 * A statement as a snapshot keeps it, laid out so that a diff points at the clause that changed: one select-list item,
 * FROM, JOIN, WHERE, ORDER BY, LIMIT… per line, subqueries indented; inside function calls nothing is broken. The
 * source's own whitespace does not matter (moving a fragment's indentation changes nothing), and parameters stay
 * placeholders ($1): their values (ids, times) differ from run to run and from database to database.
 */
export function normalizeSql(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const CLAUSE = /^(FROM|WHERE|ORDER BY|GROUP BY|LIMIT|OFFSET|UNION ALL|UNION|(?:CROSS |LEFT |INNER )?JOIN(?: LATERAL)?|CROSS JOIN LATERAL|SELECT|WITH|RETURNING|ON CONFLICT|VALUES)\b/;
  const lines: string[] = [];
  let line = '';
  /** One entry per open parenthesis: whether it holds a query (its clauses get their own lines). */
  const open: boolean[] = [];
  const indent = () => '  '.repeat(open.filter(Boolean).length);
  const breakLine = () => {
    if (line.trim()) lines.push(line.trimEnd());
    line = indent();
  };
  const breaking = () => open.length === 0 || open[open.length - 1];
  for (let i = 0; i < flat.length; i += 1) {
    const c = flat[i];
    if (c === "'" || c === '"') {
      const end = flat.indexOf(c, i + 1);
      const to = end < 0 ? flat.length : end + 1;
      line += flat.slice(i, to);
      i = to - 1;
      continue;
    }
    const rest = flat.slice(i);
    const clause = breaking() && /[\s(]/.test(flat[i - 1] ?? ' ') ? CLAUSE.exec(rest) : null;
    if (clause && line.trim() && !/^\s*$/.test(line) && !/\($/.test(line.trimEnd())) {
      breakLine();
      line += clause[0];
      i += clause[0].length - 1;
    } else if (c === '(') {
      const query = /^\(\s*(SELECT|WITH|VALUES)\b/.test(rest);
      line += c;
      open.push(query);
      if (query) breakLine();
    } else if (c === ')') {
      const query = open.pop();
      if (query) breakLine();
      line += c;
    } else if (c === ',' && breaking()) {
      line += c;
      breakLine();
    } else if (c === ' ' && /^\s*$/.test(line)) {
      // no leading spaces beyond the indent
    } else {
      line += c;
    }
  }
  breakLine();
  return lines.join('\n');
}
