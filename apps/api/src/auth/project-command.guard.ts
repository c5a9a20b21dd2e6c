import { type CanActivate, type ExecutionContext, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { ProjectCommandType } from '@app/domain';
import { ApiKeysService } from './api-keys.service.js';
import type { AuthenticatedRequest } from './auth.decorators.js';
import { REFUSED_KEY } from './key-confirmation.js';
import { assertMayRun } from './project-access.js';

const PROJECT_COMMAND = 'auth:project-command';

/** The route runs this project command on the project named by its `:id` (a new project without one). */
export const RunsProjectCommand = (type: ProjectCommandType) => SetMetadata(PROJECT_COMMAND, type);

export interface AuthorizedCommandRequest extends AuthenticatedRequest {
  /** The project command this guard let the request run. */
  authorizedCommand?: ProjectCommandType;
}

/**
 * Whether the caller's role and project scope allow the route's project command, decided as a guard so
 * that it comes before the pipes: a caller without permission gets 403 whatever its body, and never
 * learns the body's schema from a 400. Registered after ApiKeyGuard, which names the actor.
 */
@Injectable()
export class ProjectCommandGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const type = this.reflector.get<ProjectCommandType | undefined>(PROJECT_COMMAND, context.getHandler());
    if (!type) return true;
    const request = context.switchToHttp().getRequest<Request & AuthorizedCommandRequest>();
    const actor = request.actor;
    if (!actor) throw new Error(`${type} route reached without an authenticated actor`);
    const projectId = request.params.projectId;
    try {
      assertMayRun(actor, type, typeof projectId === 'string' ? projectId : '');
    } catch (refusal) {
      // A recalled key is confirmed before any answer: a revoked key gets 401, not 403.
      if (request.keyCheck && !(await this.keys.confirm(request.keyCheck))) throw new UnauthorizedException(REFUSED_KEY);
      throw refusal;
    }
    request.authorizedCommand = type;
    return true;
  }
}
