import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { ProblemException } from '../common/problem.js';
import { type RateLimitName, describeRateLimit } from './rate-limit.options.js';

/**
 * One named throttler of the rate-limit options, as its own guard, so that the per-address limit runs
 * before authentication (unknown keys count too) and the per-key limit after it (it needs the key).
 */
abstract class NamedRateLimitGuard extends ThrottlerGuard {
  protected abstract readonly throttlerName: RateLimitName;

  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    this.throttlers = this.throttlers.filter((throttler) => throttler.name === this.throttlerName);
  }

  /** The throttler also sends `Retry-After-<name>`; the standard Retry-After on the 429 says it all. */
  protected override setResponseHeader(response: Record<string, unknown>, name: string, value: string | number): void {
    if (name.startsWith('Retry-After-')) return;
    super.setResponseHeader(response, name, value);
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw rateLimitExceeded(this.throttlerName, detail.limit, detail.timeToBlockExpire);
  }
}

/** 429 RATE_LIMIT.EXCEEDED for the limit `name`, with Retry-After: the seconds until its window ends. */
export function rateLimitExceeded(name: RateLimitName, limit: number, secondsLeft: number): ProblemException {
  const retryAfter = Math.max(1, secondsLeft);
  return new ProblemException(
    429,
    'RATE_LIMIT.EXCEEDED',
    'Too Many Requests',
    `${describeRateLimit(name, limit)} Retry after ${retryAfter} seconds.`,
    undefined,
    { 'Retry-After': String(retryAfter) },
  );
}

/** Requests per client address and minute; registered before the API key guard. */
@Injectable()
export class AddressRateLimitGuard extends NamedRateLimitGuard {
  protected readonly throttlerName = 'address';
}

/** Requests per API key and minute; registered after the API key guard, which names the key. */
@Injectable()
export class KeyRateLimitGuard extends NamedRateLimitGuard {
  protected readonly throttlerName = 'key';
}
