import { Arg, Args, Ctx, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { SearchConnection, SearchHit } from './search.type';
import { searchQueryError, MAX_QUERY_LENGTH } from './search.sql';
import { ArticleFilter } from '../article/article.inputs';
import { pageShape } from '../article/article.shape';
import { isEditor } from '../../auth/viewer';
import type { Context } from '../../context';
import { badInput, forbidden } from '../../shared/errors';
import { ForwardPageArgs } from '../../shared/relay';

@Resolver(() => SearchHit)
export class SearchResolver {
  @Query(() => SearchConnection, {
    description: 'Articles matching every word of `query` in Arabic or French, whatever the spelling of hamzas, teh marbuta, '
      + 'alef maqsura, tashkeel, Persian letters, digits or French accents; headline matches first, then by relevance, then newest. '
      + 'Readers search published articles; editors can add drafts with `includeDrafts`.',
  })
  async search(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('query', () => String, {
      description: `The words to find (at most ${MAX_QUERY_LENGTH} characters); all must match. A word ending in \`*\` matches as a prefix.`,
    }) query: string,
    @Args() page: ForwardPageArgs,
    @Arg('filter', () => ArticleFilter, { nullable: true, description: 'Conditions the articles must also meet.' }) filter?: ArticleFilter,
    @Arg('prefix', () => Boolean, { defaultValue: false, description: 'Match the last word as a prefix, for type-ahead.' }) prefix = false,
    @Arg('includeDrafts', () => Boolean, {
      defaultValue: false,
      description: 'Editors only (FORBIDDEN for readers): search drafts and scheduled articles too.',
    }) includeDrafts = false,
  ): Promise<SearchConnection> {
    if (includeDrafts && !isEditor(ctx.viewer)) throw forbidden('Only editors can search drafts.');
    const problem = searchQueryError(query);
    if (problem) throw badInput(problem, 'query');
    const { hits, pageInfo } = await ctx.services.search.page({ query, prefix, filter, includeDrafts }, page, pageShape(info));
    return Object.assign(new SearchConnection(), { edges: hits.map((hit) => SearchHit.of(hit, query, prefix)), pageInfo });
  }

  @FieldResolver(() => String, {
    description: 'A short snippet of the title, summary or body with the matched words in <mark>…</mark>; '
      + 'everything else is HTML-escaped, so it can be inserted as HTML.',
  })
  highlight(@Root() hit: SearchHit, @Ctx() ctx: Context): Promise<string> {
    return ctx.loaders.searchHighlights(hit.query, hit.prefix).load({ id: hit.node.dbId, named: hit.named });
  }
}
