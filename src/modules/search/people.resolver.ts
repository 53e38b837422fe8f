import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import { PersonConnection, PersonType } from '../person/person.type';
import type { Context } from '../../context';
import { PageArgs } from '../../shared/relay';
import { badInput } from '../../shared/errors';
import { searchQueryError } from './search.sql';

/** The people list: alphabetical from the person module, or found by a name query here. */
@Resolver(() => PersonType)
export class PeopleResolver {
  @Query(() => PersonConnection, { description: 'People in Arabic alphabetical order, or those a name query finds, best match first.' })
  async people(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('query', () => String, {
      nullable: true,
      description: 'A name in any spelling: Arabic (hamzas, tashkeel and Persian letters do not matter), French/Latin, or an alias; '
        + 'every word must match, a word ending in `*` matches as a prefix. Empty or omitted: everyone, alphabetically.',
    }) query?: string,
  ): Promise<PersonConnection> {
    const text = query?.trim();
    const problem = text ? searchQueryError(text) : null;
    if (problem) throw badInput(problem, 'query');
    const found = text ? await ctx.services.peopleSearch.page(page, text) : await ctx.services.people.page(page);
    return Object.assign(new PersonConnection(), found);
  }
}
