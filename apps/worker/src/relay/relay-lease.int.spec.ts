import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { REDIS_URL } from '../../../../test/support/test-environment.js';
import { RelayLease } from './relay-lease.js';

let redis: Redis;
const key = `pt_test_lease_${randomBytes(4).toString('hex')}:projections-relay-lease`;

beforeAll(() => {
  redis = new Redis(REDIS_URL);
});

afterAll(async () => {
  await redis.del(key);
  await redis.quit();
});

describe('RelayLease', () => {
  it('is held by one relay at a time, renewed by it, and taken by another once given up or expired', async () => {
    const first = new RelayLease(redis, key, 300);
    const second = new RelayLease(redis, key, 300);

    expect(await first.renew()).toBe(true);
    expect(await second.renew()).toBe(false);
    expect([first.held, second.held]).toEqual([true, false]);

    // Renewed within its time to live, it stays the first's past that time.
    await sleep(200);
    expect(await first.renew()).toBe(true);
    await sleep(200);
    expect(await second.renew()).toBe(false);
    expect(first.held).toBe(true);

    await first.release();
    expect(first.held).toBe(false);
    expect(await second.renew()).toBe(true);

    // Not renewed (its worker died): it expires, in Redis and by the holder's own clock, and another takes it.
    await sleep(350);
    expect(second.held).toBe(false);
    expect(await first.renew()).toBe(true);
    expect(await second.renew()).toBe(false);
  });

  it('is not held while Redis does not answer', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    unreachable.on('error', () => undefined);
    const lease = new RelayLease(unreachable, key, 300);
    expect(await lease.renew()).toBe(false);
    expect(lease.held).toBe(false);
    unreachable.disconnect();
  });
});
