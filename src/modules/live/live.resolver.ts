import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ArticleBlockType, ShownBlock } from '../article/article.blocks';
import { ArticleCorrectionType } from '../article/article-history.type';
import { blocksShownTo } from '../article/article.resolver';
import { ArticleType } from '../article/article.type';
import { TickerType } from '../ticker/ticker.type';
import { LiveCoverageType, LiveEntriesArgs, LiveEntryConnection, LiveEntryType } from './live.type';

@Resolver(() => ArticleType)
export class ArticleLiveResolver {
  @FieldResolver(() => LiveCoverageType, { nullable: true, description: 'Its live blog, when it has (or had) one.' })
  liveCoverage(@Root() article: ArticleType, @Ctx() ctx: Context): Promise<LiveCoverageType | null> {
    return ctx.loaders.liveCoverage.load(article.dbId);
  }
}

@Resolver(() => TickerType)
export class TickerLiveResolver {
  @FieldResolver(() => LiveCoverageType, { nullable: true, description: 'The live blog the item points at: its article\'s coverage, when it has one.' })
  liveCoverage(@Root() ticker: TickerType, @Ctx() ctx: Context): Promise<LiveCoverageType | null> | null {
    return ticker.articleId === null ? null : ctx.loaders.liveCoverage.load(ticker.articleId);
  }
}

@Resolver(() => LiveCoverageType)
export class LiveCoverageResolver {
  @FieldResolver(() => LiveEntryConnection, { description: 'The entries: the pinned one first, then newest first. Cursors stay valid while entries are posted.' })
  async entries(@Root() coverage: LiveCoverageType, @Args() args: LiveEntriesArgs, @Ctx() ctx: Context): Promise<LiveEntryConnection> {
    return Object.assign(new LiveEntryConnection(), await ctx.loaders.liveEntryPage(args).load(coverage.articleId));
  }
}

@Resolver(() => LiveEntryType)
export class LiveEntryResolver {
  @FieldResolver(() => [ArticleBlockType], { description: 'The entry as blocks, like an article body: text, images, embeds.' })
  body(@Root() entry: LiveEntryType, @Ctx() ctx: Context): Promise<ShownBlock[]> {
    return blocksShownTo(ctx, entry.blocks, entry.lang);
  }

  @FieldResolver(() => [ArticleCorrectionType], { description: 'Public corrections of the entry, newest first.' })
  corrections(@Root() entry: LiveEntryType, @Ctx() ctx: Context): Promise<ArticleCorrectionType[]> {
    return ctx.loaders.liveEntryCorrections.load(entry.dbId);
  }
}
