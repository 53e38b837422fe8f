import { Authorized, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../shared/node';
import { toGlobalId } from '../../shared/global-id';
import type { ArticleRow, ArticleStatus as ArticleStatusValue, BodyBlock } from './article.row';
import { RegionType } from '../region/region.type';
import { PersonType } from '../person/person.type';
import { CategoryType } from '../category/category.type';
import { directionOf, type Lang } from '../../shared/languages';

export enum ArticleStatus {
  DRAFT = 'DRAFT',
  SCHEDULED = 'SCHEDULED',
  PUBLISHED = 'PUBLISHED',
  RETRACTED = 'RETRACTED',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(ArticleStatus, {
  name: 'ArticleStatus',
  description: 'Where an article is in the editorial workflow; readers only ever see PUBLISHED and RETRACTED.',
  valuesConfig: {
    DRAFT: { description: 'Being written; visible to editors only.' },
    SCHEDULED: { description: 'Will be published automatically at `publishedAt`; visible to editors only until then.' },
    PUBLISHED: { description: 'Public.' },
    RETRACTED: { description: 'Withdrawn by the newsroom with a public retraction note: still at its URL, out of every list, body withheld from readers.' },
    ARCHIVED: { description: 'Withdrawn from the public site; kept for the record.' },
  },
});

export enum TextDirection {
  RTL = 'RTL',
  LTR = 'LTR',
}
registerEnumType(TextDirection, {
  name: 'TextDirection',
  description: 'Writing direction of a text, derived from its language.',
  valuesConfig: { RTL: { description: 'Right to left (Arabic).' }, LTR: { description: 'Left to right (French, English, Tamazight in Tifinagh).' } },
});

export enum BlockType {
  PARAGRAPH = 'PARAGRAPH',
  HEADING = 'HEADING',
  QUOTE = 'QUOTE',
  IMAGE = 'IMAGE',
  EMBED = 'EMBED',
}
registerEnumType(BlockType, {
  name: 'BlockType',
  description: 'Kind of a body block.',
  valuesConfig: {
    PARAGRAPH: { description: 'A paragraph of running text.' },
    HEADING: { description: 'An intertitle inside the body.' },
    QUOTE: { description: 'A quotation set apart from the text.' },
    IMAGE: { description: 'A picture (ImageBlock).' },
    EMBED: { description: 'A video or post of YouTube, Vimeo, Dailymotion, X, Facebook, Instagram or TikTok (EmbedBlock).' },
  },
});

export enum DisplayLocale {
  AR = 'ar',
  FR = 'fr',
}
registerEnumType(DisplayLocale, {
  name: 'DisplayLocale',
  description: 'Language of a formatted display string.',
  valuesConfig: { AR: { description: 'Arabic (Morocco), Latin digits.' }, FR: { description: 'French (Morocco).' } },
});

// Plain properties resolve without type-graphql's per-field wrapper; the @Authorized ones opt out to keep their guard.
@ObjectType('Article', { implements: Node, simpleResolvers: true, description: 'A news article.' })
export class ArticleType extends Node {
  @Field({ description: 'URL slug; keeps Arabic letters, e.g. "دعت-إلى-اعتماد-مخطط-عمل-اجتماعي-مشترك".' })
  slug: string;

  @Field({ description: 'Headline.' })
  title: string;

  @Field(() => String, { nullable: true, description: 'Short line above the headline.' })
  kicker: string | null;

  @Field(() => String, { nullable: true, description: 'Standfirst: one or two sentences summing the article up.' })
  summary: string | null;

  /** Absent when read from a list: `Article.body` loads it then. */
  body?: BodyBlock[];

  @Field(() => String, { description: 'Language as a BCP 47 tag of the allow-list: "ar", "fr", "en" or "zgh" (Standard Moroccan Tamazight, in Tifinagh).' })
  lang: Lang;

  @Field(() => TextDirection, { description: 'Writing direction, derived from `lang`.' })
  dir: TextDirection;

  @Field(() => ArticleStatus, { description: 'Workflow status (readers only see PUBLISHED and RETRACTED).' })
  status: ArticleStatusValue;

  @Field(() => Date, { nullable: true, description: 'When the article was (or will be) published.' })
  publishedAt: Date | null;

  @Field(() => Date, { description: 'When the article was last changed.' })
  updatedAt: Date;

  @Field({ description: 'True when the article carries a video: derived from its body (an EMBED block of a video); the "(فيديو)" label of headlines.' })
  hasVideo: boolean;

  @Field(() => [String], { description: 'Free-form tags.' })
  tags: string[];

  @Authorized()
  @Field(() => Int, { nullable: true, simple: false, description: 'Editors only: the current version, to pass as `expectedVersion` when saving.' })
  version: number;

  @Authorized()
  @Field(() => String, { nullable: true, simple: false, description: 'Editors only: internal note, never shown to readers.' })
  editorNote: string | null;

  @Authorized()
  @Field(() => Int, { nullable: true, simple: false, description: 'Editors only: for a translation, the version of its source (`translationSource`) it was made from, or last brought up to; null for an article that is no translation.' })
  sourceVersion: number | null;

  dbId: number;
  /** A translation: the article it was made from (`Article.translationSource`). */
  sourceId: number | null;
  categoryId: number | null;
  /** Its lead image (Article.leadImage, resolved by the media module). */
  leadImageId: number | null;
  /** Relations read with the article (its ArticleShape); absent, `Article.regions`, `people` and `category` load them. */
  regions?: RegionType[];
  people?: PersonType[];
  category?: CategoryType | null;
  /** Microseconds since the epoch: the exact keyset position, which a JS Date would round. */
  publishedUs: number | null;
  /** Microseconds since the epoch of the last change: the editors' desk keyset position. */
  updatedUs: number | null;

  static from(row: ArticleRow): ArticleType {
    // Stores into the slots the constructor made: a page builds a hundred of these, and a literal copied in cost twice.
    const article = new ArticleType();
    article.id = toGlobalId('Article', row.id);
    article.dbId = row.id;
    article.slug = row.slug;
    article.title = row.title;
    article.kicker = row.kicker;
    article.summary = row.summary;
    article.body = row.body;
    article.lang = row.lang;
    // Lists read `lang` only when they show it or `dir`.
    article.dir = (row.lang && directionOf(row.lang)) as TextDirection;
    article.status = row.status;
    article.publishedAt = row.publishedAt;
    article.updatedAt = row.updatedAt;
    article.hasVideo = row.hasVideo;
    article.tags = row.tags;
    article.categoryId = row.categoryId;
    article.leadImageId = row.leadImageId ?? null;
    article.publishedUs = row.publishedUs === null ? null : Number(row.publishedUs);
    article.updatedUs = row.updatedUs == null ? null : Number(row.updatedUs);
    article.version = row.version;
    article.editorNote = row.editorNote;
    article.sourceVersion = row.sourceVersion ?? null;
    article.sourceId = row.sourceId ?? null;
    article.regions = row.regions?.map(RegionType.from);
    article.people = row.people?.map(PersonType.from);
    article.category = row.category === undefined ? undefined : row.category && CategoryType.from(row.category);
    return article;
  }

  /** What readers get of a retracted article: it stays at its URL with its notice, but its text is withheld. */
  withheldIfRetracted(): ArticleType {
    return this.status === 'RETRACTED' ? Object.assign(this, { summary: null, body: [] }) : this;
  }
}
