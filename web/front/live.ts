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
 * Follows `breakingNews` over graphql-ws; after any drop it subscribes again with the last cursor it saw, so no
 * item pushed while it was away is lost. When the server no longer has that cursor (away longer than it keeps
 * events), it starts over live and calls `onGap`, for the caller to reload what is on air.
 */
export function followBreakingNews(
  url: string,
  onEvent: (event: BreakingNewsEvent) => void,
  onStatus: (status: 'live' | 'reconnecting' | 'unavailable') => void,
  onGap: () => void,
): void {
  const client = createClient({ url, lazy: true, retryAttempts: 0 });
  let cursor: string | null = null;
  let failures = 0;
  let refused = false;

  const retry = () => {
    if (refused) return;
    failures += 1;
    setTimeout(subscribe, Math.min(MAX_BACKOFF_MS, 500 * 2 ** (failures - 1)));
  };

  function subscribe() {
    client.subscribe<{ breakingNews: BreakingNewsEvent }>({ query: BREAKING_NEWS, variables: { after: cursor } }, {
      next(result) {
        if (result.errors?.length) {
          // A refused cursor comes as errors, then complete: start over without it; anything else will not heal.
          if (cursor !== null && result.errors.some((error) => error.extensions?.field === 'after')) {
            cursor = null;
            onGap();
          } else {
            refused = true;
            onStatus('unavailable');
          }
          return;
        }
        const event = result.data?.breakingNews;
        if (!event) return;
        failures = 0;
        cursor = event.cursor;
        onEvent(event);
      },
      error(error) {
        // An operation error (a schema without breakingNews) will not heal by retrying; a dropped socket will.
        if (Array.isArray(error)) {
          refused = true;
          onStatus('unavailable');
        } else {
          retry();
        }
      },
      complete: retry,
    });
  }

  client.on('connected', () => {
    failures = 0;
    onStatus('live');
  });
  client.on('closed', () => {
    if (!refused) onStatus('reconnecting');
  });
  subscribe();
}
