import type { PipeTransform } from '@nestjs/common';
import { invalidRequest } from './validation.js';

/**
 * The query of an endpoint that takes no parameters: any parameter given is refused with 400 in the
 * validation pipe's words, as an unknown one is on every endpoint that takes some, instead of being
 * ignored (`/portfolio?country=LA` would otherwise answer every country, as if filtered).
 */
export class NoQueryPipe implements PipeTransform<Record<string, unknown> | undefined, Record<string, never>> {
  transform(query: Record<string, unknown> | undefined): Record<string, never> {
    const names = Object.keys(query ?? {});
    if (names.length === 0) return {};
    throw invalidRequest(names.map((name) => ({ field: name, message: `${name} should not exist` })));
  }
}

/** `@Query(noQuery)`: see NoQueryPipe. */
export const noQuery = new NoQueryPipe();

/** The 400 of an endpoint whose query NoQueryPipe checks, for ApiProblemResponses. */
export const NO_QUERY = [400, 'A query parameter was given: this endpoint takes none'] as const;
