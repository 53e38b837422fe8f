import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { RegionType } from './region.type';
import { UpsertRegionInput } from './region.inputs';
import type { Context } from '../../context';

@Resolver(() => RegionType)
export class RegionMutations {
  @Authorized('ADMIN')
  @Mutation(() => RegionType, { description: 'Admins only: adds a region, prefecture or province, or replaces the one with this code.' })
  upsertRegion(@Ctx() ctx: Context, @Arg('input', () => UpsertRegionInput, { description: 'The entry.' }) input: UpsertRegionInput): Promise<RegionType> {
    return ctx.services.regionWriter.upsert(input);
  }
}
