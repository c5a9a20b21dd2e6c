import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { AppConfig } from '@app/config';
import type { AuthenticatedRequest } from '../auth/auth.decorators.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

export type RateLimitName = 'address' | 'key';

/** Each limit counts requests in fixed windows of a minute. */
export const WINDOW_MS = 60_000;

/** Where a limit counts a tracker's requests (a client address, a key id) in the store. */
export function rateLimitKey(name: RateLimitName, tracker: string): string {
  return `${name}:${tracker}`;
}

export function describeRateLimit(name: RateLimitName, limit: number): string {
  return name === 'key'
    ? `This API key made more than ${limit} requests in a minute.`
    : `This client address made more than ${limit} requests in a minute.`;
}

const actorOf = (context: ExecutionContext) => context.switchToHttp().getRequest<AuthenticatedRequest>().actor;

/**
 * Two fixed one-minute windows counted in Redis: per client address (Express's `req.ip`, which honours
 * TRUST_PROXY) and per API key. A limit of 0 turns that window off. Each window is global to its
 * tracker rather than per route, and a request over the limit is refused until the window ends.
 */
export function rateLimitOptions(config: AppConfig): ThrottlerModuleOptions {
  return {
    storage: new RedisThrottlerStorage(config.redisUrl, config.queuePrefix),
    generateKey: (_context, tracker, name) => rateLimitKey(name as RateLimitName, tracker),
    throttlers: [
      {
        name: 'address',
        ttl: WINDOW_MS,
        limit: config.rateLimitPerAddressPerMinute,
        blockDuration: 0,
        skipIf: () => config.rateLimitPerAddressPerMinute === 0,
      },
      {
        name: 'key',
        ttl: WINDOW_MS,
        limit: config.rateLimitPerMinute,
        blockDuration: 0,
        skipIf: (context) => config.rateLimitPerMinute === 0 || actorOf(context) === undefined,
        getTracker: (request) => (request as AuthenticatedRequest).actor!.keyId,
      },
    ],
  };
}
