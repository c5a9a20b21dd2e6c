import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiProblemResponses } from '../common/problem-responses.js';
import type { Actor, Role } from './actor.js';
import type { PendingKeyCheck } from './pending-key-check.js';

export const PUBLIC_ROUTE = 'auth:public';
export const ALLOWED_ROLES = 'auth:roles';
export const KEY_CHECKED_BY_APPEND = 'auth:key-checked-by-append';

/** The route needs no API key (health, metrics, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Only keys with one of these roles may call the route (documented: 403 for the others). */
export const Roles = (...roles: Role[]) =>
  applyDecorators(SetMetadata(ALLOWED_ROLES, roles), ApiProblemResponses([403, `Only keys with the role ${roles.join(' or ')} may do this`]));

/**
 * Routes that append events: a key authenticated lately is recalled from memory, and its append (or a
 * lookup, for any other answer) confirms that it is still active, so a command costs no read of
 * api_keys while a revoked key is still refused from the next request on. The route's controller must
 * pass every answer through KeyConfirmation.settle (ProblemDetailsFilter does so for problems).
 */
export const KeyCheckedByAppend = () => SetMetadata(KEY_CHECKED_BY_APPEND, true);

export interface AuthenticatedRequest {
  actor?: Actor;
  /** Set when the actor was recalled without reading api_keys (routes marked @KeyCheckedByAppend()). */
  keyCheck?: PendingKeyCheck;
}

/** The authenticated caller. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new Error('CurrentActor used on a public route');
  return actor;
});
