import { createClient, type Client } from 'graphql-ws';
import { TICKER_FIELDS, type Ticker } from './api';

export interface BreakingNewsEvent {
  cursor: string;
  kind: string;
  ticker: Ticker;
}

export type LiveStatus = 'live' | 'reconnecting' | 'unavailable';

const BREAKING_NEWS = `subscription BreakingNews($after: String) {
  breakingNews(after: $after) { cursor kind ticker { ${TICKER_FIELDS} } }
}`;

const MAX_BACKOFF_MS = 10_000;

export interface Follow<E> {
  url: string;
  /** A subscription whose events carry `cursor` and which takes `after`. */
  query: string;
  variables?: Record<string, unknown>;
  /** The event in a result's data. */
  pick(data: Record<string, unknown>): (E & { cursor: string }) | undefined;
  onEvent(event: E): void;
  onStatus(status: LiveStatus): void;
  /** The server no longer keeps the last cursor: the stream started over live; reload what is shown. */
  onGap(): void;
}

/**
 * Follows a resumable subscription over graphql-ws; after any drop it subscribes again with the last cursor it saw,
 * so nothing committed while it was away is lost. When the server no longer has that cursor (away longer than it
 * keeps events), it starts over live and calls `onGap`. Coming back online or to the foreground (a phone waking up)
 * retries at once instead of waiting out the back-off. Returns a stop function.
 */
export function follow<E>(options: Follow<E>): () => void {
  const client: Client = createClient({ url: options.url, lazy: true, retryAttempts: 0 });
  let cursor: string | null = null;
  let failures = 0;
  let refused = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: (() => void) | null = null;

  const retry = () => {
    unsubscribe = null;
    if (refused || stopped) return;
    failures += 1;
    clearTimeout(timer);
    timer = setTimeout(subscribe, Math.min(MAX_BACKOFF_MS, 500 * 2 ** (failures - 1)));
  };
  const wake = () => {
    // Waiting out a back-off: try now.
    if (unsubscribe === null && !refused && !stopped && document.visibilityState === 'visible') {
      clearTimeout(timer);
      subscribe();
    }
  };

  function subscribe() {
    unsubscribe = client.subscribe<Record<string, unknown>>({ query: options.query, variables: { ...options.variables, after: cursor } }, {
      next(result) {
        if (result.errors?.length) {
          // A refused cursor comes as errors, then complete: start over without it; anything else will not heal.
          if (cursor !== null && result.errors.some((error) => error.extensions?.field === 'after')) {
            cursor = null;
            options.onGap();
          } else {
            refused = true;
            options.onStatus('unavailable');
          }
          return;
        }
        const event = result.data && options.pick(result.data);
        if (!event) return;
        failures = 0;
        cursor = event.cursor;
        options.onEvent(event);
      },
      error(error) {
        // An operation error (a schema without the field) will not heal by retrying; a dropped socket will.
        if (Array.isArray(error)) {
          refused = true;
          options.onStatus('unavailable');
        } else {
          retry();
        }
      },
      complete: retry,
    });
  }

  client.on('connected', () => {
    failures = 0;
    options.onStatus('live');
  });
  client.on('closed', () => {
    if (!refused && !stopped) options.onStatus('reconnecting');
  });
  window.addEventListener('online', wake);
  document.addEventListener('visibilitychange', wake);
  subscribe();
  return () => {
    stopped = true;
    clearTimeout(timer);
    window.removeEventListener('online', wake);
    document.removeEventListener('visibilitychange', wake);
    unsubscribe?.();
    void client.dispose();
  };
}

/** Follows `breakingNews` (see follow). */
export function followBreakingNews(
  url: string,
  onEvent: (event: BreakingNewsEvent) => void,
  onStatus: (status: LiveStatus) => void,
  onGap: () => void,
): void {
  follow<BreakingNewsEvent>({
    url, query: BREAKING_NEWS, pick: (data) => data.breakingNews as BreakingNewsEvent | undefined, onEvent, onStatus, onGap,
  });
}
