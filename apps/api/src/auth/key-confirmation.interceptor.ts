import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, UnauthorizedException } from '@nestjs/common';
import type { Response } from 'express';
import { type Observable, catchError, from, mergeMap } from 'rxjs';
import { AppendConditionFailed } from '@app/event-store';
import { isUnavailable } from '@app/database';
import { isOverload } from '../common/problem-details.filter.js';
import { ApiKeysService } from './api-keys.service.js';
import type { AuthenticatedRequest } from './auth.decorators.js';
import type { PendingKeyCheck } from './pending-key-check.js';

/** What a request with an unknown, revoked or expired key is told. */
export const REFUSED_KEY = 'The API key is unknown, revoked or expired.';

/**
 * The other half of @KeyCheckedByAppend(): no answer to a request whose key was recalled leaves before
 * the key is confirmed. An append made with the key's condition confirmed it (or, failing it, refused
 * it); any other answer, success or problem (a validation error, a refusal by the rules, an idempotent
 * replay), waits for a lookup of the key, and becomes 401 if the key is no longer active. A 503 (the
 * database unreachable, or more requests than it can serve) leaves as it is.
 */
@Injectable()
export class KeyConfirmationInterceptor implements NestInterceptor {
  constructor(private readonly keys: ApiKeysService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const check = context.switchToHttp().getRequest<AuthenticatedRequest>().keyCheck;
    if (!check) return next.handle();
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      mergeMap(async (answer: unknown) => {
        await this.confirm(check, response);
        return answer;
      }),
      catchError((error: unknown) =>
        from(
          this.confirm(check, response, error).then(() => {
            throw error;
          }),
        ),
      ),
    );
  }

  private async confirm(check: PendingKeyCheck, response: Response, error?: unknown): Promise<void> {
    // A 503 tells nothing and does nothing; looking the key up for it would only add to the load.
    if (isOverload(error) || isUnavailable(error)) return;
    if (error instanceof AppendConditionFailed) this.keys.forget(check);
    else if (await this.keys.confirm(check)) return;
    // The answer prepared for an active key (a replay's headers) is not this one's.
    response.removeHeader('ETag');
    response.removeHeader('Idempotent-Replayed');
    response.removeHeader('Location');
    throw new UnauthorizedException(REFUSED_KEY);
  }
}
