import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { httpRequestDuration } from '../metrics/metrics.js';

const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

/** Gives every answer an `X-Request-Id` (the caller's, if sane) and times it for /metrics. */
export function requestContext(request: Request, response: Response, next: NextFunction): void {
  const incoming = request.header('x-request-id');
  response.setHeader('X-Request-Id', incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID());
  const stop = httpRequestDuration.startTimer();
  response.on('finish', () => {
    const route = (request as Request & { route?: { path?: string } }).route?.path ?? 'unmatched';
    stop({ method: request.method, route: `${request.baseUrl}${route}`, status: String(response.statusCode) });
  });
  next();
}
