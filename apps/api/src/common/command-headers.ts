import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ProblemException } from './problem.js';
import { MAX_VERSION } from './validation.js';

/** Headers that shape how a command runs. */
export interface CommandHeaders {
  /** From `If-Match`: the versions its tags name, any of which the project may be at (none for `If-Match: *`). */
  expectedVersions?: readonly number[];
  idempotencyKey?: string;
  correlationId?: string;
  /** From `X-Causation-Id`: the message this command answers to (an event id, another request's id). */
  causationId?: string;
}

/** One entity tag as RFC 9110 writes it: `"3"`, or weak, `W/"3"`. */
const ENTITY_TAG = /^\s*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*$/;
/** The tag of a project version, as its ETag gives it: the version in decimal, without leading zeros. */
const VERSION_TAG = /^(?:0|[1-9]\d{0,9})$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
const MESSAGE_ID = /^[\x21-\x7e]{1,200}$/;

export function parseCommandHeaders(request: Request): CommandHeaders {
  const headers: CommandHeaders = {};
  const ifMatch = request.header('if-match');
  if (ifMatch !== undefined) {
    const versions = ifMatchVersions(ifMatch);
    if (versions !== '*') headers.expectedVersions = versions;
  }
  const idempotencyKey = parseIdempotencyKey(request);
  if (idempotencyKey !== undefined) headers.idempotencyKey = idempotencyKey;
  const correlationId = messageId(request, 'X-Correlation-Id');
  if (correlationId !== undefined) headers.correlationId = correlationId;
  const causationId = messageId(request, 'X-Causation-Id');
  if (causationId !== undefined) headers.causationId = causationId;
  return headers;
}

/** `Idempotency-Key`, checked: every write that honours it reads it here, so all refuse the same keys. */
export function parseIdempotencyKey(request: Request): string | undefined {
  const idempotencyKey = request.header('idempotency-key');
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw invalidHeader('Idempotency-Key', 'must be 1 to 200 visible ASCII characters');
  }
  return idempotencyKey;
}

function messageId(request: Request, name: string): string | undefined {
  const value = request.header(name);
  if (value !== undefined && !MESSAGE_ID.test(value)) throw invalidHeader(name, 'must be 1 to 200 visible ASCII characters');
  return value;
}

/**
 * The versions `If-Match` names: `*` (any version the project is at), or a list of entity tags, any of
 * which may match (RFC 9110 §13.1.1). They compare strongly, character by character: a weak tag never
 * matches, nor does "02" the tag "2" of version 2, nor a tag no version has ("abc", "9999999999"). When
 * none of them can match, 412 at once, saying why; a header that is no list of tags is 400.
 */
function ifMatchVersions(header: string): number[] | '*' {
  if (header.trim() === '*') return '*';
  const tags = header
    .split(',')
    .filter((member) => member.trim() !== '')
    .map((member) => ENTITY_TAG.exec(member));
  if (tags.length === 0 || tags.some((tag) => tag === null)) throw invalidHeader('If-Match', 'must be a project version in quotes, like "3", or a list of them');
  const versions = tags
    .filter((tag) => tag![1] === undefined && VERSION_TAG.test(tag![2]!) && Number(tag![2]) <= MAX_VERSION)
    .map((tag) => Number(tag![2]));
  if (versions.length > 0) return versions;
  const [, weak, opaque] = tags[0]!;
  const digits = /^\d+$/.test(opaque!);
  const like = digits && Number(opaque) <= MAX_VERSION ? `"${Number(opaque)}"` : '"3"';
  const why =
    tags.length > 1
      ? `none of the tags in If-Match (${header.trim()}) is the tag of a version: a weak tag never matches, and tags compare character by character`
      : weak
        ? `If-Match compares versions strongly, and a weak tag (${header.trim()}) never matches`
        : `If-Match compares tags character by character, and ${header.trim()} is the tag of no version`;
  throw new ProblemException(412, 'PROJECT.VERSION_MISMATCH', 'Precondition Failed', `${why.replace(/^./, (c) => c.toUpperCase())}; send the ETag as GET /projects/{id} gives it, like ${like}.`);
}

function invalidHeader(name: string, message: string): ProblemException {
  return new ProblemException(400, 'REQUEST.INVALID_HEADER', 'Bad Request', `${name} ${message}.`, [
    { field: `header:${name}`, message },
  ]);
}

export const CommandHeadersParam = createParamDecorator((_: unknown, context: ExecutionContext) =>
  parseCommandHeaders(context.switchToHttp().getRequest<Request>()),
);
