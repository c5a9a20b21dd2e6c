/** An RFC 9457 problem details body. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** Stable machine-readable code, e.g. PROJECT.INVALID_TRANSITION. */
  code: string;
  /** The input fields at fault, for validation problems. */
  errors?: FieldError[];
  /** What the problem is about, where it is something that exists (the subscription a replay names). */
  resourceId?: string;
  requestId?: string;
}

export interface FieldError {
  field: string;
  message: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The `type` URI of a problem code: PROJECT.INVALID_TRANSITION -> .../problems/project-invalid-transition. */
export function problemType(code: string): string {
  return `https://project-tracker.example/problems/${code.toLowerCase().replaceAll(/[._]/g, '-')}`;
}

/**
 * 413 REQUEST.TOO_LARGE naming the body: said the same whether the declared length gave it away
 * (refuseOversizeBody) or the JSON parser counted it.
 */
export function bodyTooLarge(limitBytes: number): ProblemException {
  return new ProblemException(413, 'REQUEST.TOO_LARGE', 'Payload Too Large', `The body is larger than the limit of ${limitBytes} bytes.`, [
    { field: 'body', message: `must be at most ${limitBytes} bytes` },
  ]);
}

/** A 4xx whose body is already a problem (validation, preconditions, idempotency). */
export class ProblemException extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
    readonly members: Pick<ProblemDetails, 'resourceId'> = {},
  ) {
    super(detail);
    this.name = 'ProblemException';
  }
}

/**
 * A project whose stored events cannot be replayed (an unknown type, data of another shape, no proposal
 * first): no fault of the caller's, and none of the code's either, but a hand-made change to the stored
 * history, which the project's audit locates.
 */
export function historyUnreadable(projectId: string, where: string): ProblemException {
  return new ProblemException(
    500,
    'PROJECT.HISTORY_UNREADABLE',
    'Internal Server Error',
    `The stored history of project ${projectId} cannot be replayed ${where}; GET /projects/${projectId}/audit tells whether it was altered.`,
  );
}
