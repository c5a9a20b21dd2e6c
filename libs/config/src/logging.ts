import type { Params } from 'nestjs-pino';
import type { AppConfig } from './config.js';

const PINO_LEVELS = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' } as const;

/**
 * Structured JSON logs (pino) for every process: one line per event, `service` naming the process, and
 * for HTTP requests the request id and the correlation id that also lands in the events' metadata and
 * in the worker's job logs. Secrets in headers are never written.
 */
export function loggingOptions(config: AppConfig, service: 'api' | 'worker' | 'cli'): Params {
  return {
    pinoHttp: {
      level: PINO_LEVELS[config.logLevel],
      base: { service },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]'], censor: '[redacted]' },
      genReqId: (request, response) => String(response.getHeader('x-request-id') ?? request.headers['x-request-id'] ?? ''),
      customProps: (request) => ({ correlationId: (request as { correlationId?: string }).correlationId }),
      autoLogging: { ignore: (request) => ['/health', '/health/ready', '/metrics'].includes(request.url ?? '') },
    },
  };
}
