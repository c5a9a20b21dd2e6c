import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

class FieldErrorDto {
  @ApiProperty({ example: 'location.latitude' }) field!: string;
  @ApiProperty({ example: 'latitude must not be greater than 90' }) message!: string;
}

/** RFC 9457 problem details, as ProblemDetailsFilter writes every error. */
export class ProblemDto {
  @ApiProperty({ example: 'https://project-tracker.example/problems/project-invalid-transition' }) type!: string;
  @ApiProperty({ example: 'Conflict' }) title!: string;
  @ApiProperty({ example: 409 }) status!: number;
  @ApiProperty({ description: 'What went wrong, for a person to act on' }) detail!: string;
  @ApiProperty({ description: 'Stable machine-readable code', example: 'PROJECT.INVALID_TRANSITION' }) code!: string;
  @ApiPropertyOptional({ description: 'The request path' }) instance?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'The input fields at fault (validation)' }) errors?: FieldErrorDto[];
  @ApiPropertyOptional({ description: 'What the problem is about, where that exists (the subscription or key a refused replay names)' })
  resourceId?: string;
  @ApiPropertyOptional({ description: 'Ties the answer to the log line' }) requestId?: string;
}

/** When each problem status is answered (design brief, HTTP contract). */
const WHEN: Record<ProblemStatus | (typeof ALWAYS)[number], string> = {
  400: 'Malformed or invalid input; `errors` names the fields at fault',
  401: 'No API key, or one that is unknown, revoked or expired',
  403: "The key's role or project scope does not allow this",
  404: 'Unknown project, milestone, indicator or other resource named in the path',
  409: 'Not allowed in the current state, or a duplicate',
  412: '`If-Match` names another version than the project is at',
  422: '`Idempotency-Key` reused with a different request',
  429: 'Too many requests from this key or address (RATE_LIMIT_PER_MINUTE); `Retry-After` says when to try again',
  503: 'PostgreSQL is unreachable, or the API is taking more requests than it can serve; `Retry-After` says when to try again',
};

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 412 | 422;

/** Answers any operation may give, whatever it does: rate limiting and an unavailable database. */
const ALWAYS = [429, 503] as const;

/**
 * Documents the problem+json answers an operation can give, each with the shared problem schema, and
 * the 429 and 503 any operation may give.
 */
export function ApiProblemResponses(...statuses: ProblemStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...[...statuses, ...ALWAYS].map((status) =>
      ApiResponse({
        status,
        description: WHEN[status],
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}
