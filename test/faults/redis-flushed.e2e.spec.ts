import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import pg from 'pg';
import { eventually } from '../support/test-environment.js';
import { type Answer, burst, expectConverged, prepareProjects } from '../support/command-burst.js';
import { type FaultHarness, startHarness, until } from './fault-harness.js';

let harness: FaultHarness;

beforeAll(async () => {
  // Checkpoints every second: one that covers the whole log shows their schedule outlived the flushes.
  harness = await startHarness('fault_redis_flushed', { AUDIT_CHECKPOINT_INTERVAL_MS: '1000' });
});

afterAll(async () => {
  await harness?.dispose();
});

it('converges without anyone running a command when Redis loses its queues (FLUSHDB) mid-burst, and audit checkpoints go on', async () => {
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

  // The checkpoint schedule lived in Redis too: a checkpoint sealing every event shows it was set again.
  const db = new pg.Pool({ connectionString: harness.env.config.databaseUrl, max: 1 });
  try {
    const sealed = async () => Number((await db.query('SELECT coalesce(max(total_events), 0) AS n FROM audit_checkpoints')).rows[0].n);
    await eventually(async () => (await sealed()) === converged.events, 20_000, 'a checkpoint of the whole log');
  } finally {
    await db.end();
  }
}, 120_000);
