import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger, NotFoundException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '@app/domain';
import { isUnavailable } from '@app/database';
import { ExpectedVersionMismatch, StreamVersionConflict } from '@app/event-store';
import { KeyConfirmation } from '../auth/key-confirmation.js';
import type { AuthenticatedRequest } from '../auth/auth.decorators.js';
import { allowedMethods, reachedRoute } from './allowed-methods.js';
import { NOT_UTF8 } from './json-body.js';
import { isOverload } from './overload.js';
import { unreadableHistory } from './unreadable-history.js';
import { bodyTooLarge, PROBLEM_CONTENT_TYPE, ProblemException, type ProblemDetails, problemType } from './problem.js';

const STATUS_OF_KIND = { invalid: 400, not_found: 404, conflict: 409 } as const;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Every error leaves as RFC 9457 problem+json; nothing else builds HTTP errors. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problems');
  private refusedForLoad = 0;
  private lastLoadWarning = 0;

  constructor(private readonly keyConfirmation: KeyConfirmation) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    // A problem on a route whose key was recalled from memory leaves once the key is confirmed.
    const check = (request as AuthenticatedRequest).keyCheck;
    if (check && !check.settled) {
      void this.keyConfirmation
        .settle(request as AuthenticatedRequest, response, exception)
        .then(
          () => this.answer(exception, request, response),
          (instead: unknown) => this.answer(instead, request, response),
        )
        .catch((error: unknown) => {
          this.logger.error(`${request.method} ${request.originalUrl}: no answer could be written: ${describe(error)}`);
          if (!response.headersSent) response.status(500).end();
        });
      return;
    }
    this.answer(exception, request, response);
  }

  private answer(exception: unknown, request: Request, response: Response): void {
    const { problem, headers } = methodNotAllowed(exception, request) ?? this.toProblem(exception);
    problem.instance = request.originalUrl;
    const requestId = response.getHeader('x-request-id');
    if (typeof requestId === 'string') problem.requestId = requestId;
    // The request id ties the log line to the answer the caller got, which carries no details.
    if (isOverload(exception)) {
      // Refused at once for want of capacity: a line per request would only add to the load.
      this.refusedForLoad++;
      if (Date.now() - this.lastLoadWarning >= 10_000) {
        this.logger.warn(`${this.refusedForLoad} requests refused (503) in the last seconds: more requests than the database can serve`);
        this.refusedForLoad = 0;
        this.lastLoadWarning = Date.now();
      }
    } else if (problem.status === 503) {
      // An outage of a dependency: one line per request, without a stack, is enough to see it.
      this.logger.warn(`${request.method} ${request.originalUrl} [request ${String(requestId)}]: ${problem.code}: ${message(exception)}`);
    } else if (problem.status >= 500) {
      this.logger.error(`${request.method} ${request.originalUrl} [request ${String(requestId)}]: ${describe(exception)}`);
    }
    if (response.headersSent) return;
    response.status(problem.status);
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    // Refused before its body was read (401, 403, 404, 429...): Node would read the rest off the
    // connection to discard it, however long a chunked body goes on. The connection ends instead.
    if (!request.complete) response.setHeader('Connection', 'close');
    // A route that takes other credentials (the queue board's Basic) has set its own challenge.
    if (problem.status === 401 && !response.hasHeader('WWW-Authenticate')) response.setHeader('WWW-Authenticate', bearerChallenge(request));
    response.type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): { problem: ProblemDetails; headers: Record<string, string> } {
    if (exception instanceof ProblemException) {
      return {
        problem: { ...problem(exception.status, exception.code, exception.message, exception.errors, exception.title), ...exception.members },
        headers: exception.headers,
      };
    }
    if (exception instanceof DomainError) {
      const errors = exception.fields.map((field) => ({ field, message: exception.message }));
      return {
        problem: problem(STATUS_OF_KIND[exception.kind], exception.code, exception.message, errors.length ? errors : undefined),
        headers: {},
      };
    }
    if (exception instanceof ExpectedVersionMismatch) {
      return { problem: problem(412, 'PROJECT.VERSION_MISMATCH', exception.message), headers: {} };
    }
    if (exception instanceof StreamVersionConflict) {
      return {
        problem: problem(409, 'PROJECT.CONCURRENT_UPDATE', 'The project kept changing while this command ran; try again.'),
        headers: {},
      };
    }
    // Not the caller's doing, and no fault of the code either: the stored history was changed by hand.
    const unreadable = unreadableHistory(exception);
    if (unreadable) return this.toProblem(unreadable);
    if (exception instanceof HttpException) {
      const cause = exception.cause as { type?: unknown; limit?: unknown } | undefined;
      if (cause?.type === 'entity.too.large') return this.toProblem(bodyTooLarge(Number(cause.limit)));
      const parserProblem = bodyParserProblem(exception.cause);
      if (parserProblem) return { problem: parserProblem, headers: {} };
      const status = exception.getStatus();
      // A 5xx HttpException's message was written for logs, not for callers.
      const detail = status >= 500 ? 'Something went wrong on our side; the error has been logged.' : httpDetail(exception);
      return { problem: problem(status, httpCode(status), detail), headers: {} };
    }
    if (isOverload(exception)) {
      return {
        problem: problem(503, 'SERVICE.UNAVAILABLE', 'The API is taking more requests than it can serve; try again shortly.'),
        headers: { 'retry-after': '1' },
      };
    }
    if (isUnavailable(exception)) {
      return {
        problem: problem(503, 'SERVICE.UNAVAILABLE', 'A service this request needs is unavailable; try again shortly.'),
        headers: { 'retry-after': '5' },
      };
    }
    return {
      problem: problem(500, 'SERVER.ERROR', 'Something went wrong on our side; the error has been logged.'),
      headers: {},
    };
  }
}

/**
 * A 401 says how to authenticate (RFC 9110 §11.6.1): with a bearer API key (RFC 6750 §3), and, when a
 * bearer key was sent, that it was refused. Credentials of another scheme (Basic) are no bearer token:
 * the challenge then names no error (RFC 6750 §3.1).
 */
function bearerChallenge(request: Request): string {
  const bearerSent = /^bearer(\s|$)/i.test(request.headers.authorization?.trim() ?? '');
  return bearerSent ? 'Bearer realm="Project Tracker", error="invalid_token"' : 'Bearer realm="Project Tracker"';
}

/**
 * A request no route took, on a path that routes serve with other methods: 405 with those in `Allow`
 * (RFC 9110 §15.5.6), not the 404 of a path that does not exist.
 */
function methodNotAllowed(exception: unknown, request: Request): { problem: ProblemDetails; headers: Record<string, string> } | undefined {
  if (!(exception instanceof NotFoundException) || reachedRoute(request)) return undefined;
  const methods = allowedMethods(request);
  if (methods.length === 0) return undefined;
  return {
    problem: problem(405, 'HTTP.METHOD_NOT_ALLOWED', `${request.path} takes ${methods.join(', ')}, not ${request.method}.`),
    headers: { Allow: [...methods, 'OPTIONS'].join(', ') },
  };
}

function problem(
  status: number,
  code: string,
  detail: string,
  errors?: ProblemDetails['errors'],
  title = TITLES[status] ?? 'Error',
): ProblemDetails {
  return { type: problemType(code), title, status, detail, code, ...(errors ? { errors } : {}) };
}

function httpCode(status: number): string {
  return `HTTP.${(TITLES[status] ?? `STATUS ${status}`).toUpperCase().replaceAll(' ', '_')}`;
}

/** The sentence of an HttpException, including those Express middleware raise (a malformed JSON body). */
function httpDetail(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return exception.message;
}

/**
 * The body parser's own errors (http-errors with a `type`), answered with a stable code that names the
 * body rather than with the parser's wording.
 */
function bodyParserProblem(cause: unknown): ProblemDetails | undefined {
  const error = cause as { type?: unknown; message?: unknown } | undefined;
  switch (error?.type) {
    case 'entity.parse.failed':
    case NOT_UTF8:
      return problem(400, 'REQUEST.MALFORMED_JSON', `The body is not valid JSON: ${String(error.message)}`, [
        { field: 'body', message: 'must be a JSON object' },
      ]);
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return problem(415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', `${String(error.message)}; send UTF-8 JSON, uncompressed or in gzip, deflate, br or zstd.`, [
        { field: 'header:Content-Type', message: 'must be application/json in UTF-8' },
      ]);
    default:
      // zlib's own errors, for a body whose Content-Encoding does not match its bytes.
      if (typeof (cause as { code?: unknown })?.code === 'string' && (cause as { code: string }).code.startsWith('Z_')) {
        return problem(400, 'REQUEST.MALFORMED_BODY', 'The body could not be decompressed as its Content-Encoding says.', [
          { field: 'body', message: 'must be compressed as Content-Encoding says' },
        ]);
      }
      return undefined;
  }
}

function message(exception: unknown): string {
  return exception instanceof Error ? exception.message : String(exception);
}

function describe(exception: unknown): string {
  return exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
}

