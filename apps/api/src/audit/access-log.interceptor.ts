import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Logger,
  type NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/auth.decorators.js';
import { AccessLogService } from './access-log.service.js';

const AUDITED_ACTION = 'audit:action';

/** Where a handler leaves what the reader was told (a verification's verdict) for the access log. */
export const AUDIT_OUTCOME = 'auditOutcome';

/** Records every answered read of this route in the access log, whatever its status. */
export const Audited = (action: string) => applyDecorators(SetMetadata(AUDITED_ACTION, action), UseInterceptors(AccessLogInterceptor));

/**
 * Writes the access-log entry once the answer is finished, so it holds the real status (403 for a
 * project outside a team key's scope, 404, 200) and never delays or fails the answer itself. Keys the
 * guard refuses before the route runs (no key, a role not allowed) are not entries: they read nothing.
 */
@Injectable()
export class AccessLogInterceptor implements NestInterceptor {
  private readonly logger = new Logger('AccessLog');

  constructor(
    private readonly reflector: Reflector,
    private readonly log: AccessLogService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const action = this.reflector.get<string | undefined>(AUDITED_ACTION, context.getHandler());
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const actor = request.actor;
    if (action && actor) {
      response.once('finish', () => {
        const id = request.params?.projectId;
        this.log
          .record({
            keyId: actor.keyId,
            keyName: actor.name,
            role: actor.role,
            action,
            projectId: typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? id : null,
            request: `${request.method} ${request.originalUrl}`,
            status: response.statusCode,
            outcome: response.locals[AUDIT_OUTCOME],
          })
          .catch((error: unknown) => this.logger.warn(`could not record an access: ${String(error)}`));
      });
    }
    return next.handle();
  }
}
