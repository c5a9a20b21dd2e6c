import type { Params } from 'nestjs-pino';
import type { AppConfig } from './config.js';

const PINO_LEVELS = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' } as const;

/**
 * Paths never written: secrets in request headers, and the token of an e-mail's unsubscribe link
 * (`/unsubscribe/{id}?token=`: whoever holds it stops that subscription), in the URL and its query.
 */
const REDACTED = {
  paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]', 'req.url', 'req.query.token'],
  censor: (value: unknown, path: string[]) => (path.at(-1) === 'url' && typeof value === 'string' ? withoutToken(value) : '[redacted]'),
};

/**
 * The URL with the value of every query parameter the API reads as `token` redacted: named as the query
 * parser reads names, percent-decoded (`tok%65n`) and with any brackets after it (`token[]`), since
 * each of those reaches the unsubscribe link as its token too.
 */
export function withoutToken(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const end = url.indexOf('#', start);
  const query = url.slice(start + 1, end < 0 ? undefined : end);
  const parts = query.split('&').map((part) => {
    const equals = part.indexOf('=');
    const rawName = equals < 0 ? part : part.slice(0, equals);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replaceAll('+', ' '));
    } catch {
      // A malformed escape: the parser keeps the name as written.
    }
    return /^token(\[|$)/i.test(name) ? `${rawName}=[redacted]` : part;
  });
  return `${url.slice(0, start + 1)}${parts.join('&')}${end < 0 ? '' : url.slice(end)}`;
}

/**
 * The headers a request line keeps: what was sent and by whom, and the headers that shaped a command.
 * All of them, as pino-http writes them, were 1.75 kB a line (most of it the security headers every
 * answer carries): 15 GB a day at 100 requests a second.
 */
const LOGGED_REQUEST_HEADERS = ['host', 'user-agent', 'content-type', 'content-length', 'content-encoding', 'x-forwarded-for', 'if-match', 'idempotency-key'];
/** The headers an answer line keeps: what it was, where it points, when to come back. */
const LOGGED_RESPONSE_HEADERS = ['content-type', 'content-length', 'location', 'etag', 'retry-after', 'allow'];

function picked(headers: unknown, names: readonly string[]): Record<string, unknown> {
  const all = (headers ?? {}) as Record<string, unknown>;
  return Object.fromEntries(names.filter((name) => all[name] !== undefined).map((name) => [name, all[name]]));
}

/** pino-http's serialised request and answer, with the headers above only. */
const SERIALIZERS = {
  req: (req: Record<string, unknown>) => ({ ...req, headers: picked(req.headers, LOGGED_REQUEST_HEADERS) }),
  res: (res: Record<string, unknown>) => ({ ...res, headers: picked(res.headers, LOGGED_RESPONSE_HEADERS) }),
};

/**
 * Structured JSON logs (pino) for every process: one line per event, `service` naming the process.
 * Secrets in headers and URLs are never written. The API logs its requests itself (apiLoggingOptions).
 */
export function loggingOptions(config: AppConfig, service: 'api' | 'worker' | 'cli'): Params {
  return { pinoHttp: { level: PINO_LEVELS[config.logLevel], base: { service }, redact: REDACTED, serializers: SERIALIZERS } };
}

/**
 * The API's logs: the same root logger, but requests are logged by the API's own middleware
 * (requestLogging), which binds the request id and the correlation id that also lands in the events'
 * metadata and in the worker's job logs to every line logged while a request runs, and serializes
 * the request only when its line is written. pino-http would serialize every request into a child
 * logger up front, whether or not anything is logged.
 */
export function apiLoggingOptions(config: AppConfig): Params {
  return { ...loggingOptions(config, 'api'), useExisting: true };
}
