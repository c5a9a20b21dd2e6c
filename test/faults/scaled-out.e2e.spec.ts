import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { type Answer, burst, expectConverged, prepareProjects } from '../support/command-burst.js';
import { type FaultHarness, startHarness } from './fault-harness.js';

let harness: FaultHarness;

beforeAll(async () => {
  harness = await startHarness('fault_scaled_out');
});

afterAll(async () => {
  await harness?.dispose();
});

it('keeps per-project order and exactly-once effects with two API and two worker processes', async () => {
  const apis = await Promise.all([harness.api(), harness.api()]);
  await Promise.all([harness.worker(), harness.worker()]);
  const projects = await prepareProjects(apis[0]!.url, harness.adminKey, 20);
  const answers: Answer[] = [];
  await burst(apis.map((api) => api.url), harness.adminKey, projects, 600, 16, answers);

  expect(answers.filter((a) => a.status !== 201)).toEqual([]);
  const converged = await expectConverged(harness.env.config.databaseUrl);
  expect(converged.events).toBe(20 * 4 + 600);

  // Each project's answered versions are distinct: the two APIs never both appended at one version.
  for (const { projectId } of projects) {
    const versions = answers.filter((a) => a.projectId === projectId).map((a) => a.version);
    expect(new Set(versions).size).toBe(versions.length);
  }
  const pool = new pg.Pool({ connectionString: harness.env.config.databaseUrl });
  try {
    const gaps = await pool.query(
      `SELECT stream_id FROM events GROUP BY stream_id HAVING max(stream_version) <> count(*) OR min(stream_version) <> 1`,
    );
    expect(gaps.rows).toEqual([]);
  } finally {
    await pool.end();
  }
}, 120_000);
