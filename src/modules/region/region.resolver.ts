import { Arg, Ctx, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { RegionLevel, RegionType } from './region.type';
import { parseRegionCode, regionCodeMessage } from './region-code';
import type { Context } from '../../context';
import { badInput } from '../../shared/errors';
import { normalizeSlugInput } from '../../shared/slug';

@Resolver(() => RegionType)
export class RegionResolver {
  @Query(() => RegionType, { nullable: true, description: 'A region, prefecture or province by ISO code or slug; null when there is none.' })
  async region(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('code', () => String, { nullable: true, description: 'ISO 3166-2 code, e.g. "MA-04".' }) code?: string,
    @Arg('slug', () => String, { nullable: true, description: 'Slug, e.g. "rabat-sale-kenitra".' }) slug?: string,
  ): Promise<RegionType | null> {
    if ((code == null) === (slug == null)) throw badInput('Pass exactly one of `code` or `slug`.', code == null ? 'code' : 'slug');
    if (code != null) {
      const valid = parseRegionCode(code);
      if (!valid) throw badInput(regionCodeMessage('code'), 'code');
      return ctx.loaders.regionFor(info).load(valid);
    }
    return ctx.services.regions.bySlug(normalizeSlugInput(slug!));
  }

  @Query(() => [RegionType], { description: 'All regions, prefectures and provinces, or those of one level.' })
  regions(
    @Ctx() ctx: Context,
    @Arg('level', () => RegionLevel, { nullable: true, description: 'Only this administrative level.' }) level?: RegionLevel,
  ): Promise<RegionType[]> {
    return ctx.services.regions.list(level);
  }

  @FieldResolver(() => RegionType, { nullable: true, description: 'The region this prefecture or province belongs to.' })
  parent(@Root() region: RegionType, @Ctx() ctx: Context): RegionType | Promise<RegionType | null> | null {
    if (region.parent !== undefined) return region.parent;
    return region.parentCode === null ? null : ctx.loaders.region.load(region.parentCode);
  }

  @FieldResolver(() => [RegionType], { description: 'Prefectures and provinces inside this region.' })
  children(@Root() region: RegionType, @Ctx() ctx: Context): Promise<RegionType[]> {
    return ctx.loaders.regionChildren.load(region.code);
  }
}
