import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { type Answer, burst, expectConverged, prepareProjects } from '../support/command-burst.js';
import { type FaultHarness, startHarness, until } from './fault-harness.js';

let harness: FaultHarness;

beforeAll(async () => {
  harness = await startHarness('fault_redis_flushed');
});

afterAll(async () => {
  await harness?.dispose();
});

it('converges without anyone running a command when Redis loses its queues (FLUSHDB) mid-burst', async () => {
  const api = await harness.api();
  await harness.worker();
  const projects = await prepareProjects(api.url, harness.adminKey, 20);
  const answers: Answer[] = [];
  const bursting = burst([api.url], harness.adminKey, projects, 600, 16, answers);

  const redis = new Redis(harness.redis.url);
  try {
    await until(() => answers.length >= 150);
    expect(await redis.flushdb()).toBe('OK');
    await until(() => answers.length >= 400);
    expect(await redis.flushdb()).toBe('OK');
  } finally {
    redis.disconnect();
  }
  await bursting;

  expect(answers.filter((a) => a.status !== 201)).toEqual([]);
  const converged = await expectConverged(harness.env.config.databaseUrl);
  expect(converged.events).toBe(20 * 4 + 600);
}, 120_000);
