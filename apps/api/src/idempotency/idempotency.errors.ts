import { ProblemException } from '../common/problem.js';

/** 422: the key was first used for another request (method, path or body); a new request needs a new key. */
export function idempotencyKeyReused(idempotencyKey: string): ProblemException {
  return new ProblemException(
    422,
    'IDEMPOTENCY_KEY.REUSED',
    'Unprocessable Content',
    `Idempotency-Key "${idempotencyKey}" was already used for a different request; use a new key for a new request.`,
  );
}

/**
 * 409: a retry of a request whose first answer showed a secret once. It names what the first request
 * made (`resourceId`, and `Location` where it can be read) and creates nothing; `remedy` says how to
 * get a secret now, should the first answer have been lost.
 */
export function secretShownOnce(idempotencyKey: string, made: { what: string; id: string; location?: string }, remedy: string): ProblemException {
  return new ProblemException(
    409,
    'IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE',
    'Conflict',
    `Idempotency-Key "${idempotencyKey}" was already answered: ${made.what} ${made.id}. That answer held a secret, which is shown once ` +
      `and kept nowhere it could be shown again, so this retry created nothing and shows no secret. ${remedy}`,
    undefined,
    made.location ? { location: made.location } : {},
    { resourceId: made.id },
  );
}

/** When a write that shows a secret once answers 409, for its OpenAPI description. */
export const SECRET_SHOWN_ONCE =
  'IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE: a retry with the Idempotency-Key of a request whose answer showed a secret; nothing is created, and `resourceId` names what the first request made';
