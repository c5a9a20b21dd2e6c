import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';
import { parseIdempotencyKey } from '../common/command-headers.js';
import { type IdempotentRequest, requestHash } from './idempotent-request.js';

const REPLAYS = 'A retry with the same key and request stores nothing and answers the first answer, with `Idempotent-Replayed: true`; the key with another request is 422 IDEMPOTENCY_KEY.REUSED. Keys are scoped to the API key.';

/**
 * Documents `Idempotency-Key` on a route that honours it. `secret` names the secret its answer shows
 * once: a retry of such an answer is 409 IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE instead.
 */
export function ApiIdempotencyKey(secret?: string): MethodDecorator & ClassDecorator {
  const withSecret = secret
    ? ` When the first answer showed ${secret} (shown once, never stored in clear), a retry creates nothing and answers 409 IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE naming what it made (\`resourceId\`).`
    : '';
  return ApiHeader({ name: 'Idempotency-Key', required: false, description: REPLAYS + withSecret });
}

/** The request's `Idempotency-Key` (checked, 400 if malformed) with its request hash; undefined without one. */
export const IdempotentRequestParam = createParamDecorator((_: unknown, context: ExecutionContext): IdempotentRequest | undefined => {
  const request = context.switchToHttp().getRequest<Request>();
  const key = parseIdempotencyKey(request);
  return key === undefined ? undefined : { key, requestHash: requestHash(request) };
});
