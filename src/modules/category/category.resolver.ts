import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { CategoryType } from './category.type';
import type { Context } from '../../context';

@Resolver(() => CategoryType)
export class CategoryResolver {
  @Query(() => [CategoryType], { description: 'All newsroom sections.' })
  categories(@Ctx() ctx: Context): Promise<CategoryType[]> {
    return ctx.services.categories.list();
  }

  @Query(() => CategoryType, { nullable: true, description: 'A section by slug; null when there is none.' })
  category(@Arg('slug', { description: 'The section slug, e.g. "politique".' }) slug: string, @Ctx() ctx: Context): Promise<CategoryType | null> {
    return ctx.services.categories.bySlug(slug);
  }
}
