import { Redis, type RedisOptions } from 'ioredis';

/**
 * A connected Redis client for REDIS_URL. Khabar does not start without the Redis it was given: when the first
 * connection fails, this throws, saying why. Later errors (an outage) go to `onError`; ioredis reconnects meanwhile.
 */
export async function connectRedis(url: string, options: RedisOptions, onError: (error: Error) => void): Promise<Redis> {
  const client = new Redis(url, { ...options, lazyConnect: true });
  let cause: Error | undefined;
  client.on('error', (error: Error) => {
    cause ??= error;
    onError(error);
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    // ioredis rejects with "Connection is closed."; the first error event says why.
    throw new Error(`Redis at REDIS_URL is unreachable (${(cause ?? (error as Error)).message}); Khabar does not start without the Redis it was given`);
  }
  return client;
}
