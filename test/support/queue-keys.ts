import { Redis } from 'ioredis';

/**
 * Deletes every Redis key under `prefix` (queues, the relay's lease, rate-limit counters: all of them
 * are `<prefix>:...`), so a spec file leaves nothing behind in the shared Redis. A Redis that cannot be
 * reached (a throwaway server a spec has already stopped) has nothing of ours left to delete.
 */
export async function dropQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: 2_000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch {
    redis.disconnect();
    return;
  }
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
