import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import { startDelivery, Delivery } from '../../delivery/engine';
import { badInput } from '../../shared/errors';
import { numericIdOf } from '../../shared/global-id';
import { DeviceWriter } from './device.writer';
import { DevicePlatform, PushDeliveries } from './device.type';
import { pushConsumer, PushProviders } from './push.consumer';
import { resolvePushCredentials } from './push.keys';
import { WebPushProvider } from './providers/web-push';
import { ApnsProvider } from './providers/apns';
import { FcmProvider } from './providers/fcm';
import { JOB_STATES } from '../../delivery/jobs';

/** What push offers the API on this instance. */
export interface PushService {
  devices: DeviceWriter;
  /** The VAPID public key browsers subscribe with (applicationServerKey). */
  vapidPublicKey: string;
  platforms: ReadonlySet<DevicePlatform>;
  /** Counts registerDevice calls per client address; refuses past the limit. */
  checkRegistrationRate(clientAddress: string | undefined): Promise<void>;
  deliveries(tickerGlobalId: string): Promise<PushDeliveries>;
  /** Plans new ticker events now (the feed calls it as events commit). */
  delivery: Delivery;
}

export interface RunningPush {
  service: PushService;
  stop(): Promise<void>;
}

const RATE_WINDOW_MS = 60 * 60_000;

/** Counts hits per key in fixed windows (the edge's rate-limit counters fit: in-process, or shared in Redis). */
export interface RegistrationCounter {
  hit(key: string, windowMs: number): Promise<{ count: number }>;
}

/** Starts push on this instance: credentials, the three providers, and the push consumer on the delivery engine. */
export async function startPush(db: DataSource, config: Config, logger: Logger, counter: RegistrationCounter): Promise<RunningPush> {
  const push = config.push;
  const credentials = resolvePushCredentials(push, config.dataDir);
  const timing = { extraCa: credentials.extraCa, timeoutMs: push.timeoutMs };
  const providers: PushProviders = {
    WEB: new WebPushProvider(credentials.vapid, { ...timing, maxStreams: 200 }),
    ...(credentials.fcm ? { ANDROID: new FcmProvider(credentials.fcm.account, { ...timing, endpoint: credentials.fcm.endpoint, tokenUrl: credentials.fcm.tokenUrl, maxStreams: 500, maxSessions: 4 }) } : {}),
    ...(credentials.apns ? { IOS: new ApnsProvider(credentials.apns, { ...timing, maxStreams: 500, maxSessions: 4 }) } : {}),
  };
  const platforms = new Set((Object.keys(providers) as DevicePlatform[]).filter((p) => providers[p]));
  const log = logger.child({ part: 'push' });
  const delivery = await startDelivery(db, pushConsumer(db, { ...push, publicUrl: config.publicUrl }, providers, log), log, {
    leaseMs: push.leaseMs,
    pollMs: push.pollMs,
    retentionHours: push.retentionHours,
    batchSize: 500,
    maxInFlight: push.concurrency,
    eventsPerPlan: 10,
  });
  log.info({ platforms: [...platforms] }, 'push notifications on');
  const service: PushService = {
    devices: new DeviceWriter(db, push, platforms),
    vapidPublicKey: credentials.vapid.publicKey,
    platforms,
    delivery,
    async checkRegistrationRate(clientAddress) {
      if (push.registrationsPerAddress <= 0) return;
      const { count } = await counter.hit(`push-register:${clientAddress ?? 'unknown'}`, RATE_WINDOW_MS);
      if (count > push.registrationsPerAddress) {
        throw badInput(`At most ${push.registrationsPerAddress} device registrations an hour from one address.`, undefined, { reason: 'RATE_LIMITED' });
      }
    },
    async deliveries(tickerGlobalId) {
      const id = numericIdOf('Ticker', tickerGlobalId, 'tickerId');
      const rows: { state: string; count: string; last: Date | null }[] = await db.query(
        `SELECT state, count(*) AS count, max(finished_at) FILTER (WHERE state = 'sent') AS last
         FROM delivery_job WHERE consumer = 'push' AND lane = $1 GROUP BY state`, [String(id)]);
      const counts = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<(typeof JOB_STATES)[number], number>;
      let last: Date | null = null;
      for (const row of rows) {
        counts[row.state as keyof typeof counts] = Number(row.count);
        if (row.last && (!last || row.last > last)) last = row.last;
      }
      return Object.assign(new PushDeliveries(), { tickerId: tickerGlobalId, ...counts, sendCompleteAt: last });
    },
  };
  return {
    service,
    async stop() {
      await delivery.stop();
      await Promise.all([providers.WEB.close(), providers.ANDROID?.close(), providers.IOS?.close()]);
    },
  };
}
