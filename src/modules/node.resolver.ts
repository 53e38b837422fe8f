import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { Node } from '../shared/node';
import { fromGlobalId, numericIdOf } from '../shared/global-id';

/** Relay's `node(id:)`: any object by its global id, under the same visibility rules as its own query. */
@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global id; null when there is none you may see.' })
  async node(@Arg('id', () => ID, { description: 'A global id.' }) id: string, @Ctx() ctx: Context): Promise<Node | null> {
    const { type, key } = fromGlobalId(id);
    switch (type) {
      case 'Article':
        return ctx.loaders.article.load(numericIdOf(type, id));
      case 'Person':
        return ctx.loaders.person.load(numericIdOf(type, id));
      case 'Category':
        return ctx.loaders.category.load(numericIdOf(type, id));
      case 'Ticker':
        return ctx.loaders.ticker.load(numericIdOf(type, id));
      case 'Region':
        return ctx.loaders.region.load(key);
      case 'Image':
        return ctx.loaders.image.load(numericIdOf(type, id));
      case 'LiveEntry':
        return ctx.loaders.liveEntry.load(numericIdOf(type, id));
      case 'Webhook':
        return null; // admins read webhooks through `webhooks`, never through node(id:)
    }
  }
}
