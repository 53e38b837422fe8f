import { Arg, Args, Ctx, FieldResolver, Info, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { PersonType } from './person.type';
import { ArticleConnection } from '../article/article.connection';
import { pageShape } from '../article/article.shape';
import type { Context } from '../../context';
import { connectionTypes, ForwardPageArgs, PageArgs } from '../../shared/relay';
import { normalizeSlugInput } from '../../shared/slug';
import { badInput } from '../../shared/errors';
import { searchQueryError } from '../search/search.sql';

const { ConnectionBase } = connectionTypes(PersonType, 'Person', 'person');

@ObjectType('PersonConnection', { description: 'A page of people (Relay connection).' })
export class PersonConnection extends ConnectionBase {}

@Resolver(() => PersonType)
export class PersonResolver {
  @Query(() => PersonType, { nullable: true, description: 'A person by slug; null when there is none.' })
  person(@Arg('slug', { description: 'The person slug, e.g. "awatif-hayar".' }) slug: string, @Ctx() ctx: Context): Promise<PersonType | null> {
    return ctx.services.people.bySlug(normalizeSlugInput(slug));
  }

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
    return Object.assign(new PersonConnection(), await ctx.services.people.page(page, text || undefined));
  }

  @FieldResolver(() => ArticleConnection, { description: 'Published articles mentioning this person, newest first.' })
  async articles(
    @Root() person: PersonType, @Ctx() ctx: Context, @Args() page: ForwardPageArgs, @Info() info: GraphQLResolveInfo,
  ): Promise<ArticleConnection> {
    const articles = await ctx.loaders.articlePage('person', page, pageShape(info)).load(person.dbId);
    return ArticleConnection.of(articles, { personSlug: person.slug });
  }
}
