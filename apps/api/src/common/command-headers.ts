import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ProblemException } from './problem.js';

/** Headers that shape how a command runs. */
export interface CommandHeaders {
  /** From `If-Match: "<version>"` (none for `If-Match: *`). */
  expectedVersion?: number;
  idempotencyKey?: string;
  correlationId?: string;
  /** From `X-Causation-Id`: the message this command answers to (an event id, another request's id). */
  causationId?: string;
}

/** An entity tag as RFC 9110 writes it: `"3"`, or weak, `W/"3"`; or `*`, any current version. */
const IF_MATCH = /^\s*(?:(\*)|(W\/)?"(\d{1,9})")\s*$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
const MESSAGE_ID = /^[\x21-\x7e]{1,200}$/;

export function parseCommandHeaders(request: Request): CommandHeaders {
  const headers: CommandHeaders = {};
  const ifMatch = request.header('if-match');
  if (ifMatch !== undefined) {
    const match = IF_MATCH.exec(ifMatch);
    if (!match) throw invalidHeader('If-Match', 'must be a project version in quotes, like "3"');
    const [, any, weak, version] = match;
    // If-Match compares strongly (RFC 9110 §13.1.1): a weak tag never matches, whatever its version.
    if (weak) {
      throw new ProblemException(
        412,
        'PROJECT.VERSION_MISMATCH',
        'Precondition Failed',
        `If-Match compares versions strongly, and a weak tag (${ifMatch.trim()}) never matches; send the ETag as GET /projects/{id} gives it, like "${version}".`,
      );
    }
    // Strongly, tags match character by character: "02" is not the tag "2" a project at version 2 has.
    if (version !== undefined && version.length > 1 && version.startsWith('0')) {
      throw new ProblemException(
        412,
        'PROJECT.VERSION_MISMATCH',
        'Precondition Failed',
        `If-Match compares tags character by character, and ${ifMatch.trim()} is the tag of no version; send the ETag as GET /projects/{id} gives it, like "${Number(version)}".`,
      );
    }
    // `*` matches whatever version the project is at: no expectation beyond its being there.
    if (!any) headers.expectedVersion = Number(version);
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

function invalidHeader(name: string, message: string): ProblemException {
  return new ProblemException(400, 'REQUEST.INVALID_HEADER', 'Bad Request', `${name} ${message}.`, [
    { field: `header:${name}`, message },
  ]);
}

export const CommandHeadersParam = createParamDecorator((_: unknown, context: ExecutionContext) =>
  parseCommandHeaders(context.switchToHttp().getRequest<Request>()),
);
