import { Field, InputType } from 'type-graphql';
import { IsIn, Matches, MaxLength } from 'class-validator';

export const REGION_CODE_PATTERN = /^MA-[0-9A-Z]{2,3}$/;

@InputType('ArticleFilter', { description: 'Narrows an article list; all given conditions must hold.' })
export class ArticleFilter {
  @Field(() => String, { nullable: true, description: 'Region code (ISO 3166-2:MA); includes its sub-regions, e.g. MA-04 also matches MA-KEN.' })
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must be an ISO 3166-2:MA code such as "MA-04" or "MA-KEN"' })
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

  @Field(() => String, { nullable: true, description: 'Only articles in this language ("ar" or "fr").' })
  @IsIn(['ar', 'fr'], { message: 'lang must be "ar" or "fr"' })
  lang?: 'ar' | 'fr';

  @Field(() => Date, { nullable: true, description: 'Only articles published at or after this instant.' })
  publishedAfter?: Date;

  @Field(() => Date, { nullable: true, description: 'Only articles published before this instant.' })
  publishedBefore?: Date;
}
