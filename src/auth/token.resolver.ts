import { Arg, Authorized, Ctx, Int, Mutation, registerEnumType, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { badInput } from '../shared/errors';
import { requirePlainText } from '../shared/plain-text';

export enum RoleName {
  EDITOR = 'EDITOR',
  ADMIN = 'ADMIN',
}
registerEnumType(RoleName, {
  name: 'Role',
  description: 'What a signed-in user may do.',
  valuesConfig: {
    EDITOR: { description: 'Writes, publishes, schedules and corrects articles.' },
    ADMIN: { description: 'Everything an editor does, plus people, regions, sections and editors\' tokens.' },
  },
});

const MAX_TOKEN_HOURS = 24 * 30;

/** How admins manage editors: there are no accounts, only signed tokens naming the editor revisions are attributed to. */
@Resolver()
export class TokenResolver {
  @Authorized('ADMIN')
  @Mutation(() => String, { description: 'Admins only: signs a bearer token for an editor (or admin), to send as `Authorization: Bearer <token>`.' })
  issueToken(
    @Ctx() ctx: Context,
    @Arg('role', () => RoleName, { description: 'The role the token grants.' }) role: RoleName,
    @Arg('name', () => String, { description: 'Who the token is for; revisions are attributed to this name.' }) name: string,
    @Arg('expiresInHours', () => Int, { defaultValue: 12, description: `Lifetime in hours (1–${MAX_TOKEN_HOURS}).` }) expiresInHours: number,
  ): Promise<string> {
    const holder = requirePlainText('name', name, { min: 1, max: 100 });
    if (!(expiresInHours >= 1 && expiresInHours <= MAX_TOKEN_HOURS)) {
      throw badInput(`expiresInHours must be between 1 and ${MAX_TOKEN_HOURS}.`, 'expiresInHours');
    }
    return ctx.services.tokens.sign(role, holder, `${expiresInHours}h`);
  }
}
