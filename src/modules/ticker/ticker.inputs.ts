import { Field, ID, InputType, Int } from 'type-graphql';
import { IsUrl, Max, MaxLength, Min } from 'class-validator';
import { IsPlainText } from '../../shared/plain-text';
import { IsRegionCode } from '../region/region-code';
import { MAX_TTL_HOURS } from './ticker.rules';

const HEADLINE = { min: 5, max: 140 };
const URGENCY_MESSAGE = 'urgency must be 1 (flash), 2 (urgent) or 3 (news alert)';
const URL_MESSAGE = 'url must be an absolute http(s) address';

@InputType('PushBreakingNewsInput', { description: 'A new breaking-news item; it goes on air at once.' })
export class PushBreakingNewsInput {
  @Field({ description: 'Headline: plain text, 5–140 characters.' })
  @IsPlainText(HEADLINE)
  headline: string;

  @Field(() => Int, { description: 'Urgency: 1 = flash, 2 = urgent, 3 = news alert.' })
  @Min(1, { message: URGENCY_MESSAGE })
  @Max(3, { message: URGENCY_MESSAGE })
  urgency: number;

  @Field(() => ID, { nullable: true, description: 'Global id of the article the item links to.' })
  articleId?: string;

  @Field(() => String, { nullable: true, description: 'External http(s) link, when the item points outside Khabar.' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: URL_MESSAGE })
  @MaxLength(2000)
  url?: string;

  @Field(() => String, { nullable: true, description: 'Region the item concerns (ISO 3166-2:MA code), e.g. "MA-04".' })
  @IsRegionCode()
  regionCode?: string;

  @Field(() => Date, {
    nullable: true,
    description: `When the item leaves the ticker: in the future and at most ${MAX_TTL_HOURS} hours away; by default 6, 12 or 24 hours for urgency 1, 2 or 3.`,
  })
  expiresAt?: Date;
}

@InputType('UpdateTickerInput', { description: 'Changes to a live item; omitted fields stay as they are, null clears an optional one.' })
export class UpdateTickerInput {
  @Field(() => ID, { description: 'Global id of the item.' })
  id: string;

  @Field(() => String, { nullable: true, description: 'New headline: plain text, 5–140 characters.' })
  @IsPlainText(HEADLINE)
  headline?: string;

  @Field(() => Int, { nullable: true, description: 'New urgency: 1 = flash, 2 = urgent, 3 = news alert.' })
  @Min(1, { message: URGENCY_MESSAGE })
  @Max(3, { message: URGENCY_MESSAGE })
  urgency?: number;

  @Field(() => ID, { nullable: true, description: 'Global id of the linked article; null removes the link.' })
  articleId?: string | null;

  @Field(() => String, { nullable: true, description: 'External http(s) link; null removes it.' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: URL_MESSAGE })
  @MaxLength(2000)
  url?: string | null;

  @Field(() => String, { nullable: true, description: 'Region code (ISO 3166-2:MA); null removes it.' })
  @IsRegionCode()
  regionCode?: string | null;

  @Field(() => Date, { nullable: true, description: `New expiry: in the future and at most ${MAX_TTL_HOURS} hours after the item was published.` })
  expiresAt?: Date;
}
