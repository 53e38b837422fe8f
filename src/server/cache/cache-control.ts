import type { ApolloServerPlugin } from '@apollo/server';
import type { EdgeConfig } from '../../config';
import type { Context } from '../../context';
import { LIST_TAG_PREFIX } from '../../modules/article/article-lists';

/** Cache-Control from what a response contains: breaking news a few seconds, articles minutes, the rest longer. */
export function maxAgeFor(tags: Set<string>, config: Pick<EdgeConfig, 'maxAgeTicker' | 'maxAgeArticle' | 'maxAgeDefault'>): number {
  let maxAge = config.maxAgeDefault;
  for (const tag of tags) {
    if (tag.startsWith('Ticker')) return config.maxAgeTicker;
    if (tag.startsWith('Article') || tag.startsWith(LIST_TAG_PREFIX)) maxAge = Math.min(maxAge, config.maxAgeArticle);
  }
  return maxAge;
}

/**
 * Marks each response public (with its max-age) or `private, no-store`: only error-free queries of anonymous
 * readers are public; anything an editor asks, any mutation and any error stays out of shared caches.
 */
export function cacheControlPlugin(config: EdgeConfig): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, operation }) {
          const state = contextValue.http;
          if (!state) return;
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const headers = response.http.headers;
          headers.set('vary', 'accept, authorization');
          const isPublic = state.tags !== null && !errors?.length && operation?.operation === 'query' && response.body.kind === 'single';
          headers.set('cache-control', isPublic ? `public, max-age=${maxAgeFor(state.tags!, config)}` : 'private, no-store');
        },
      };
    },
  };
}
