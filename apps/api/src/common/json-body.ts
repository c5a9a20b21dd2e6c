import { isUtf8 } from 'node:buffer';
import { json, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { bodyTooLarge, type FieldError, ProblemException } from './problem.js';

/**
 * Deepest nesting of objects and arrays a JSON body may have. The deepest DTO nests three levels;
 * class-transformer and class-validator recurse once per level, so a body a few thousand levels deep
 * (which JSON.parse reads without trouble) would overflow their stack and end as a 500.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Most keys an object in a body may have, and most items an array may. The widest DTO has about twenty
 * fields and the longest list a body takes holds 1,000 items; without these, checking a 1 MB body of
 * 128,000 unknown keys (every one refused, one by one) held the event loop for ten seconds.
 */
export const MAX_JSON_KEYS = 100;
export const MAX_JSON_ITEMS = 1_000;

/**
 * Keys that could reach an object's prototype once the body is spread, assigned or turned into a DTO.
 * JSON.parse itself makes them harmless own properties; refusing them keeps every later step safe.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What is wrong with a body's shape, and the problem code it is answered with. */
export interface HostileJson extends FieldError {
  code: 'REQUEST.TOO_DEEP' | 'REQUEST.FORBIDDEN_KEY' | 'REQUEST.INVALID';
}

/**
 * U+0000, which JSON can carry (`\u0000`) but PostgreSQL's text cannot: a string holding it would be
 * refused by the database mid-command (a 500), or stored in the log and fail every read model copying it.
 */
const NUL = '\u0000';

/**
 * Half of a UTF-16 surrogate pair without its other half (`"\ud83d"`), which JSON can carry but no
 * Unicode text holds: the event log's json column takes it as written, and every reader that parses
 * the log as jsonb (the read models, the notifier, a rebuild) then fails on that event for good.
 */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Why a string or key cannot be stored as text, if it cannot. */
function unstorable(text: string): string | undefined {
  if (text.includes(NUL)) return 'the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'a lone UTF-16 surrogate (half of a pair, like \\ud83d without its partner)';
  return undefined;
}

/**
 * The first thing wrong with the shape of a parsed body: nesting deeper than `maxDepth`, an object with
 * more than MAX_JSON_KEYS keys or an array with more than MAX_JSON_ITEMS items, a key that names a
 * prototype, or a NUL character or a lone surrogate in a key or a string. Walks the value with an
 * explicit stack, so no input can overflow this check.
 */
export function findHostileJson(body: unknown, maxDepth = MAX_JSON_DEPTH): HostileJson | undefined {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: body, path: '', depth: 1 }];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    const wrong = typeof value === 'string' ? unstorable(value) : undefined;
    if (wrong) return { code: 'REQUEST.INVALID', field: truncate(path || 'body'), message: `must not contain ${wrong}` };
    if (value === null || typeof value !== 'object') continue;
    if (depth > maxDepth) {
      return { code: 'REQUEST.TOO_DEEP', field: path || 'body', message: `nests deeper than ${maxDepth} levels of objects and arrays` };
    }
    const list = Array.isArray(value);
    if (list && value.length > MAX_JSON_ITEMS) return { code: 'REQUEST.INVALID', field: truncate(path || 'body'), message: `has more than ${MAX_JSON_ITEMS} items` };
    const keys = Object.keys(value);
    if (!list && keys.length > MAX_JSON_KEYS) return { code: 'REQUEST.INVALID', field: truncate(path || 'body'), message: `has more than ${MAX_JSON_KEYS} keys` };
    for (const key of keys) {
      const wrongKey = unstorable(key);
      if (wrongKey) return { code: 'REQUEST.INVALID', field: truncate(path || 'body'), message: `must not have a key that contains ${wrongKey}` };
      const field = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) {
        return { code: 'REQUEST.FORBIDDEN_KEY', field: truncate(field), message: `${key} is a reserved name and may not be used as a key` };
      }
      pending.push({ value: (value as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  return undefined;
}

/** The `type` of requireUtf8's error, as the body parser's own errors carry one. */
export const NOT_UTF8 = 'entity.not.utf8';

/**
 * The JSON parser's check of the bytes it read: JSON text is UTF-8, and the parser would decode bytes
 * that are not (a lone surrogate written as bytes, `\xff`, an overlong NUL) as U+FFFD, which the event
 * log would then keep for good in place of what was sent. Thrown here, the parser answers
 * REQUEST.MALFORMED_JSON (ProblemDetailsFilter).
 */
function requireUtf8(_request: Request, _response: Response, body: Buffer): void {
  if (!isUtf8(body)) throw Object.assign(new Error('it is not UTF-8, as JSON text must be.'), { type: NOT_UTF8 });
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

const UNSUBSCRIBE_LINK = /^\/unsubscribe\/[^/]+\/?$/;
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * Before anything else reads the request: a body whose declared length is over the limit is 413 at
 * once, and the connection closed. The parser decides the same before reading a byte, but then reads
 * the whole body to discard it before it answers: a client declaring 100 MB and sending little waited
 * for Node's request timeout (five minutes) to hear anything. Unlike the other checks of the body it
 * comes before authentication: it reads nothing, tells only the documented BODY_LIMIT, and deferred,
 * a refusal by the guards would leave the declared body to be read off the connection to discard it.
 * A body in a content encoding is left to the parser, which counts it as it inflates.
 */
export function refuseOversizeBody(limitBytes: number) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const length = Number(request.headers['content-length']);
    const encoding = request.headers['content-encoding'];
    if (!(length > limitBytes) || (encoding !== undefined && encoding.toLowerCase() !== 'identity')) return next();
    response.setHeader('Connection', 'close');
    next(bodyTooLarge(limitBytes));
  };
}

/** Before the JSON parser: a body in any other media type is 415, not silently ignored. */
function requireJsonBody(request: Request, _response: Response, next: NextFunction): void {
  if (!METHODS_WITH_BODY.has(request.method) || !hasBody(request)) return next();
  // The one form the API takes: a mail client's one-click unsubscribe (RFC 8058) POSTs
  // `List-Unsubscribe=One-Click` to the link, as either form media type. Its body is never read.
  const form = request.method === 'POST' && UNSUBSCRIBE_LINK.test(request.path);
  if (form ? request.is(FORM_TYPES) : request.is('application/json')) return next();
  const sent = request.headers['content-type'];
  const got = sent ? `"${truncate(sent)}"` : 'no Content-Type';
  next(
    new ProblemException(
      415,
      'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      'Unsupported Media Type',
      form
        ? `Send the one-click form "List-Unsubscribe=One-Click" as application/x-www-form-urlencoded or multipart/form-data, as a mail client does (got ${got}).`
        : `Send the body as JSON with "Content-Type: application/json" (got ${got}).`,
      [{ field: 'header:Content-Type', message: form ? `must be ${FORM_TYPES.join(' or ')}` : 'must be application/json' }],
    ),
  );
}

/**
 * After the JSON parser, before any DTO sees the body: refuses hostile shapes, refuses a top-level
 * array or scalar (every write takes an object), and reads a missing body as `{}` so that
 * `POST /projects/{id}/resume` without a body means the same as with `{}`.
 */
function inspectJsonBody(request: Request, _response: Response, next: NextFunction): void {
  if (!METHODS_WITH_BODY.has(request.method)) return next();
  if (request.body === undefined) {
    request.body = {};
    return next();
  }
  if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) {
    return next(
      new ProblemException(400, 'REQUEST.INVALID', 'Bad Request', 'The body must be a JSON object.', [
        { field: 'body', message: 'must be a JSON object' },
      ]),
    );
  }
  const hostile = findHostileJson(request.body);
  if (!hostile) return next();
  const { code, ...error } = hostile;
  next(new ProblemException(400, code, 'Bad Request', `The request is invalid: ${error.field}: ${error.message}.`, [error]));
}

/**
 * The checks of a body, as Express middleware in their order: its media type (415), the JSON parser
 * (413 past `limitBytes` as it counts them, inflated; 400 for bad syntax or bytes that are not UTF-8)
 * and its shape (400). Not strict: the parser's strict mode calls a body of `null` or `5` "not valid
 * JSON", which it is; inspectJsonBody refuses it for what it is, valid JSON that is not an object.
 * `verify` is the check of its bytes that Nest's body parser options leave out (Nest keeps it for
 * its rawBody option, not used here). Run by JsonBodyGuard once the caller is known to be allowed.
 */
export function jsonBodyChecks(limitBytes: number): RequestHandler[] {
  return [requireJsonBody, json({ limit: limitBytes, strict: false, verify: requireUtf8 }), inspectJsonBody];
}

function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
