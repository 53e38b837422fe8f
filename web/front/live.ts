import { createClient } from 'graphql-ws';
import { TICKER_FIELDS, type Ticker } from './api';

export interface BreakingNewsEvent {
  cursor: string;
  kind: string;
  ticker: Ticker;
}

const BREAKING_NEWS = `subscription BreakingNews($after: String) {
  breakingNews(after: $after) { cursor kind ticker { ${TICKER_FIELDS} } }
}`;

const MAX_BACKOFF_MS = 10_000;

/**
 * Follows `breakingNews` over graphql-ws; after any drop it subscribes again with the last cursor it saw,
 * so no item pushed while it was away is lost. Returns a function that stops following.
 */
export function followBreakingNews(
  url: string,
  onEvent: (event: BreakingNewsEvent) => void,
  onStatus: (status: 'live' | 'reconnecting' | 'unavailable') => void,
): () => void {
  const client = createClient({ url, lazy: true, retryAttempts: 0 });
  let cursor: string | null = null;
  let failures = 0;
  let stopped = false;
  let unsubscribe = () => {};
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const retry = () => {
    if (stopped) return;
    onStatus('reconnecting');
    failures += 1;
    retryTimer = setTimeout(subscribe, Math.min(MAX_BACKOFF_MS, 500 * 2 ** (failures - 1)));
  };

  function subscribe() {
    unsubscribe = client.subscribe<{ breakingNews: BreakingNewsEvent }>({ query: BREAKING_NEWS, variables: { after: cursor } }, {
      next(result) {
        if (result.errors?.length) return;
        const event = result.data?.breakingNews;
        if (!event) return;
        failures = 0;
        cursor = event.cursor;
        onEvent(event);
      },
      error(error) {
        // An operation error (a schema without breakingNews) will not heal by retrying; a dropped socket will.
        if (Array.isArray(error)) onStatus('unavailable');
        else retry();
      },
      complete() {
        retry();
      },
    });
  }

  client.on('connected', () => {
    failures = 0;
    onStatus('live');
  });
  subscribe();
  return () => {
    stopped = true;
    clearTimeout(retryTimer);
    unsubscribe();
    void client.dispose();
  };
}
