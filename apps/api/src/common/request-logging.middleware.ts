import type { NextFunction, Request, Response } from 'express';
import type { CorrelatedRequest } from './request-context.middleware.js';

/** Polled by probes and scrapers: not worth a line each. */
const UNLOGGED_PATHS = new Set(['/health', '/health/ready', '/metrics']);

/**
 * One JSON line per answered request at info level (`request completed`, or `request errored` for a
 * 5xx), as pino-http writes it: the request, the response, the response time and the correlation id.
 * Every line logged while the request runs (through nestjs-pino, which binds `req.log`) carries the
 * request id and the correlation id. The request and response are serialized only for a line that is
 * written: at LOG_LEVEL=warn a successful request costs a child logger and nothing more.
 * Runs after requestContext, which gives the request its ids.
 */
export function requestLogging(root: Request['log']) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = Date.now();
    const requestId = String(response.getHeader('x-request-id') ?? '');
    const correlationId = (request as CorrelatedRequest).correlationId;
    request.id = requestId;
    const log = root.child({ reqId: requestId, correlationId });
    request.log = log;
    if (UNLOGGED_PATHS.has(request.url)) return next();
    const done = () => {
      response.removeListener('finish', done);
      response.removeListener('close', done);
      if (!log.isLevelEnabled('info')) return;
      const fields = { req: request, res: response, responseTime: Date.now() - started };
      if (response.statusCode >= 500) log.info({ ...fields, err: new Error(`failed with status code ${response.statusCode}`) }, 'request errored');
      else log.info(fields, response.writableFinished ? 'request completed' : 'request aborted');
    };
    response.on('finish', done);
    response.on('close', done);
    next();
  };
}
