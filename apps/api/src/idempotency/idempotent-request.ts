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
 * What identifies a request for Idempotency-Key: method, path and body, canonical (key order, whitespace,
 * the path's case and a trailing slash do not count). Never the ids a route generates, which differ on every try.
 */
export function requestHash(request: Request): string {
  // As the router matches it: letters in any case, a trailing slash or not (the ids in it are UUIDs).
  const path = request.originalUrl.split('?')[0]!.toLowerCase().replace(/(.)\/+$/, '$1');
  return createHash('sha256').update(canonicalJson({ method: request.method, path, body: request.body ?? null })).digest('hex');
}
