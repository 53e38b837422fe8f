import type { AuthChecker } from 'type-graphql';
import type { Context } from '../context';
import { forbidden, unauthenticated } from '../shared/errors';
import { hasRole, Role } from './viewer';

/** `@Authorized()` needs any editor; `@Authorized('ADMIN')` needs that role. Errors are coded, never silent. */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  const { viewer } = context;
  if (viewer.role === null) throw unauthenticated('Sign in as an editor to do this.');
  if (roles.length > 0 && !roles.some((role) => hasRole(viewer, role))) {
    throw forbidden(`This needs the ${roles.join(' or ')} role.`);
  }
  return true;
};
