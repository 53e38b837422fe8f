import { Args, Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import { getArgumentValues, getNamedType, isObjectType } from 'graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { ArticleConnection } from './article.connection';
import { ArticleShape, pageShape } from './article.shape';
import { decodeArticleCursor } from './article.service';
import { PersonType } from '../person/person.type';
import { RegionType } from '../region/region.type';
import type { Context } from '../../context';
import { ForwardPageArgs, MAX_PAGE_SIZE, sliceOf } from '../../shared/relay';
import { subfield } from '../../shared/lookahead';

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

/**
 * The page of articles the operation shows below the person or region `info` resolves (`person(slug:) { articles }`),
 * for reading it with the parent in one statement and handing it to the resolvers above through `articlePage`: the
 * arguments and shape they will ask with. Null when the field is not selected, or its arguments are such that the
 * resolver will refuse them (it then reports the error where it belongs, on `articles`).
 */
export function articlesAhead(info: GraphQLResolveInfo): { args: ForwardPageArgs; shape: ArticleShape } | null {
  const field = subfield(info, 'articles');
  const parentType = getNamedType(info.returnType);
  const definition = isObjectType(parentType) ? parentType.getFields().articles : undefined;
  if (!field || !definition) return null;
  try {
    const { first, after } = getArgumentValues(definition, field.fieldNodes[0], info.variableValues) as ForwardPageArgs;
    if (first != null && (first < 0 || first > MAX_PAGE_SIZE)) return null;
    const args = { first: first ?? undefined, after: after ?? undefined };
    sliceOf(args, decodeArticleCursor);
    return { args, shape: pageShape(field) };
  } catch {
    return null;
  }
}
