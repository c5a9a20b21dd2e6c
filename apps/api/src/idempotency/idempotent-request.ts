import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { canonicalJson } from '@app/event-store';

/** A request sent with an `Idempotency-Key`. */
export interface IdempotentRequest {
  key: string;
  /** Tells a retry (the same method, path and body) from a different request under the same key. */
  requestHash: string;
}

/**
 * What identifies a request for Idempotency-Key: method, path and body, canonical (key order and
 * whitespace do not count). Never the ids a route generates, which differ on every try.
 */
export function requestHash(request: Request): string {
  const path = request.originalUrl.split('?')[0];
  return createHash('sha256').update(canonicalJson({ method: request.method, path, body: request.body ?? null })).digest('hex');
}
