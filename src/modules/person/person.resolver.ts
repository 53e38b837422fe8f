import { Arg, Ctx, Info, Query, Resolver } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { PersonType } from './person.type';
import type { Context } from '../../context';
import { normalizeSlugInput } from '../../shared/slug';

@Resolver(() => PersonType)
export class PersonResolver {
  @Query(() => PersonType, { nullable: true, description: 'A person by slug; null when there is none.' })
  person(
    @Arg('slug', { description: 'The person slug, e.g. "awatif-hayar".' }) slug: string, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo,
  ): Promise<PersonType | null> {
    return ctx.loaders.personBySlugFor(info).load(normalizeSlugInput(slug));
  }
}
