import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { Redis } from 'ioredis';
import { rateLimitStorageFailures } from '../metrics/metrics.js';

/**
 * Longest a rate-limit check waits for a Redis that hangs (one that is down fails at once) before the
 * request goes on unlimited. Generous, because a stalled event loop runs timers before the socket's
 * answer and so can make a prompt answer look late.
 */
const REDIS_COMMAND_TIMEOUT_MS = 1_000;

/**
 * One atomic step of a fixed window: count the hit (INCR, and PEXPIRE on the window's first hit) and
 * say whether the key is over its limit. With a block duration, going over sets a separate block key
 * that outlives the window; without one (0), the block ends with the window.
 * KEYS[1] hit counter, KEYS[2] block marker; ARGV: window ms, limit, block ms.
 * Answers {hits, window ms left, blocked 0/1, block ms left}.
 */
const THROTTLE_SCRIPT = `
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft > 0 then
  return { tonumber(redis.call('GET', KEYS[1]) or '0'), math.max(redis.call('PTTL', KEYS[1]), 0), 1, blockLeft }
end
local hits = redis.call('INCR', KEYS[1])
local windowLeft = redis.call('PTTL', KEYS[1])
if windowLeft < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  windowLeft = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  local block = tonumber(ARGV[3])
  if block > 0 then
    redis.call('SET', KEYS[2], '1', 'PX', block)
    return { hits, windowLeft, 1, block }
  end
  return { hits, windowLeft, 1, windowLeft }
end
return { hits, windowLeft, 0, 0 }
`;

interface ThrottleCommands {
  throttle(counterKey: string, blockKey: string, windowMs: number, limit: number, blockMs: number): Promise<[number, number, number, number]>;
}

/**
 * @nestjs/throttler storage in Redis, so every API process counts against the same windows. (The
 * Redis storages published for the throttler do not accept NestJS 12 as a peer.)
 *
 * When Redis cannot answer within a second, the request is let through and the failure
 * counted in `project_tracker_rate_limit_storage_failures_total`: rate limiting protects the API, and
 * Redis being down must not take the whole API down with it.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimits');
  private readonly redis: Redis & ThrottleCommands;
  private lastWarning = 0;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
  ) {
    this.redis = new Redis(redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    }) as Redis & ThrottleCommands;
    this.redis.defineCommand('throttle', { numberOfKeys: 2, lua: THROTTLE_SCRIPT });
    this.redis.on('error', () => undefined);
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    // The braces keep both keys of one tracker in one Redis Cluster slot.
    const counterKey = `${this.prefix}:rate:{${throttlerName}:${key}}`;
    try {
      const [hits, windowLeft, blocked, blockLeft] = await this.redis.throttle(counterKey, `${counterKey}:blocked`, ttl, limit, blockDuration);
      return {
        totalHits: hits,
        timeToExpire: Math.ceil(windowLeft / 1000),
        isBlocked: blocked === 1,
        timeToBlockExpire: Math.ceil(blockLeft / 1000),
      };
    } catch (error) {
      rateLimitStorageFailures.inc();
      this.warnAtMostEveryMinute(error);
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }

  private warnAtMostEveryMinute(error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.logger.warn(`Redis did not answer a rate-limit check; requests go unlimited until it does: ${error instanceof Error ? error.message : String(error)}`);
  }
}
