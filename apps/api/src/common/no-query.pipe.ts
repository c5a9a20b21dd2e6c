import type { PipeTransform } from '@nestjs/common';
import { ProblemException } from './problem.js';

/** More parameters named than this are summed up, as the validation pipe does. */
const MAX_FIELD_ERRORS = 50;

/**
 * The query of an endpoint that takes no parameters: any parameter given is refused with 400 in the
 * validation pipe's words, as an unknown one is on every endpoint that takes some, instead of being
 * ignored (`/portfolio?country=LA` would otherwise answer every country, as if filtered).
 */
export class NoQueryPipe implements PipeTransform<Record<string, unknown> | undefined, Record<string, never>> {
  transform(query: Record<string, unknown> | undefined): Record<string, never> {
    const names = Object.keys(query ?? {}).map((name) => (name.length > 200 ? `${name.slice(0, 200)}…` : name));
    if (names.length === 0) return {};
    const fields = names.slice(0, MAX_FIELD_ERRORS).map((name) => ({ field: name, message: `${name} should not exist` }));
    const listed = fields.slice(0, 10).map(({ field, message }) => `${field}: ${message}`).join('; ');
    throw new ProblemException(400, 'REQUEST.INVALID', 'Bad Request', `The request is invalid: ${listed}${names.length > 10 ? `; and ${names.length - 10} more` : ''}`, fields);
  }
}

/** `@Query(noQuery)`: see NoQueryPipe. */
export const noQuery = new NoQueryPipe();
