import type { INestApplication } from '@nestjs/common';
import { DEFAULT_IPV6_SUBNET_PREFIX, getStorageToken, normalizeIp, type ThrottlerStorage } from '@nestjs/throttler';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppConfig } from '@app/config';
import { rateLimitExceeded } from './rate-limit.guards.js';
import { rateLimitKey, WINDOW_MS } from './rate-limit.options.js';

/**
 * The per-address limit as Express middleware, for routes NestJS's guards do not see (the queue board):
 * the same window and the same counter as AddressRateLimitGuard (its key, rateLimitKey, and its
 * tracker, the client address with an IPv6 one taken by its /64), so that a guess at the admin key there
 * costs what it costs on the API's own routes. Redis failing lets the request through, as it does there.
 */
export function addressRateLimit(app: INestApplication, config: AppConfig): RequestHandler {
  const storage = app.get<ThrottlerStorage>(getStorageToken());
  const limit = config.rateLimitPerAddressPerMinute;
  return (request: Request, _response: Response, next: NextFunction): void => {
    if (limit === 0) return next();
    const tracker = normalizeIp(request.ip ?? '', DEFAULT_IPV6_SUBNET_PREFIX);
    storage.increment(rateLimitKey('address', tracker), WINDOW_MS, limit, 0, 'address').then(
      (record) => next(record.isBlocked ? rateLimitExceeded('address', limit, record.timeToBlockExpire) : undefined),
      next,
    );
  };
}
