import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { ArticleStatus, ArticleType } from './article.type';
import { ArticleRevisionType } from './article-history.type';
import { CreateArticleInput, CreateTranslationInput, UpdateArticleInput } from './article.inputs';
import { pageShape } from './article.shape';
import type { ArticleStatus as ArticleStatusValue } from './article.row';
import type { Context } from '../../context';
import { numericIdOf } from '../../shared/global-id';
import { connectionTypes, ForwardPageArgs } from '../../shared/relay';

const { ConnectionBase } = connectionTypes(ArticleType, 'DeskArticle', 'article on the editors\' desk');

@ObjectType('DeskArticleConnection', { description: 'A page of the editors\' desk: articles in any status, most recently changed first.' })
export class DeskArticleConnection extends ConnectionBase {}

const articleId = (id: string) => numericIdOf('Article', id);

/** The editorial workflow over GraphQL: every write, the editors' desk and revision history, for signed-in editors only. */
@Resolver(() => ArticleType)
export class ArticleEditorialResolver {
  @Authorized()
  @Query(() => DeskArticleConnection, { description: 'Editors only: every article, drafts and scheduled ones included, most recently changed first.' })
  async editorialArticles(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Args() page: ForwardPageArgs,
    @Arg('status', () => ArticleStatus, { nullable: true, description: 'Only articles in this status.' }) status?: ArticleStatusValue,
  ): Promise<DeskArticleConnection> {
    return Object.assign(new DeskArticleConnection(), await ctx.services.articles.deskPage(status, page, pageShape(info)));
  }

  @Authorized()
  @FieldResolver(() => [ArticleRevisionType], { nullable: true, description: 'Editors only: every saved version, newest first.' })
  revisions(@Root() article: ArticleType, @Ctx() ctx: Context): Promise<ArticleRevisionType[]> {
    return ctx.loaders.articleRevisions.load(article.dbId);
  }

  @Authorized()
  @FieldResolver(() => Boolean, {
    nullable: true,
    description: 'Editors only: true when the source of this translation changed its text, people, places, section or lead image '
      + 'after `sourceVersion` (a change of status alone does not count); null for an article that is no translation.',
  })
  isStale(@Root() article: ArticleType, @Ctx() ctx: Context): Promise<boolean | null> | null {
    return article.sourceId === null ? null : ctx.loaders.articleStaleness.load(article.dbId);
  }

  @Authorized()
  @Mutation(() => ArticleType, { description: 'Creates a draft; its slug comes from the title (or `slug`) and is made unique.' })
  createArticle(
    @Ctx() ctx: Context,
    @Arg('input', () => CreateArticleInput, { description: 'The new article.' }) input: CreateArticleInput,
  ): Promise<ArticleType> {
    return ctx.services.articleWriter.create(ctx.viewer, input);
  }

  @Authorized()
  @Mutation(() => ArticleType, {
    description: 'A draft translation of the article into `lang`, in its translation group: section, places, people, lead image and the body\'s '
      + 'pictures and embeds are copied, the text comes from `input` (the source\'s title stands in until then). It records the source\'s '
      + 'version it was made from (`sourceVersion`, `isStale`) and is published, scheduled, corrected and retracted on its own. '
      + 'BAD_USER_INPUT on `lang` for a language outside the allow-list, the article\'s own, or one the group already has (`extensions.existing`).',
  })
  createTranslation(
    @Ctx() ctx: Context,
    @Arg('articleId', () => ID, { description: 'The article to translate (its global id).' }) articleId: string,
    @Arg('lang', () => String, { description: 'The language of the translation, a BCP 47 tag of the allow-list: "ar", "fr", "en" or "zgh".' }) lang: string,
    @Arg('input', () => CreateTranslationInput, { nullable: true, description: 'The translated text, if already written.' }) input?: CreateTranslationInput | null,
  ): Promise<ArticleType> {
    return ctx.services.articleWriter.createTranslation(ctx.viewer, numericIdOf('Article', articleId, 'articleId'), lang, input ?? {});
  }

  @Authorized()
  @Mutation(() => ArticleType, { description: 'Saves changes if the article is still at `expectedVersion`; otherwise CONFLICT with `currentVersion`.' })
  updateArticle(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'The article global id.' }) id: string,
    @Arg('expectedVersion', () => Int, { description: 'The version the editor started from (`Article.version`).' }) expectedVersion: number,
    @Arg('input', () => UpdateArticleInput, { description: 'The changes.' }) input: UpdateArticleInput,
  ): Promise<ArticleType> {
    return ctx.services.articleWriter.update(ctx.viewer, articleId(id), expectedVersion, input);
  }

  @Authorized()
  @Mutation(() => ArticleType, { description: 'Publishes now, or schedules publication when `at` is in the future (published within seconds of it, exactly once).' })
  publishArticle(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'The article global id.' }) id: string,
    @Arg('at', () => Date, { nullable: true, description: 'When to publish; omit to publish now. A time in the past is rejected.' }) at?: Date | null,
  ): Promise<ArticleType> {
    return ctx.services.articleWriter.publish(ctx.viewer, articleId(id), at);
  }

  @Authorized()
  @Mutation(() => ArticleType, { description: 'Takes a published or scheduled article back to draft.' })
  unpublishArticle(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'The article global id.' }) id: string): Promise<ArticleType> {
    return ctx.services.articleWriter.unpublish(ctx.viewer, articleId(id));
  }

  @Authorized()
  @Mutation(() => ArticleType, { description: 'Archives an article: it leaves the public site and is kept for the record.' })
  archiveArticle(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'The article global id.' }) id: string): Promise<ArticleType> {
    return ctx.services.articleWriter.archive(ctx.viewer, articleId(id));
  }

  @Authorized()
  @Mutation(() => ArticleType, { description: 'Publishes a corrected version of a published article with a public correction note.' })
  correctArticle(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'The article global id.' }) id: string,
    @Arg('expectedVersion', () => Int, { description: 'The version the editor started from (`Article.version`).' }) expectedVersion: number,
    @Arg('input', () => UpdateArticleInput, { description: 'The corrected content (may be empty when only the note is new).' }) input: UpdateArticleInput,
    @Arg('note', () => String, { description: 'The public correction note, e.g. "An earlier version misspelled the minister\'s name."' }) note: string,
  ): Promise<ArticleType> {
    return ctx.services.articleWriter.correct(ctx.viewer, articleId(id), expectedVersion, input, note);
  }

  @Authorized()
  @Mutation(() => ArticleType, { description: 'Retracts a published article: it stays at its URL with the public note, its text is withheld and it leaves every list.' })
  retractArticle(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'The article global id.' }) id: string,
    @Arg('note', () => String, { description: 'The public retraction note: why the newsroom withdrew the article.' }) note: string,
  ): Promise<ArticleType> {
    return ctx.services.articleWriter.retract(ctx.viewer, articleId(id), note);
  }

  @Authorized()
  @Mutation(() => ArticleType, { description: 'Restores the content of an earlier version as a new version (status and slug stay as they are).' })
  restoreRevision(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'The article global id.' }) id: string,
    @Arg('version', () => Int, { description: 'The version to bring back (`ArticleRevision.version`).' }) version: number,
    @Arg('expectedVersion', () => Int, { description: 'The version the editor started from (`Article.version`).' }) expectedVersion: number,
  ): Promise<ArticleType> {
    return ctx.services.articleWriter.restore(ctx.viewer, articleId(id), version, expectedVersion);
  }
}
