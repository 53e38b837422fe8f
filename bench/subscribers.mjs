// One client process's graphql-ws subscribers for the fan-out benches: `count` connections, one subscription each,
// opened in steps and retried (on a busy machine some handshakes time out while thousands of others are set up).
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { allConnected, connectLightSubscribers, sleep } from './light-subscribers.mjs';

/** The benches' readers: `light` (./light-subscribers.mjs, the default) or `official` (graphql-ws' client). */
export const CLIENTS = ['light', 'official'];

/** Opens the subscribers with the chosen reader; each returned client has `dispose()`. */
export function connectWith(client, url, count, query, variables, next) {
  if (!CLIENTS.includes(client)) throw new Error(`--client is one of ${CLIENTS.join(', ')}`);
  return (client === 'light' ? connectLightSubscribers : connectSubscribers)(url, count, query, variables, next);
}


/** Opens the subscribers, `next(i, result)` receiving subscriber i's events, and resolves once all are connected. */
export async function connectSubscribers(url, count, query, variables, next) {
  const clients = [];
  let connected = 0;
  for (let i = 0; i < count; i += 1) {
    let counted = false;
    const client = createClient({ url, webSocketImpl: WebSocket, lazy: false, retryAttempts: 20, shouldRetry: () => true,
      onNonLazyError: (error) => process.send({ type: 'error', message: `gave up connecting: ${error?.code ?? error}` }),
      on: { connected: () => { if (!counted) connected += 1; counted = true; } } });
    client.subscribe({ query, variables }, {
      next: (result) => next(i, result),
      error: (error) => process.send({ type: 'error', message: String(error?.message ?? error?.reason ?? error) }),
      complete: () => undefined,
    });
    clients.push(client);
    if (i % 500 === 499) await sleep(20); // do not SYN-flood the listen backlog
  }
  await allConnected(count, () => connected);
  return clients;
}
