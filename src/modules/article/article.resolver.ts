import { Arg, Args, Ctx, Extensions, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { ArticleType, DisplayLocale } from './article.type';
import { ArticleBlockType, imageIdsOf, ShownBlock, shownBlocks } from './article.blocks';
import { ArticleConnection } from './article.connection';
import { pageShape, shapeAt } from './article.shape';
import { ArticleFilter } from './article.inputs';
import { ArticleCorrectionType } from './article-history.type';
import type { BodyBlock } from './article.row';
import { CategoryType } from '../category/category.type';
import { DisplayCalendar } from '../calendar/calendar.type';
import { dateLineTags } from '../calendar/calendar.events';
import { PersonType } from '../person/person.type';
import { RegionType } from '../region/region.type';
import type { Context } from '../../context';
import { DEPENDS_ON_TAGS, DependsOnTags } from '../../shared/cache-tags';
import { badInput } from '../../shared/errors';
import { numericIdOf } from '../../shared/global-id';
import { moroccanDisplayDate } from '../../shared/display-date';
import { PageArgs } from '../../shared/relay';
import type { Lang } from '../../shared/languages';

@Resolver(() => ArticleType)
export class ArticleResolver {
  @Query(() => ArticleType, { nullable: true, description: 'One article by slug (raw or percent-encoded) or by id; null when there is none you may see.' })
  async article(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('slug', () => String, { nullable: true, description: 'The article slug.' }) slug?: string,
    @Arg('id', () => ID, { nullable: true, description: 'The article global id.' }) id?: string,
  ): Promise<ArticleType | null> {
    if ((slug == null) === (id == null)) throw badInput('Pass exactly one of `slug` or `id`.', slug == null ? 'slug' : 'id');
    if (id != null) return ctx.loaders.article.load(numericIdOf('Article', id));
    return ctx.services.articles.bySlug(slug!, ctx.loaders.visibility, shapeAt(info));
  }

  @Query(() => ArticleConnection, { description: 'Published articles, newest first, with keyset cursors.' })
  async articles(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Args() page: PageArgs,
    @Arg('filter', () => ArticleFilter, { nullable: true, description: 'Conditions the articles must meet.' }) filter?: ArticleFilter,
  ): Promise<ArticleConnection> {
    return ArticleConnection.of(await ctx.services.articles.page(filter, page, pageShape(info)), filter);
  }

  @FieldResolver(() => [ArticleBlockType], { description: 'Body as ordered blocks: text, images, embeds. Readers get no IMAGE block whose image they may not see (its rights expired).' })
  async body(@Root() article: ArticleType, @Ctx() ctx: Context): Promise<ShownBlock[]> {
    return blocksShownTo(ctx, article.body ?? await ctx.loaders.articleBody.load(article.dbId), article.lang);
  }

  @FieldResolver(() => CategoryType, { nullable: true, description: 'The section the article belongs to.' })
  category(@Root() article: ArticleType, @Ctx() ctx: Context): CategoryType | Promise<CategoryType | null> | null {
    if (article.category !== undefined) return article.category;
    return article.categoryId === null ? null : ctx.loaders.category.load(article.categoryId);
  }

  @FieldResolver(() => [PersonType], { description: 'People the article mentions, in editorial order.' })
  people(@Root() article: ArticleType, @Ctx() ctx: Context): PersonType[] | Promise<PersonType[]> {
    return article.people ?? ctx.loaders.articlePeople.load(article.dbId);
  }

  @FieldResolver(() => [RegionType], { description: 'Regions the article concerns, in editorial order.' })
  regions(@Root() article: ArticleType, @Ctx() ctx: Context): RegionType[] | Promise<RegionType[]> {
    return article.regions ?? ctx.loaders.articleRegions.load(article.dbId);
  }

  @FieldResolver(() => [ArticleType], {
    description: 'The same story in the other languages of its translation group, in the order ar, fr, en, zgh: for readers the '
      + 'published ones only (a draft or scheduled translation never shows), for editors every one. Empty for an article alone. '
      + 'Pages carry them as `hreflang` alternates.',
  })
  translations(@Root() article: ArticleType, @Ctx() ctx: Context): Promise<ArticleType[]> {
    return ctx.loaders.articleTranslations.load(article.dbId);
  }

  @FieldResolver(() => ArticleType, { nullable: true, description: 'For a translation, the article it was made from (null when you may not see it, or for an article that is no translation).' })
  translationSource(@Root() article: ArticleType, @Ctx() ctx: Context): Promise<ArticleType | null> | null {
    return article.sourceId === null ? null : ctx.loaders.article.load(article.sourceId);
  }

  @FieldResolver(() => [ArticleCorrectionType], { description: 'Public corrections and the retraction notice, newest first.' })
  corrections(@Root() article: ArticleType, @Ctx() ctx: Context): Promise<ArticleCorrectionType[]> {
    return ctx.loaders.articleCorrections.load(article.dbId);
  }

  @Extensions({ [DEPENDS_ON_TAGS]: ((args) => dateLineTags(args.calendar as DisplayCalendar)) satisfies DependsOnTags })
  @FieldResolver(() => String, {
    nullable: true,
    description: 'Publication date as Moroccan newsrooms print it, in Casablanca time, e.g. "الجمعة 04 فبراير 2022 على الساعة 18:00"; '
      + 'with `calendar: BOTH` followed by the Hijri date, "(3 رجب 1443 هـ)", its months starting as Morocco announced them (`setHijriMonthStart`).',
  })
  displayDate(
    @Root() article: ArticleType,
    @Ctx() ctx: Context,
    @Arg('locale', () => DisplayLocale, { defaultValue: DisplayLocale.AR, description: 'Language of the date line; FR prints the Hijri months in French transliteration.' }) locale: DisplayLocale,
    @Arg('calendar', () => DisplayCalendar, { defaultValue: DisplayCalendar.GREGORIAN, description: 'Gregorian, Hijri, or both.' }) calendar: DisplayCalendar,
  ): string | null | Promise<string> {
    const at = article.publishedAt;
    if (!at) return null;
    if (calendar === DisplayCalendar.GREGORIAN) return moroccanDisplayDate(at, locale);
    return ctx.loaders.hijriMonthStarts.load('all').then((announced) => moroccanDisplayDate(at, locale, calendar, announced));
  }
}

/** A body as the viewer may see it: without the IMAGE blocks whose image they may not see (its rights expired). */
export async function blocksShownTo(ctx: Context, body: BodyBlock[], lang: Lang): Promise<ShownBlock[]> {
  const ids = imageIdsOf(body.filter((block) => block.type === 'IMAGE'));
  if (ids.length === 0) return shownBlocks(body, lang);
  const images = await ctx.loaders.image.loadMany(ids);
  const shown = new Set(ids.filter((_id, i) => images[i] !== null && !(images[i] instanceof Error)));
  return shownBlocks(body.filter((block) => block.type !== 'IMAGE' || shown.has(block.imageId)), lang);
}

@Resolver(() => ArticleConnection)
export class ArticleConnectionResolver {
  @FieldResolver()
  totalCount(@Root() connection: ArticleConnection, @Ctx() ctx: Context): Promise<number> {
    return ctx.services.articles.count(connection.filter);
  }
}
