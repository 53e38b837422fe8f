import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../shared/node';
import { toGlobalId } from '../../shared/global-id';
import type { TickerRow, TickerStatus as TickerStatusValue } from './ticker.row';

export enum TickerStatus {
  LIVE = 'LIVE',
  KILLED = 'KILLED',
}
registerEnumType(TickerStatus, {
  name: 'TickerStatus',
  description: 'Whether a breaking-news item is on air.',
  valuesConfig: {
    LIVE: { description: 'Shown until it expires.' },
    KILLED: { description: 'Withdrawn by an editor; kept for the record.' },
  },
});

@ObjectType('Ticker', { implements: Node, simpleResolvers: true, description: 'A breaking-news item (عاجل).' })
export class TickerType extends Node {
  @Field({ description: 'The headline, 5–140 characters.' })
  headline: string;

  @Field(() => Int, { description: 'Urgency: 1 = flash, 2 = urgent, 3 = news alert.' })
  urgency: number;

  @Field(() => String, { nullable: true, description: 'External link, when the item points outside Khabar.' })
  url: string | null;

  @Field(() => TickerStatus, { description: 'LIVE or KILLED.' })
  status: TickerStatusValue;

  @Field(() => Date, { description: 'When the item went on air.' })
  publishedAt: Date;

  @Field(() => Date, { description: 'When the item leaves the ticker (at most 48 hours after publishing).' })
  expiresAt: Date;

  dbId: number;
  articleId: number | null;
  regionCode: string | null;

  static from(row: TickerRow): TickerType {
    return Object.assign(new TickerType(), {
      id: toGlobalId('Ticker', row.id),
      dbId: row.id,
      headline: row.headline,
      urgency: row.urgency,
      url: row.url,
      status: row.status,
      publishedAt: row.publishedAt,
      expiresAt: row.expiresAt,
      articleId: row.articleId,
      regionCode: row.regionCode,
    });
  }
}
