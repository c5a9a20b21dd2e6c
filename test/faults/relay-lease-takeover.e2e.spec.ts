import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import pg from 'pg';
import { findLaggingProjects } from '@app/read-models';
import { prepareProjects } from '../support/command-burst.js';
import { eventually } from '../support/test-environment.js';
import { type FaultHarness, startHarness } from './fault-harness.js';

// Reconciles a minute apart: within this spec only an announcement turned into a batch brings a view up
// to date, and only the relay holding the lease does that.
const RECONCILE_INTERVAL_MS = 60_000;

let harness: FaultHarness;
let redis: Redis;
let pool: pg.Pool;

beforeAll(async () => {
  harness = await startHarness('fault_relay_lease', { RECONCILE_INTERVAL_MS: String(RECONCILE_INTERVAL_MS) });
  redis = new Redis(harness.redis.url, { maxRetriesPerRequest: 1 });
  pool = new pg.Pool({ connectionString: harness.env.config.databaseUrl, max: 2 });
});

afterAll(async () => {
  await pool?.end();
  redis?.disconnect();
  await harness?.dispose();
});

async function viewsCurrent(): Promise<boolean> {
  return (await findLaggingProjects(pool)).length === 0;
}

it('brings views up to date within seconds after the worker holding the relay lease is SIGKILLed, the reconcile a minute away', async () => {
  const leaseKey = `${harness.env.config.queuePrefix}:projections-relay-lease`;
  const first = await harness.worker();
  const holder = await redis.get(leaseKey);
  expect(holder).toEqual(expect.any(String));

  await harness.worker();
  const api = await harness.api();
  const [project] = await prepareProjects(api.url, harness.adminKey, 1);
  await eventually(viewsCurrent, 10_000, 'views to follow while the first worker holds the lease');
  // The second worker renewed at least once meanwhile and left the lease where it was.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(await redis.get(leaseKey)).toBe(holder);

  await first.kill('SIGKILL');
  const recorded = await fetch(`${api.url}/projects/${project!.projectId}/indicators/${project!.indicatorId}/measurements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${harness.adminKey}` },
    body: JSON.stringify({ value: 40, date: '2024-03-01' }),
  });
  expect(recorded.status).toBe(201);

  await eventually(
    async () => {
      const now = await redis.get(leaseKey);
      return now !== null && now !== holder;
    },
    10_000,
    'the second worker to take the lease',
  );
  await eventually(viewsCurrent, 10_000, 'the second worker to project the measurement');
}, 60_000);
