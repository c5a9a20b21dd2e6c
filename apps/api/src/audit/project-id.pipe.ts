import { ParseUUIDPipe } from '@nestjs/common';
import { ProblemException } from '../common/problem.js';

export const projectIdPipe = new ParseUUIDPipe({
  exceptionFactory: () =>
    new ProblemException(400, 'REQUEST.INVALID_ID', 'Bad Request', 'An id in the path is not a UUID.', [
      { field: 'path', message: 'must be a UUID' },
    ]),
});

export function projectNotFound(id: string): ProblemException {
  return new ProblemException(404, 'PROJECT.NOT_FOUND', 'Not Found', `Project ${id} does not exist.`);
}
