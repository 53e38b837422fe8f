import type { DataSource } from 'typeorm';
import type { Viewer } from './auth/viewer';
import type { TokenService } from './auth/tokens';
import { Loaders } from './loaders';
import { makeServices, Services } from './services';
import { CountingSql, Sql } from './db/sql';
import type { HttpRequestState } from './server/request-state';
import type { SearchSupport } from './modules/search/search-support';

/** What every resolver receives: built fresh per request (and per subscription event). */
export interface Context {
  requestId: string;
  viewer: Viewer;
  services: Services;
  loaders: Loaders;
  /** This request's database reads, counted. */
  sql: CountingSql;
  /** HTTP requests only: what is recorded about this one (cache tags of anonymous reads, operation, errors, span). */
  http?: HttpRequestState;
}

/** The long-lived pieces a context is built from. */
export interface ContextDeps {
  sql: Sql;
  tokens: TokenService;
  /** Write paths run their transactions on it. */
  db: DataSource;
  /** What search can do on this database (checked at startup). */
  searchSupport: SearchSupport;
}

export function makeContext(deps: ContextDeps, viewer: Viewer, requestId: string): Context {
  const sql = new CountingSql(deps.sql);
  const services = makeServices(sql, deps.tokens, deps.db, deps.searchSupport);
  return { requestId, viewer, services, sql, loaders: new Loaders(services, viewer) };
}
