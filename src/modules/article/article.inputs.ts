import { Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, MaxLength, ValidateNested } from 'class-validator';
import { BlockType } from './article.type';
import { IsPlainText } from '../../shared/plain-text';
import { IsRegionCode } from '../region/region-code';
import { IsLang, type Lang } from '../../shared/languages';

@InputType('ArticleFilter', { description: 'Narrows an article list; all given conditions must hold.' })
export class ArticleFilter {
  @Field(() => String, { nullable: true, description: 'Region code (ISO 3166-2:MA); includes its sub-regions, e.g. MA-04 also matches MA-KEN.' })
  @IsRegionCode()
  regionCode?: string;

  @Field(() => String, { nullable: true, description: 'Only articles mentioning this person (slug).' })
  @MaxLength(200)
  personSlug?: string;

  @Field(() => String, { nullable: true, description: 'Only articles in this section (slug).' })
  @MaxLength(200)
  categorySlug?: string;

  @Field(() => String, { nullable: true, description: 'Only articles carrying this tag.' })
  @MaxLength(100)
  tag?: string;

  @Field(() => String, { nullable: true, description: 'Only articles in this language (a BCP 47 tag of the allow-list: "ar", "fr", "en" or "zgh").' })
  @IsLang()
  lang?: Lang;

  @Field(() => Date, { nullable: true, description: 'Only articles published at or after this instant.' })
  publishedAfter?: Date;

  @Field(() => Date, { nullable: true, description: 'Only articles published before this instant.' })
  publishedBefore?: Date;

  @Field(() => Boolean, { nullable: true, description: 'true: only live blogs whose coverage is running (`liveCoverage.isLive`); false: every other article.' })
  live?: boolean;
}

export const TITLE_RULES = { min: 1, max: 300 };
export const NOTE_RULES = { min: 1, max: 2000, multiline: true };

@InputType('ArticleBlockInput', { description: 'One body block. Text blocks need `text`; IMAGE needs `imageId` (and may have a `caption`); EMBED needs `url` (and may have a `posterImageId`).' })
export class ArticleBlockInput {
  @Field(() => BlockType, { description: 'Kind of block.' })
  type: BlockType;

  @Field(() => String, { nullable: true, description: 'PARAGRAPH, HEADING, QUOTE: the text (plain text, up to 20000 characters).' })
  text?: string | null;

  @Field(() => ID, { nullable: true, description: 'IMAGE: the image shown.' })
  imageId?: string | null;

  @Field(() => String, { nullable: true, description: "IMAGE: a caption for this article (plain text, up to 1000 characters); the image's own otherwise." })
  caption?: string | null;

  @Field(() => String, { nullable: true, description: 'EMBED: the address of the video or post, as copied from YouTube, Vimeo, Dailymotion, X, Facebook, Instagram or TikTok.' })
  url?: string | null;

  @Field(() => ID, { nullable: true, description: 'EMBED: an image shown in place of the player until the reader asks for it.' })
  posterImageId?: string | null;
}

/** Fields an editor can set; omitted fields stay as they are, `null` clears an optional one. */
@InputType()
export abstract class ArticleContentInput {
  abstract title?: string | null;

  @Field(() => String, { nullable: true, description: 'Short line above the headline (plain text, up to 200 characters).' })
  @IsPlainText({ min: 0, max: 200 })
  kicker?: string | null;

  @Field(() => String, { nullable: true, description: 'Standfirst (plain text, up to 1000 characters).' })
  @IsPlainText({ min: 0, max: 1000, multiline: true })
  summary?: string | null;

  @Field(() => [ArticleBlockInput], { nullable: true, description: 'The whole body, in reading order (replaces the current one).' })
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  body?: ArticleBlockInput[] | null;

  @Field(() => String, { nullable: true, description: 'Language, a BCP 47 tag of the allow-list: "ar" (default when creating), "fr", "en" or "zgh" (Tamazight in Tifinagh). A member of a translation group cannot take the language of another member.' })
  @IsLang()
  lang?: Lang;

  @Field(() => Boolean, { nullable: true, deprecationReason: 'Derived from the body: an EMBED block of a video sets it. A value given here is ignored.', description: 'Ignored: derived from the body.' })
  hasVideo?: boolean;

  @Field(() => [String], { nullable: true, description: 'Free-form tags (up to 20, each up to 50 characters); replaces the current ones.' })
  @ArrayMaxSize(20)
  @IsPlainText({ min: 1, max: 50 }, { each: true })
  tags?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'The lead image (an Image id); null for none.' })
  leadImageId?: string | null;

  @Field(() => String, { nullable: true, description: 'Section slug, e.g. "politique"; null for none.' })
  @MaxLength(200)
  categorySlug?: string | null;

  @Field(() => [String], { nullable: true, description: 'Slugs of the people the article mentions, in editorial order; replaces the current ones.' })
  @ArrayMaxSize(50)
  @MaxLength(200, { each: true })
  personSlugs?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'ISO 3166-2:MA codes of the regions the article concerns, in editorial order; replaces the current ones.' })
  @ArrayMaxSize(50)
  @IsRegionCode({ each: true })
  regionCodes?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Internal note for editors (plain text, up to 5000 characters); never shown to readers.' })
  @IsPlainText({ min: 0, max: 5000, multiline: true })
  editorNote?: string | null;
}

@InputType('CreateArticleInput', { description: 'A new article; it starts as a DRAFT.' })
export class CreateArticleInput extends ArticleContentInput {
  @Field({ description: 'Headline: plain text, 1–300 characters.' })
  @IsPlainText(TITLE_RULES)
  title: string;

  @Field(() => String, { nullable: true, description: 'Preferred URL slug; derived from the title when omitted, and suffixed ("-2", "-3"…) when taken.' })
  @IsPlainText({ min: 1, max: 200 })
  slug?: string;
}

@InputType('UpdateArticleInput', { description: 'Changes to an article: omitted fields stay as they are, `null` clears an optional one.' })
export class UpdateArticleInput extends ArticleContentInput {
  @Field(() => String, { nullable: true, description: 'Headline: plain text, 1–300 characters.' })
  @IsPlainText(TITLE_RULES)
  title?: string;
}

@InputType('CreateTranslationInput', {
  description: 'The translated text of a new translation, all optional: without a title it starts with its source\'s as a placeholder. '
    + 'Section, places, people and lead image are copied from the source unless given here; `lang` is the mutation\'s.',
})
export class CreateTranslationInput extends ArticleContentInput {
  @Field(() => String, { nullable: true, description: 'Headline in the new language: plain text, 1–300 characters.' })
  @IsPlainText(TITLE_RULES)
  title?: string;

  @Field(() => String, { nullable: true, description: 'Preferred URL slug (Arabic and Tifinagh letters are kept); from the title when omitted, else the source\'s slug with the language appended.' })
  @IsPlainText({ min: 1, max: 200 })
  slug?: string;
}
