import { Client } from 'pg';
import type { Redis } from 'ioredis';
import { connectRedis } from '../shared/redis';
import type { DataSource, EntitySubscriberInterface } from 'typeorm';
import type { Logger } from 'pino';
import { APPENDED_SEQ, OUTBOX_CHANNEL } from './outbox';
import { EventFeed, FeedSource } from './feed';
import { pruneOutbox } from './outbox-consumers';
import { throttledWarn } from '../shared/throttled-warn';

/** How instances hear that events were committed: the notice carries a sequence number only, the outbox is the truth. */
interface FanOut {
  stop(): Promise<void>;
}

export interface LiveFeedOptions {
  /** What the feed reads from (the composition root's: it knows the features). */
  source: FeedSource;
  db: DataSource;
  databaseUrl: string;
  /** Redis pub/sub instead of PostgreSQL LISTEN/NOTIFY. */
  redisUrl?: string;
  retentionHours: number;
  /** Reads the outbox this often even without a notice, in case one was lost. */
  pollMs: number;
  logger: Logger;
}

export interface LiveFeed {
  feed: EventFeed;
  stop(): Promise<void>;
}

/** The application name of each instance's LISTEN connection (tests find it by this name). */
export const LISTENER_NAME = 'khabar-listen';
const HOUR_MS = 3_600_000;
const MAX_RETRY_MS = 5_000;

/** Starts this instance's feed of committed events and the fan-out that wakes it. */
export async function startLiveFeed(options: LiveFeedOptions): Promise<LiveFeed> {
  const { db, logger } = options;
  const feed = new EventFeed(options.source, logger, options.retentionHours);
  await feed.start();
  const wake = () => void feed.catchUp();
  const fanOut = options.redisUrl
    ? await listenThroughRedis(options.redisUrl, db, wake, logger)
    : await listenThroughPostgres(options.databaseUrl, wake, logger);
  const poll = setInterval(wake, options.pollMs);
  const prune = () => void pruneOutbox(db, options.retentionHours).then(({ deleted, lost }) => {
    // Cursor checks go stale only when events went: clearing them for nothing costs resuming clients a statement each.
    if (deleted > 0) feed.outboxPruned();
    for (const { name, events } of lost) logger.error({ consumer: name, events }, 'pruned events a stopped outbox consumer had not read');
  }, (error) => logger.warn({ err: error }, 'pruning the outbox failed'));
  prune();
  const pruning = setInterval(prune, HOUR_MS);
  return {
    feed,
    async stop() {
      clearInterval(poll);
      clearInterval(pruning);
      await fanOut.stop();
      await feed.stop();
    },
  };
}

/** One dedicated LISTEN connection; it reconnects with backoff and catches up on every (re)connection. */
async function listenThroughPostgres(databaseUrl: string, wake: () => void, logger: Logger): Promise<FanOut> {
  let current: Client | null = null;
  let stopped = false;
  let retryMs = 100;
  let retry: NodeJS.Timeout | null = null;

  const connect = async (): Promise<void> => {
    const client = new Client({ connectionString: databaseUrl, application_name: LISTENER_NAME });
    client.on('notification', wake);
    client.on('error', (error) => {
      logger.warn({ err: error }, 'event listener connection failed; reconnecting');
      lost(client);
    });
    client.on('end', () => lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    current = client;
    retryMs = 100;
    wake(); // whatever was committed while nobody listened
  };
  const reconnectLater = () => {
    retry = setTimeout(() => {
      connect().catch((error) => {
        logger.warn({ err: error, retryMs }, 'event listener cannot reconnect yet');
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
        if (!stopped) reconnectLater();
      });
    }, retryMs);
  };
  const lost = (client: Client) => {
    if (stopped || current !== client) return;
    current = null;
    client.end().catch(() => undefined);
    reconnectLater();
  };

  await connect();
  return {
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await (current as Client | null)?.end().catch(() => undefined);
    },
  };
}

/**
 * Redis pub/sub: the writing instance publishes the sequence once the transaction has committed (a TypeORM
 * after-commit hook, fed by appendEvent), every instance subscribes to its database's channel.
 */
async function listenThroughRedis(redisUrl: string, db: DataSource, wake: () => void, logger: Logger): Promise<FanOut> {
  const [{ name }] = await db.query('SELECT current_database() AS name');
  const channel = `${OUTBOX_CHANNEL}:${name}`;
  const warn = throttledWarn(logger, 'Redis connection failed (live fan-out); reconnecting');
  const warnOfLostNotices = throttledWarn(logger, 'publishing an event notice failed; other instances read it on their next poll');
  const options = { maxRetriesPerRequest: 1 };
  const subscriber = await connectRedis(redisUrl, options, warn);
  const disconnect = (clients: Redis[]) => (error: unknown) => {
    for (const client of clients) client.disconnect();
    throw error;
  };
  const publisher = await connectRedis(redisUrl, options, warn).catch(disconnect([subscriber]));
  await subscriber.subscribe(channel).catch(disconnect([subscriber, publisher]));
  subscriber.on('message', wake);
  subscriber.on('ready', wake); // after a reconnection: catch up on what was published meanwhile
  const publishAfterCommit: EntitySubscriberInterface = {
    afterTransactionCommit({ queryRunner }) {
      const seq = queryRunner.data?.[APPENDED_SEQ];
      if (seq === undefined || queryRunner.isTransactionActive) return;
      delete queryRunner.data[APPENDED_SEQ];
      // This instance's own subscribers at once, even while Redis is away (the others then wait for the poll or for Redis).
      wake();
      // Not awaited: the commit has happened; a lost notice is caught up by the next one or the poll.
      publisher.publish(channel, String(seq)).catch(warnOfLostNotices);
    },
    afterTransactionRollback({ queryRunner }) {
      if (queryRunner.data && !queryRunner.isTransactionActive) delete queryRunner.data[APPENDED_SEQ];
    },
  };
  db.subscribers.push(publishAfterCommit);
  return {
    async stop() {
      db.subscribers.splice(db.subscribers.indexOf(publishAfterCommit), 1);
      await Promise.all([subscriber.quit(), publisher.quit()]).catch(() => undefined);
    },
  };
}
