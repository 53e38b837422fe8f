import { Field, InputType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, MaxLength } from 'class-validator';
import { WEBHOOK_TOPICS, WebhookTopic } from './webhook.rules';
import { WebhookTopicEnum } from './webhook.type';

@InputType('CreateWebhookInput', { description: 'An endpoint to deliver events to.' })
export class CreateWebhookInput {
  @Field({ description: 'http(s) URL the deliveries are POSTed to; it must resolve to a public address (not loopback, private or link-local).' })
  @MaxLength(2000)
  url: string;

  @Field(() => [WebhookTopicEnum], { description: 'The events it hears: ARTICLE, TICKER, LIVE.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_TOPICS.length)
  topics: WebhookTopic[];

  @Field(() => String, { nullable: true, description: 'What it is for (who receives it).' })
  @MaxLength(500)
  description?: string | null;
}
