import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { CategoryType } from './category.type';
import { UpsertCategoryInput } from './category.inputs';
import type { Context } from '../../context';

@Resolver(() => CategoryType)
export class CategoryMutations {
  @Authorized('ADMIN')
  @Mutation(() => CategoryType, { description: 'Admins only: adds a section, or renames the one with this slug.' })
  upsertCategory(@Ctx() ctx: Context, @Arg('input', () => UpsertCategoryInput, { description: 'The section.' }) input: UpsertCategoryInput): Promise<CategoryType> {
    return ctx.services.categoryWriter.upsert(input);
  }
}
