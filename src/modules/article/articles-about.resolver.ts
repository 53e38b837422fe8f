import { Args, Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { ArticleConnection } from './article.connection';
import { pageShape } from './article.shape';
import { PersonType } from '../person/person.type';
import { RegionType } from '../region/region.type';
import type { Context } from '../../context';
import { ForwardPageArgs } from '../../shared/relay';

/** `Person.articles`: reference data knows no articles, so the article module adds the field to it. */
@Resolver(() => PersonType)
export class PersonArticlesResolver {
  @FieldResolver(() => ArticleConnection, { description: 'Published articles mentioning this person, newest first.' })
  async articles(
    @Root() person: PersonType, @Ctx() ctx: Context, @Args() page: ForwardPageArgs, @Info() info: GraphQLResolveInfo,
  ): Promise<ArticleConnection> {
    const articles = await ctx.loaders.articlePage('person', page, pageShape(info)).load(person.dbId);
    return ArticleConnection.of(articles, { personSlug: person.slug });
  }
}

/** `Region.articles`, likewise. */
@Resolver(() => RegionType)
export class RegionArticlesResolver {
  @FieldResolver(() => ArticleConnection, { description: 'Published articles about this region or any place inside it, newest first.' })
  async articles(
    @Root() region: RegionType, @Ctx() ctx: Context, @Args() page: ForwardPageArgs, @Info() info: GraphQLResolveInfo,
  ): Promise<ArticleConnection> {
    const articles = await ctx.loaders.articlePage('region', page, pageShape(info)).load(region.code);
    return ArticleConnection.of(articles, { regionCode: region.code });
  }
}
