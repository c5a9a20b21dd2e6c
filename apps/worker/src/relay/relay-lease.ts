import { randomUUID } from 'node:crypto';

/** The one Redis command the lease needs (ioredis's `eval`). */
interface RedisEval {
  eval(script: string, keys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Takes the lease if nobody holds it, or extends it if this relay does; answers 1 when held. */
const TAKE_OR_EXTEND = `
  local holder = redis.call('GET', KEYS[1])
  if holder == false or holder == ARGV[1] then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
    return 1
  end
  return 0`;

/** Gives the lease up if this relay holds it. */
const RELEASE = `
  if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
  return 0`;

/**
 * Which of several workers' relays turns announcements into batch jobs: the one holding this lease, a
 * key in Redis that expires unless renewed. Every relay hears every announcement, and a batch job
 * each would sync each project as many times; the others leave the announcements to the holder (they
 * still reconcile, whose per-project offers are deduplicated by job id). A holder that dies stops
 * renewing, and another relay takes the lease within `ttlMs`; meanwhile the reconcile loops carry on.
 */
export class RelayLease {
  private readonly holder = randomUUID();
  private heldUntil = 0;

  constructor(
    private readonly redis: RedisEval,
    private readonly key: string,
    private readonly ttlMs: number,
  ) {}

  /** Whether this relay held the lease when it last renewed it, and still does by its own clock. */
  get held(): boolean {
    return performance.now() < this.heldUntil;
  }

  /** Takes or extends the lease; false (and not held) if another relay has it or Redis did not answer. */
  async renew(): Promise<boolean> {
    const asked = performance.now();
    try {
      const answer = await this.redis.eval(TAKE_OR_EXTEND, 1, this.key, this.holder, this.ttlMs);
      // Counted from when it was asked, so that this relay stops before the key can have expired.
      this.heldUntil = answer === 1 ? asked + this.ttlMs : 0;
    } catch {
      this.heldUntil = 0;
    }
    return this.held;
  }

  /** Gives the lease up (at shutdown), so that another relay takes it at its next renewal. */
  async release(): Promise<void> {
    this.heldUntil = 0;
    await this.redis.eval(RELEASE, 1, this.key, this.holder).catch(() => undefined);
  }
}
