import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { badInput } from '../../shared/errors';
import { MAX_PAGE_SIZE } from '../../shared/relay';
import { CreateWebhookInput } from './webhook.inputs';
import { WebhookDeliveryConnection, type WebhookDeliveryState, WebhookDeliveryStateEnum, WebhookType, WebhookWithSecret } from './webhook.type';
import type { WebhookService } from './webhooks';

function webhooksOf(ctx: Context): WebhookService {
  if (!ctx.webhooks) throw badInput('Webhooks are off on this server.', undefined, { reason: 'WEBHOOKS_DISABLED' });
  return ctx.webhooks;
}

const ID_ARG = { description: 'The webhook\'s id.' };

/** Signed webhooks: admins register endpoints, rotate their secrets, pause them, see and replay their deliveries. */
@Resolver()
export class WebhookResolver {
  @Authorized('ADMIN')
  @Mutation(() => WebhookWithSecret, { description: 'Registers an endpoint for signed deliveries of events; the secret is shown only this once.' })
  createWebhook(@Arg('input', () => CreateWebhookInput, { description: 'The endpoint and the events it hears.' }) input: CreateWebhookInput,
    @Ctx() ctx: Context): Promise<WebhookWithSecret> {
    return webhooksOf(ctx).create(input, ctx.viewer);
  }

  @Authorized('ADMIN')
  @Mutation(() => WebhookWithSecret, { description: 'A new signing secret (shown only this once); deliveries carry signatures with both secrets for WEBHOOK_SECRET_GRACE_HOURS.' })
  rotateWebhookSecret(@Arg('id', () => ID, ID_ARG) id: string, @Ctx() ctx: Context): Promise<WebhookWithSecret> {
    return webhooksOf(ctx).rotateSecret(id);
  }

  @Authorized('ADMIN')
  @Mutation(() => WebhookType, { description: 'Holds its deliveries (kept, in order) until resumeWebhook.' })
  pauseWebhook(@Arg('id', () => ID, ID_ARG) id: string, @Ctx() ctx: Context): Promise<WebhookType> {
    return webhooksOf(ctx).setPaused(id, true);
  }

  @Authorized('ADMIN')
  @Mutation(() => WebhookType, { description: 'Sends what a pause held, in order, then carries on.' })
  resumeWebhook(@Arg('id', () => ID, ID_ARG) id: string, @Ctx() ctx: Context): Promise<WebhookType> {
    return webhooksOf(ctx).setPaused(id, false);
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean, { description: 'Removes it; what it was still owed is cancelled.' })
  deleteWebhook(@Arg('id', () => ID, ID_ARG) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return webhooksOf(ctx).remove(id);
  }

  @Authorized('ADMIN')
  @Mutation(() => Int, { description: 'Delivers again, in order, every event after `after` (a delivery\'s cursor, or a breakingNews or liveEntries one) that the outbox keeps; returns how many deliveries were queued.' })
  redeliverWebhook(@Arg('id', () => ID, ID_ARG) id: string,
    @Arg('after', { description: 'Cursor of the last event the receiver has: replay starts right after it.' }) after: string,
    @Ctx() ctx: Context): Promise<number> {
    return webhooksOf(ctx).redeliver(id, after);
  }

  @Authorized('ADMIN')
  @Query(() => [WebhookType], { description: 'Every registered webhook.' })
  webhooks(@Ctx() ctx: Context): Promise<WebhookType[]> {
    return webhooksOf(ctx).list(ctx.sql);
  }

  @Authorized('ADMIN')
  @Query(() => WebhookDeliveryConnection, { description: 'What happened to a webhook\'s deliveries, newest event first.' })
  webhookDeliveries(
    @Arg('id', () => ID, ID_ARG) id: string,
    @Arg('first', () => Int, { nullable: true, description: `How many (at most ${MAX_PAGE_SIZE}, default 20).` }) first: number | undefined,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of the last edge of the previous page.' }) after: string | undefined,
    @Arg('state', () => WebhookDeliveryStateEnum, { nullable: true, description: 'Only deliveries in this state (FAILED: the dead letters).' }) state: WebhookDeliveryState | undefined,
    @Ctx() ctx: Context,
  ): Promise<WebhookDeliveryConnection> {
    if (first != null && (first < 0 || first > MAX_PAGE_SIZE)) throw badInput(`first must be between 0 and ${MAX_PAGE_SIZE}.`, 'first');
    return webhooksOf(ctx).deliveries(ctx.sql, id, first ?? undefined, after ?? undefined, state ?? undefined);
  }
}
