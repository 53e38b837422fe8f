import { Field, ID, Int, ObjectType } from 'type-graphql';
import { JOB_STATES, JobState } from '../../delivery/jobs';
import { graphqlEnumOf } from '../../shared/graphql-enum';
import { connectionTypes } from '../../shared/relay';
import { WEBHOOK_CATALOGUES, WEBHOOK_TOPICS, WebhookTopic } from './webhook.rules';

export const WebhookTopicEnum = graphqlEnumOf('WebhookTopic', 'The events a webhook hears: every kind of one feature\'s events.',
  WEBHOOK_TOPICS, (topic) => {
    const catalogue = WEBHOOK_CATALOGUES.find((c) => c.topic.toUpperCase() === topic)!;
    return `${catalogue.topic} events: ${catalogue.kindNames.map((kind) => `${catalogue.topic}.${kind.toLowerCase()}`).join(', ')}.`;
  });

const STATE_MEANINGS: Record<JobState, string> = {
  queued: 'Waiting: not yet tried, being sent, waiting for a retry, held behind an earlier delivery, or held while the webhook is paused.',
  sent: 'The receiver answered 2xx.',
  failed: 'Dead-lettered: refused on every attempt of the retry policy (over 24 hours by default). `redeliverWebhook` sends it again.',
  cancelled: 'Not sent: the webhook was deleted, or the event left the outbox before it could be sent.',
  expired: 'Not sent in time (webhooks do not expire; kept for the engine\'s states).',
};
export type WebhookDeliveryState = Uppercase<JobState>;
export const WebhookDeliveryStateEnum = graphqlEnumOf('WebhookDeliveryState', 'Where a delivery is.',
  JOB_STATES.map((state) => state.toUpperCase() as WebhookDeliveryState), (state) => STATE_MEANINGS[state.toLowerCase() as JobState]);

@ObjectType('Webhook', { description: 'An endpoint that receives signed deliveries of events (admins).' })
export class WebhookType {
  @Field(() => ID, { description: 'Its global id.' })
  id: string;

  @Field({ description: 'Where deliveries are POSTed.' })
  url: string;

  @Field(() => [WebhookTopicEnum], { description: 'The events it hears.' })
  topics: WebhookTopic[];

  @Field(() => String, { nullable: true, description: 'What it is for.' })
  description: string | null;

  @Field({ description: 'Paused: its deliveries wait (in order) until it is resumed.' })
  paused: boolean;

  @Field({ description: 'When it was registered: it hears events committed after this.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When its secret was last rotated.' })
  secretRotatedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'Until when deliveries are also signed with the previous secret; null when they are not.' })
  previousSecretValidUntil: Date | null;

  @Field(() => Int, { description: 'Deliveries waiting (queued, retrying, held).' })
  pending: number;

  @Field(() => Int, { description: 'Dead letters: deliveries that failed every attempt (see webhookDeliveries(state: FAILED)).' })
  deadLetters: number;
}

@ObjectType('WebhookWithSecret', { description: 'A webhook and its signing secret, shown only this once: keep it.' })
export class WebhookWithSecret {
  @Field(() => WebhookType, { description: 'The webhook.' })
  webhook: WebhookType;

  @Field({ description: 'The signing secret (`whsec_…`, Standard Webhooks): verify each delivery\'s `webhook-signature` with it.' })
  secret: string;
}

@ObjectType('WebhookDelivery', { description: 'One event delivered (or to be delivered) to one webhook.' })
export class WebhookDeliveryType {
  @Field(() => ID, { description: 'The `webhook-id` header it is sent with: the same on every attempt and replay.' })
  id: string;

  @Field({ description: 'The event\'s cursor (also in the payload): `redeliverWebhook(after:)` replays from it.' })
  cursor: string;

  @Field(() => String, { nullable: true, description: 'The payload\'s `type`, e.g. `article.published`; null once the event left the outbox.' })
  type: string | null;

  @Field(() => WebhookDeliveryStateEnum, { description: 'Where it is.' })
  state: WebhookDeliveryState;

  @Field(() => Int, { description: 'Attempts made (a replay starts again from 0).' })
  attempts: number;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last answer, if there was one.' })
  lastStatus: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed.' })
  lastError: string | null;

  @Field(() => Date, { nullable: true, description: 'When it is next tried (queued only).' })
  nextAttemptAt: Date | null;

  @Field({ description: 'When it was planned.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it reached its state (sent: when the receiver accepted it).' })
  finishedAt: Date | null;
}

const { ConnectionBase } = connectionTypes(WebhookDeliveryType, 'WebhookDelivery', 'delivery');

@ObjectType('WebhookDeliveryConnection', { description: 'A webhook\'s deliveries, newest event first.' })
export class WebhookDeliveryConnection extends ConnectionBase {}
