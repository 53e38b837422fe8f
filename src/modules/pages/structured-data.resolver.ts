import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import type { Context } from '../../context';
import { ArticleType } from '../article/article.type';
import type { BodyBlock } from '../article/article.row';
import { LiveEntriesArgs } from '../live/live.type';
import { renditionFor, type ImageRatio } from '../media/image-renditions';
import { siteUrl } from '../../shared/site-paths';
import { MIN_STRUCTURED_IMAGE_PIXELS, structuredData, type StructuredArticle } from './structured-data';

/** The ratios Google asks news articles' images in. */
const STRUCTURED_RATIOS: readonly ImageRatio[] = ['R16_9', 'R4_3', 'R1_1'];
/** Wide enough for Google Discover's large cards (1200 px and more), on the width ladder. */
const STRUCTURED_IMAGE_WIDTH = 1280;
/** The live updates a LiveBlogPosting carries: the newest, as the page shows them first. */
const LIVE_UPDATES = 50;

/** A rendition's URL for other sites (crawlers, share cards): on PUBLIC_URL when pictures are served from Khabar itself. */
export function absoluteUrl(publicUrl: string, url: string): string {
  return url.startsWith('/') ? siteUrl(publicUrl, url) : url;
}

const textOf = (blocks: BodyBlock[]) => blocks.flatMap((block) => ('text' in block ? [block.text] : [])).join('\n\n');

/** `Article.structuredData`: the JSON-LD the article page embeds, for headless clients that render their own pages. */
@Resolver(() => ArticleType)
export class StructuredDataResolver {
  @FieldResolver(() => GraphQLJSONObject, {
    description: 'schema.org JSON-LD of the article as its page at PUBLIC_URL embeds it: `NewsArticle` (or `LiveBlogPosting` with '
      + '`coverageStartTime`, `coverageEndTime` and `liveBlogUpdate` when it has live coverage), with the lead image in 16:9, 4:3 and 1:1, '
      + 'dates in ISO 8601 with Casablanca\'s offset, the people mentioned, the publisher and the corrections.',
  })
  async structuredData(@Root() article: ArticleType, @Ctx() ctx: Context): Promise<Record<string, unknown>> {
    return structuredData(await structuredArticleOf(ctx, article), ctx.publicUrl);
  }
}

/** Everything structured data says of an article, through the request's loaders (shared with the rest of the page). */
export async function structuredArticleOf(ctx: Context, article: ArticleType): Promise<StructuredArticle> {
  const { loaders } = ctx;
  // The columns read here are the projection's needs of `structuredData` (article.service.ts); the body is a loader's.
  const [people, category, body, image, corrections, coverage] = await Promise.all([
    // Whole rows through the loaders: the people and section an operation read with the article hold only the fields it shows.
    loaders.articlePeople.load(article.dbId),
    article.categoryId === null ? null : loaders.category.load(article.categoryId),
    article.body ?? loaders.articleBody.load(article.dbId),
    article.leadImageId === null ? null : loaders.image.load(article.leadImageId),
    loaders.articleCorrections.load(article.dbId),
    loaders.liveCoverage.load(article.dbId),
  ]);
  const entries = coverage ? (await loaders.liveEntryPage(Object.assign(new LiveEntriesArgs(), { first: LIVE_UPDATES })).load(article.dbId)).edges : [];
  const images = !image ? [] : STRUCTURED_RATIOS
    .map((ratio) => ({ ratio, rendition: renditionFor(image.rendition, { ratio, width: STRUCTURED_IMAGE_WIDTH, format: 'JPEG' }) }))
    .filter(({ rendition }) => rendition.width * rendition.height >= MIN_STRUCTURED_IMAGE_PIXELS)
    .map(({ ratio }) => absoluteUrl(ctx.publicUrl, ctx.media.url(image.dbId, image.rendition, { ratio, width: STRUCTURED_IMAGE_WIDTH, format: 'JPEG' })));
  return {
    slug: article.slug, title: article.title, summary: article.summary, lang: article.lang,
    publishedAt: article.publishedAt, updatedAt: article.updatedAt, tags: article.tags,
    section: category?.nameAr ?? null,
    text: textOf(body),
    people: people.map((p) => ({ slug: p.slug, nameAr: p.nameAr, nameLatin: p.nameLatin })),
    images,
    corrections: corrections.map((c) => ({ kind: c.kind, note: c.note, createdAt: c.at })),
    live: coverage && {
      startedAt: coverage.startedAt, endedAt: coverage.endedAt,
      entries: entries.map(({ node }) => ({ title: node.title, text: textOf(node.blocks), postedAt: node.postedAt, updatedAt: node.updatedAt })),
    },
  };
}
