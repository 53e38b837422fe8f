import type { DataSource } from 'typeorm';
import type { TokenService } from './auth/tokens';
import { Loaders } from './loaders';
import { makeServices, Services } from './services';
import { CountingSql, Sql } from './db/sql';
import type { ReadRouting, RequestReads } from './db/replicas';
import { isEditor, type Viewer } from './auth/viewer';
import type { HttpRequestState } from './server/request-state';
import type { SearchSupport } from './modules/search/search-support';
import type { PushService } from './modules/push/push';
import type { WebhookService } from './modules/webhooks/webhooks';
import type { MediaLibrary } from './modules/media/media-library';

/** What every resolver receives: built fresh per request (and per subscription event). */
export interface Context {
  requestId: string;
  viewer: Viewer;
  services: Services;
  loaders: Loaders;
  /** This request's database reads, counted. */
  sql: CountingSql;
  /** Where this request's reads go, when read replicas are configured (a mutation sends them to the primary). */
  reads?: RequestReads;
  /** HTTP requests only: what is recorded about this one (cache tags of anonymous reads, operation, errors, span). */
  http?: HttpRequestState;
  /** The client's address (under TRUST_PROXY, as the HTTP path decides it), for per-address limits. */
  clientAddress?: string;
  /** Push notifications, when on (requests over HTTP and graphql-ws mutations; subscriptions need none). */
  push?: PushService | null;
  /** Signed webhooks, when on. */
  webhooks?: WebhookService | null;
  /** Pictures: rendition URLs, uploads. */
  media: MediaLibrary;
  /** The site's public origin (PUBLIC_URL), for the absolute addresses of structured data. */
  publicUrl: string;
}

/** The long-lived pieces a context is built from. */
export interface ContextDeps {
  /** The primary: writes' reads, the event feed, the scheduler. */
  sql: Sql;
  /** Read replicas (DATABASE_REPLICA_URLS), when configured: requests' reads go through it (see makeContext). */
  reads?: ReadRouting;
  tokens: TokenService;
  /** Write paths run their transactions on it. */
  db: DataSource;
  /** What search can do on this database (checked at startup). */
  searchSupport: SearchSupport;
  /** Push notifications, when on (set once push has started). */
  push?: PushService | null;
  /** Signed webhooks, when on (set once they have started). */
  webhooks?: WebhookService | null;
  media: MediaLibrary;
  /** PUBLIC_URL, without its trailing slash. */
  publicUrl: string;
}

/**
 * A request's context (or, `from: 'primary'`, an event's). The one rule of where reads go: requests read from a read
 * replica in rotation (one that keeps up with the primary), an editor's only from one that has replayed their last
 * write; mutations (RequestReads.forMutation) and committed events read the primary, which holds what was just written.
 */
export function makeContext(deps: ContextDeps, viewer: Viewer, requestId: string, from: 'routed' | 'primary' = 'routed'): Context {
  const writer = isEditor(viewer) ? viewer.subject ?? viewer.name ?? '' : null;
  const reads = from === 'routed' && deps.reads?.enabled ? deps.reads.forRequest(writer) : undefined;
  const sql = new CountingSql(reads ?? deps.sql);
  const services = makeServices(sql, deps.tokens, deps.db, deps.searchSupport, deps.media);
  return { requestId, viewer, services, sql, reads, media: deps.media, publicUrl: deps.publicUrl, loaders: new Loaders(services, viewer), push: deps.push ?? null,
    webhooks: deps.webhooks ?? null };
}
