import pg from 'pg';

/** Said by a pool whose queue is full; the API answers it as 503 with Retry-After, like a pool timeout. */
export const POOL_QUEUE_FULL = 'too many requests are waiting for a database connection';

/**
 * A pg pool that lets at most `maxWaiting` requests wait for a connection: one more fails at once
 * instead of joining the queue. Past what PostgreSQL can serve, a longer queue only holds requests
 * (and their memory) until the connection timeout turns them into 503s anyway; refused at once,
 * they cost nothing and tell the caller to come back (docs/security.md, dependency failures).
 */
export class BoundedPool extends pg.Pool {
  constructor(
    config: pg.PoolConfig,
    private readonly maxWaiting: number,
  ) {
    super(config);
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(
    callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<pg.PoolClient> | void {
    const full = this.waitingCount >= this.maxWaiting && this.idleCount === 0 && this.totalCount >= (this.options.max ?? 10);
    if (!full) return callback ? super.connect(callback) : super.connect();
    const error = new Error(POOL_QUEUE_FULL);
    if (!callback) return Promise.reject(error);
    process.nextTick(() => callback(error, undefined, () => undefined));
  }
}
