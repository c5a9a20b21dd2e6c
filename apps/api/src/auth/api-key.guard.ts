import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { aRole, type Role } from './actor.js';
import { ApiKeysService } from './api-keys.service.js';
import { ALLOWED_ROLES, type AuthenticatedRequest, KEY_CHECKED_BY_APPEND, PUBLIC_ROUTE } from './auth.decorators.js';
import { REFUSED_KEY } from './key-confirmation.js';

/** `Authorization: Bearer <key>` on every route not marked @Public(), then the route's @Roles(). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const secret = bearerSecret(request);
    if (secret === undefined) throw new UnauthorizedException('Send an API key as "Authorization: Bearer <key>".');
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);

    if (this.reflector.getAllAndOverride<boolean>(KEY_CHECKED_BY_APPEND, targets)) {
      const recalled = this.keys.recall(secret);
      // A role the route refuses is answered only once the key is confirmed (a revoked key gets 401, not 403).
      if (recalled && (!roles || roles.includes(recalled.actor.role))) {
        request.actor = recalled.actor;
        request.keyCheck = recalled.check;
        return true;
      }
    }

    const actor = await this.keys.authenticate(secret);
    if (!actor) throw new UnauthorizedException(REFUSED_KEY);
    request.actor = actor;
    if (roles && !roles.includes(actor.role)) {
      throw new ForbiddenException(`${aRole(actor.role)} key may not do this; it needs one of: ${roles.join(', ')}.`);
    }
    return true;
  }
}

/** The key a request sends as `Authorization: Bearer <key>`, if it sends one so. */
export function bearerSecret(request: Request): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
}
