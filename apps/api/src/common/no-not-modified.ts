import type { Express } from 'express';

/**
 * The API never answers 304 Not Modified (README): a project's ETag is its version, for If-Match, and
 * does not say that its answer is unchanged (`overdue` changes with the date at the same version).
 * Express's `res.send` answers 304 by itself when a request's `If-None-Match` matches the ETag a route
 * set, or its `If-Modified-Since` the `Last-Modified`: it asks `request.fresh`, which for this
 * application's requests is never true (set once on the prototype they share, not per request).
 */
export function neverNotModified(expressApp: Express): void {
  Object.defineProperty(expressApp.request, 'fresh', { get: () => false });
}
