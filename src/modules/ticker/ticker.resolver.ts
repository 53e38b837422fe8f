import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { TickerType } from './ticker.type';
import { ArticleType } from '../article/article.type';
import { RegionType } from '../region/region.type';
import type { Context } from '../../context';
import { MAX_PAGE_SIZE } from '../../shared/relay';
import { badInput } from '../../shared/errors';

@Resolver(() => TickerType)
export class TickerResolver {
  @Query(() => [TickerType], { description: 'Breaking news on air: live and unexpired, most urgent first, then newest.' })
  tickers(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { defaultValue: 20, description: `How many items (at most ${MAX_PAGE_SIZE}).` }) first: number,
  ): Promise<TickerType[]> {
    if (!(first >= 0 && first <= MAX_PAGE_SIZE)) throw badInput(`first must be between 0 and ${MAX_PAGE_SIZE}.`, 'first');
    return ctx.services.tickers.live(first);
  }

  @FieldResolver(() => ArticleType, { nullable: true, description: 'The article this item links to, when it is published.' })
  article(@Root() ticker: TickerType, @Ctx() ctx: Context): Promise<ArticleType | null> | null {
    return ticker.articleId === null ? null : ctx.loaders.article.load(ticker.articleId);
  }

  @FieldResolver(() => RegionType, { nullable: true, description: 'The region the item concerns.' })
  region(@Root() ticker: TickerType, @Ctx() ctx: Context): Promise<RegionType | null> | null {
    return ticker.regionCode === null ? null : ctx.loaders.region.load(ticker.regionCode);
  }
}
