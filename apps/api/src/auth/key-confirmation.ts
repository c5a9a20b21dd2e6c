import { HttpException, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Response } from 'express';
import { AppendConditionFailed } from '@app/event-store';
import { isUnavailable } from '@app/database';
import { isOverload } from '../common/overload.js';
import { ApiKeysService } from './api-keys.service.js';
import type { AuthenticatedRequest } from './auth.decorators.js';

/** What a request with an unknown, revoked or expired key is told. */
export const REFUSED_KEY = 'The API key is unknown, revoked or expired.';

/**
 * The other half of @KeyCheckedByAppend(): no answer to a request whose key was recalled from memory
 * leaves before the key is confirmed. An append made with the key's condition confirmed it (or, failing
 * it, refused it); any other answer, success or problem (a validation error, a refusal by the rules, an
 * idempotent replay), waits for a lookup of the key, and becomes 401 if the key is no longer active. A
 * 503 (the database unreachable, or more requests than it can serve) or a 429 leaves as it is.
 *
 * Called by the command controller on its answer, and by ProblemDetailsFilter on any problem (a body
 * the validation pipe refuses, a refusal by the rules): once per request. It was an interceptor until
 * 2026-12-06, which put every command through Nest's RxJS pipeline: 0.03-0.08 ms of the API's CPU a
 * command (docs/benchmarks.md, Sixteenth pass).
 */
@Injectable()
export class KeyConfirmation {
  constructor(private readonly keys: ApiKeysService) {}

  /** Resolves when the answer (or `error`, the problem about to be answered) may leave; throws 401 instead when the key is no longer active. */
  async settle(request: AuthenticatedRequest, response: Response, error?: unknown): Promise<void> {
    const check = request.keyCheck;
    if (!check || check.settled) return;
    check.settled = true;
    // These tell nothing and do nothing; looking the key up for them would only add to the load.
    if (isOverload(error) || isUnavailable(error) || (error instanceof HttpException && error.getStatus() === 429)) return;
    if (error instanceof AppendConditionFailed) this.keys.forget(check);
    else if (await this.keys.confirm(check)) return;
    // The answer prepared for an active key (a replay's headers) is not this one's.
    response.removeHeader('ETag');
    response.removeHeader('Idempotent-Replayed');
    response.removeHeader('Location');
    throw new UnauthorizedException(REFUSED_KEY);
  }
}
