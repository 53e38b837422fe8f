import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { TickerType } from './ticker.type';
import { PushBreakingNewsInput, UpdateTickerInput } from './ticker.inputs';
import type { Context } from '../../context';

/** Editors' breaking-news desk: push, correct and kill ticker items; live subscribers hear each change. */
@Resolver()
export class TickerMutations {
  @Authorized()
  @Mutation(() => TickerType, { description: 'Puts a breaking-news item on air now (editors).' })
  pushBreakingNews(
    @Arg('input', () => PushBreakingNewsInput, { description: 'The item.' }) input: PushBreakingNewsInput,
    @Ctx() ctx: Context,
  ): Promise<TickerType> {
    return ctx.services.tickerWriter.push(input);
  }

  @Authorized()
  @Mutation(() => TickerType, { description: 'Corrects a live item: headline, urgency, links, region or expiry (editors).' })
  updateTicker(
    @Arg('input', () => UpdateTickerInput, { description: 'The item and the changes.' }) input: UpdateTickerInput,
    @Ctx() ctx: Context,
  ): Promise<TickerType> {
    return ctx.services.tickerWriter.update(input);
  }

  @Authorized()
  @Mutation(() => TickerType, { description: 'Takes an item off air for good; it is kept, with status KILLED (editors).' })
  killTicker(@Arg('id', () => ID, { description: 'Global id of the item.' }) id: string, @Ctx() ctx: Context): Promise<TickerType> {
    return ctx.services.tickerWriter.kill(id);
  }
}
