import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { PROJECTIONS_QUEUE } from '@app/read-models';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { PROBLEM_CONTENT_TYPE, problemType } from '../common/problem.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board at /admin/queues, for admin keys only. Browsers cannot send a Bearer header, so the board
 * also takes HTTP Basic authentication with the API key as the password (any user name).
 */
export function mountQueueBoard(app: INestApplication, queueNames: string[] = [PROJECTIONS_QUEUE]): void {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queueNames.map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name)), { allowRetries: true })),
    serverAdapter: adapter,
  });
  const keys = app.get(ApiKeysService);
  app.use(QUEUE_BOARD_PATH, adminOnly(keys), adapter.getRouter());
}

function adminOnly(keys: ApiKeysService) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const secret = secretOf(request.headers.authorization);
    const refuse = (status: 401 | 403, detail: string) => {
      if (status === 401) response.setHeader('WWW-Authenticate', 'Basic realm="Project Tracker queues", charset="UTF-8"');
      response
        .status(status)
        .type(PROBLEM_CONTENT_TYPE)
        .send(JSON.stringify({ type: problemType(`AUTH.${status}`), title: status === 401 ? 'Unauthorized' : 'Forbidden', status, detail, code: `AUTH.${status}` }));
    };
    if (!secret) return refuse(401, 'Sign in with an admin API key (as the password).');
    keys
      .authenticate(secret)
      .then((actor) => {
        if (!actor) return refuse(401, 'The API key is unknown, revoked or expired.');
        if (actor.role !== 'admin') return refuse(403, 'The queue board is for admin keys.');
        next();
      })
      .catch(next);
  };
}

function secretOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}
