import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { httpRequestDuration } from '../metrics/metrics.js';

const HEADER_ID = /^[\x21-\x7e]{1,200}$/;

/** A request with its ids: the request's own (the causation id of what it records) and its correlation id. */
export interface CorrelatedRequest extends Request {
  requestId: string;
  correlationId: string;
}

/**
 * Gives every answer an `X-Request-Id` (the caller's, if sane) and every request a correlation id
 * (the caller's `X-Correlation-Id`, if sane, else the request id), and times it for /metrics.
 */
export function requestContext(request: Request, response: Response, next: NextFunction): void {
  const incoming = request.header('x-request-id');
  const requestId = incoming && HEADER_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader('X-Request-Id', requestId);
  (request as CorrelatedRequest).requestId = requestId;
  const correlation = request.header('x-correlation-id');
  (request as CorrelatedRequest).correlationId = correlation && HEADER_ID.test(correlation) ? correlation : requestId;
  const stop = httpRequestDuration.startTimer();
  response.on('finish', () => {
    const route = (request as Request & { route?: { path?: string } }).route?.path ?? 'unmatched';
    stop({ method: request.method, route: `${request.baseUrl}${route}`, status: String(response.statusCode) });
  });
  next();
}
