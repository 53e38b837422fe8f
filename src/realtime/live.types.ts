import { Ctx, Field, FieldResolver, ID, ObjectType, registerEnumType, Resolver, Root } from 'type-graphql';
import { TickerType } from '../modules/ticker/ticker.type';
import { ArticleType } from '../modules/article/article.type';
import type { TickerEventKind as TickerEventKindValue } from '../modules/ticker/ticker.writer';
import type { Context } from '../context';

export enum TickerEventKind {
  PUSHED = 'PUSHED',
  UPDATED = 'UPDATED',
  KILLED = 'KILLED',
}
registerEnumType(TickerEventKind, {
  name: 'TickerEventKind',
  description: 'What happened to a breaking-news item.',
  valuesConfig: {
    PUSHED: { description: 'It went on air.' },
    UPDATED: { description: 'An editor changed it (headline, urgency, links, region or expiry).' },
    KILLED: { description: 'An editor took it off air for good.' },
  },
});

export enum ArticleEventKind {
  PUBLISHED = 'PUBLISHED',
  CORRECTED = 'CORRECTED',
  RETRACTED = 'RETRACTED',
  UNPUBLISHED = 'UNPUBLISHED',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(ArticleEventKind, {
  name: 'ArticleEventKind',
  description: 'What happened to an article readers can see (or could until now).',
  valuesConfig: {
    PUBLISHED: { description: 'It became visible to readers, at once or at its scheduled time.' },
    CORRECTED: { description: 'A correction was published.' },
    RETRACTED: { description: 'It was retracted.' },
    UNPUBLISHED: { description: 'It went back to draft and left the public site.' },
    ARCHIVED: { description: 'It was archived and left the public site.' },
  },
});

@ObjectType('BreakingNewsEvent', { description: 'A change to the breaking-news ticker, in the order it was committed.' })
export class BreakingNewsEvent {
  @Field({ description: 'Opaque position of this event: pass it as `after` when you resubscribe, to get what followed it.' })
  cursor: string;

  @Field(() => TickerEventKind, { description: 'What happened.' })
  kind: TickerEventKindValue;

  @Field(() => TickerType, { description: 'The item as it is when the event reaches you (a killed item has status KILLED).' })
  ticker: TickerType;

  @Field(() => Date, { description: 'When the change was committed.' })
  occurredAt: Date;
}

@ObjectType('ArticleEvent', { description: 'An article became visible to readers, or changed or left while visible.' })
export class ArticleEvent {
  @Field(() => ArticleEventKind, { description: 'What happened.' })
  kind: ArticleEventKind;

  @Field(() => ID, { description: 'Global id of the article, also when you can no longer read it.' })
  articleId: string;

  @Field(() => Date, { description: 'When the change was committed.' })
  occurredAt: Date;

  dbId: number;
}

@Resolver(() => ArticleEvent)
export class ArticleEventResolver {
  @FieldResolver(() => ArticleType, { nullable: true, description: 'The article as you may see it now; null once it left the public site (for readers).' })
  article(@Root() event: ArticleEvent, @Ctx() ctx: Context): Promise<ArticleType | null> {
    return ctx.loaders.article.load(event.dbId);
  }
}
