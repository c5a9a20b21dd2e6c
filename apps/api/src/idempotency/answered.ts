import type { Response } from 'express';
import type { Answer } from './idempotent-requests.service.js';

/** Sends an answer's status, and says whether it is the replay of a first answer; answers its body. */
export function answered<B>(response: Response, answer: Answer<B>): B {
  response.status(answer.status);
  if (answer.replayed) response.setHeader('Idempotent-Replayed', 'true');
  return answer.body;
}
