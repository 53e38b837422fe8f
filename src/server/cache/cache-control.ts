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

/** Every GraphQL answer over HTTP varies by the media type asked for and by who asks. */
export const GRAPHQL_VARY = 'accept, authorization';

/** An answer's Cache-Control: public with its max-age when it may be shared (`shared`: the tags of what it holds). */
export function cacheControlOf(shared: Set<string> | null, config: Pick<EdgeConfig, 'maxAgeTicker' | 'maxAgeArticle' | 'maxAgeDefault'>): string {
  return shared ? `public, max-age=${maxAgeFor(shared, config)}` : 'private, no-store';
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
          headers.set('vary', GRAPHQL_VARY);
          const isPublic = !errors?.length && operation?.operation === 'query' && response.body.kind === 'single';
          headers.set('cache-control', cacheControlOf(isPublic ? state.tags : null, config));
        },
      };
    },
  };
}
