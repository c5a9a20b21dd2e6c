import { ForbiddenException, type INestApplication, UnauthorizedException } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { PROJECTIONS_QUEUE } from '@app/read-models';
import type { AppConfig } from '@app/config';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { addressRateLimit } from '../rate-limits/address-rate-limit.middleware.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board at /admin/queues, for admin keys only. Browsers cannot send a Bearer header, so the board
 * also takes HTTP Basic authentication with the API key as the password (any user name). A browser sends
 * Basic credentials by itself, as it sends cookies, so a change (any method but GET and HEAD) sent by a
 * page of another site is refused (`crossSite`): else a form elsewhere could add or remove jobs through
 * an admin's signed-in browser. Refusals are the API's own problems (ProblemDetailsFilter), with a Basic
 * challenge for the browser to ask for the key. A body is read and checked as the API's own routes
 * check theirs (`bodyChecks`), once the key is known to be an admin's. Every request counts against the
 * per-address limit first, as on the API's routes: the board takes the admin key, the one worth guessing.
 */
export function mountQueueBoard(app: INestApplication, config: AppConfig, bodyChecks: RequestHandler[], queueNames: string[] = [PROJECTIONS_QUEUE]): void {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queueNames.map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name)), { allowRetries: true })),
    serverAdapter: adapter,
  });
  const keys = app.get(ApiKeysService);
  app.use(QUEUE_BOARD_PATH, addressRateLimit(app, config), adminOnly(keys), ...bodyChecks, adapter.getRouter());
}

function adminOnly(keys: ApiKeysService) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const secret = secretOf(request.headers.authorization);
    const refuse = (status: 401 | 403, detail: string) => {
      if (status === 401) response.setHeader('WWW-Authenticate', 'Basic realm="Project Tracker queues", charset="UTF-8"');
      next(status === 401 ? new UnauthorizedException(detail) : new ForbiddenException(detail));
    };
    if (crossSite(request)) return refuse(403, 'The queue board takes changes only from its own pages, not from another site.');
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

/**
 * A change a browser sent from a page of another site: by its Sec-Fetch-Site, or, from a browser that
 * does not send it, an Origin naming another host than the request's. A client that is no browser
 * sends neither, and needs the key anyway.
 */
function crossSite(request: Request): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return false;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== request.host;
  } catch {
    return true;
  }
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
