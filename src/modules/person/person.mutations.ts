import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { PersonType } from './person.type';
import { UpsertPersonInput } from './person.inputs';
import type { Context } from '../../context';

@Resolver(() => PersonType)
export class PersonMutations {
  @Authorized('ADMIN')
  @Mutation(() => PersonType, { description: 'Admins only: creates a person, or replaces the one with this slug.' })
  upsertPerson(@Ctx() ctx: Context, @Arg('input', () => UpsertPersonInput, { description: 'The person.' }) input: UpsertPersonInput): Promise<PersonType> {
    return ctx.services.personWriter.upsert(input);
  }
}
