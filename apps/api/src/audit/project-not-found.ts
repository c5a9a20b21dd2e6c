import { ProblemException } from '../common/problem.js';

export function projectNotFound(id: string): ProblemException {
  return new ProblemException(404, 'PROJECT.NOT_FOUND', 'Not Found', `Project ${id} does not exist.`);
}
