import { applyDecorators } from '@nestjs/common';
import { ApiResponse, type ResponseObject, type SchemaObject } from '@nestjs/swagger';
import { apiSchema, arrayOf, closed, integer, string } from './openapi/api-schema.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

const PROBLEM_MEMBERS = {
  type: string('A URI naming the kind of problem, e.g. https://project-tracker.example/problems/project-invalid-transition'),
  title: string('The HTTP status in words, e.g. Conflict'),
  status: integer('The HTTP status'),
  detail: string('What went wrong, for a person to act on'),
  code: string('Stable machine-readable code, e.g. PROJECT.INVALID_TRANSITION'),
  instance: string('The request path'),
  errors: arrayOf(closed({ field: string('e.g. location.latitude, limit, projectId, header:If-Match'), message: string() }), 'The input fields at fault'),
  resourceId: string('What the problem is about, where that exists (the subscription or key a refused replay names)'),
  requestId: string('Ties the answer to the log line'),
};
const OPTIONAL_MEMBERS = ['instance', 'errors', 'resourceId', 'requestId'];

/** RFC 9457 problem details, as ProblemDetailsFilter writes every error (ProblemDetails). */
export const PROBLEM = apiSchema('Problem', closed(PROBLEM_MEMBERS, OPTIONAL_MEMBERS, 'RFC 9457 problem details'));

/** GET /health/ready's 503: a problem with the state of each dependency. */
export function notReadyProblem(checks: SchemaObject) {
  return apiSchema('NotReadyProblem', closed({ ...PROBLEM_MEMBERS, checks }, OPTIONAL_MEMBERS, 'RFC 9457 problem details, with the checks that failed'));
}

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 429 | 503;

/** When each problem status is answered (design brief, HTTP contract); an operation may say more. */
export const WHEN: Record<ProblemStatus, string> = {
  400: 'Malformed or invalid input; `errors` names the fields at fault',
  401: 'No API key, or one that is unknown, revoked or expired',
  403: "The key's role or project scope does not allow this",
  404: 'Unknown project, milestone, indicator or other resource named in the path',
  409: 'Not allowed in the current state, or a duplicate',
  412: '`If-Match` names another version than the project is at',
  413: 'The body is larger than BODY_LIMIT',
  415: 'The body is not `application/json`',
  422: '`Idempotency-Key` reused with a different request',
  429: 'Too many requests from this key or address (RATE_LIMIT_PER_MINUTE); `Retry-After` says when to try again',
  503: 'PostgreSQL is unreachable, or the API is taking more requests than it can serve; `Retry-After` says when to try again',
};

/** Headers that come with some problems. */
export const PROBLEM_HEADERS: Partial<Record<ProblemStatus, ResponseObject['headers']>> = {
  401: { 'WWW-Authenticate': { description: 'The Bearer challenge', schema: { type: 'string' } } },
  429: { 'Retry-After': { description: 'Seconds until a request may be sent again', schema: { type: 'integer' } } },
  503: { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } },
};

/** A problem+json answer of an operation: `description` says when, where the general words are not enough. */
export function problemResponse(status: ProblemStatus, description: string = WHEN[status]): ResponseObject {
  return {
    description,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM } },
    ...(PROBLEM_HEADERS[status] ? { headers: PROBLEM_HEADERS[status] } : {}),
  };
}

/**
 * Documents problem+json answers an operation gives beyond those its shape implies (completeOpenApiDocument
 * adds those: body, key, path ids, query, If-Match, Idempotency-Key): its conflicts, a 404 without an id
 * in the path, a 400 for a query it refuses. A status given as `[status, description]` says when.
 */
export function ApiProblemResponses(...statuses: (ProblemStatus | readonly [ProblemStatus, string])[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((entry) => {
      const [status, description] = typeof entry === 'number' ? [entry, WHEN[entry]] : entry;
      return ApiResponse({ status, ...problemResponse(status, description) });
    }),
  );
}
