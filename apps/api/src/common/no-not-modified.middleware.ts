import type { NextFunction, Request, Response } from 'express';

/**
 * The API never answers 304 Not Modified (README): a project's ETag is its version, for If-Match, and
 * does not say that its answer is unchanged (`overdue` changes with the date at the same version).
 * Express's `res.send` answers 304 by itself when a request's `If-None-Match` matches the ETag a route
 * set, or its `If-Modified-Since` the `Last-Modified`: it asks `request.fresh`, which is never true here.
 */
export function noNotModified(request: Request, _response: Response, next: NextFunction): void {
  Object.defineProperty(request, 'fresh', { value: false });
  next();
}
