import { Client } from 'pg';
import type { Logger } from 'pino';
import { OUTBOX_CHANNEL } from '../realtime/outbox';

/** An outbox row as purges need it. */
export interface ContentChange {
  seq: number;
  topic: 'ticker' | 'article';
  kind: string;
  entityId: number;
}

const RECONNECT_MS = 1000;

/**
 * Follows the event outbox on a dedicated connection: each NOTIFY on `khabar_events` wakes it to read every row
 * after the last one it handled, so a lost notification or a reconnect never skips an event.
 */
export async function followOutbox(
  url: string, logger: Logger, onChanges: (changes: ContentChange[]) => Promise<void>,
): Promise<() => Promise<void>> {
  let client: Client | null = null;
  let stopped = false;
  let lastSeq = 0;
  let reading: Promise<void> = Promise.resolve();
  let reconnectTimer: NodeJS.Timeout | undefined;

  const readNew = (): Promise<void> => {
    reading = reading.then(async () => {
      while (client && !stopped) {
        const { rows } = await client.query(
          'SELECT seq, topic, kind, entity_id AS "entityId" FROM event_outbox WHERE seq > $1 ORDER BY seq LIMIT 500', [lastSeq]);
        if (rows.length === 0) return;
        const changes = rows.map((row) => ({ ...row, seq: Number(row.seq) })) as ContentChange[];
        lastSeq = changes[changes.length - 1].seq;
        await onChanges(changes);
      }
    }).catch((error) => logger.warn({ err: error }, 'could not read the event outbox'));
    return reading;
  };

  const connect = async (): Promise<void> => {
    const next = new Client({ connectionString: url, application_name: 'khabar-cache-purge' });
    next.on('error', (error) => {
      logger.warn({ err: error }, 'outbox listener connection lost; reconnecting');
      next.end().catch(() => undefined);
      if (client === next) client = null;
      scheduleReconnect();
    });
    next.on('notification', () => void readNew());
    await next.connect();
    await next.query(`LISTEN ${OUTBOX_CHANNEL}`);
    if (lastSeq === 0) {
      const { rows } = await next.query('SELECT coalesce(max(seq), 0) AS seq FROM event_outbox');
      lastSeq = Number(rows[0].seq);
    }
    client = next;
    await readNew(); // whatever happened while disconnected
  };

  const scheduleReconnect = (): void => {
    if (stopped) return;
    reconnectTimer = setTimeout(() => connect().catch((error) => {
      logger.warn({ err: error }, 'outbox listener could not reconnect; retrying');
      scheduleReconnect();
    }), RECONNECT_MS);
  };

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(reconnectTimer);
    await reading;
    await client?.end().catch(() => undefined);
    client = null;
  };
}
