import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';

import { PostgresEventStore } from '@app/event-store';

import { readDemoKeys } from '../apps/cli/src/demo/demo-keys.js';
import { prepareDemoTour, type DemoTourOptions } from '../apps/cli/src/demo/demo-tour.command.js';
import { renderTour, tourSteps, tourVariables, type TourContext } from '../apps/cli/src/demo/demo-tour.js';
import { SEED_PROJECTS, seedProjects } from '../seeds/index.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { eventually } from './support/test-environment.js';

const run = promisify(execFile);

let system: RunningSystem;
let db: pg.Pool;
let baseUrl: string;
let directory: string;

const bansuo = SEED_PROJECTS.find((seed) => seed.code === 'CN-LA-BANSUO')!;
const xianglong = SEED_PROJECTS.find((seed) => seed.code === 'CN-LA-XIANGLONG')!;

function options(file: string): DemoTourOptions {
  return {
    baseUrl,
    adminKey: system.adminKey,
    keysFile: join(directory, file),
    seeds: SEED_PROJECTS,
    timeoutMs: 20_000,
    today: new Date(),
  };
}

async function count(table: 'events' | 'api_keys'): Promise<number> {
  const result = await db.query(`SELECT count(*)::int AS n FROM ${table}`);
  return result.rows[0].n as number;
}

beforeAll(async () => {
  system = await startSystem('demo_tour');
  await system.api.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(system.api.getHttpServer().address() as AddressInfo).port}`;
  db = new pg.Pool({ connectionString: system.env.config.databaseUrl });
  db.on('error', () => undefined);
  await seedProjects(new PostgresEventStore(db), SEED_PROJECTS);
  directory = mkdtempSync(join(tmpdir(), 'demo-tour-'));
});

afterAll(async () => {
  rmSync(directory, { recursive: true, force: true });
  await db?.end();
  await system?.stop();
});

describe('the demo tour', () => {
  it('waits for the seeds to be projected, then creates a manager, a Bansuo team and an auditor key and saves them', async () => {
    const context = await prepareDemoTour(options('first.env'));

    expect(context.created).toEqual(['manager', 'team', 'auditor']);
    const seen = await system.http.get(`/projects?limit=500`).set({ Authorization: `Bearer ${system.adminKey}` });
    expect(seen.body.total).toBe(SEED_PROJECTS.length);
    const file = join(directory, 'first.env');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readDemoKeys(file)).toEqual(context.keys);
    const rows = await db.query('SELECT id, role, project_ids FROM api_keys WHERE id = ANY($1) ORDER BY role', [
      [context.keys.manager.id, context.keys.team.id, context.keys.auditor.id],
    ]);
    expect(rows.rows).toEqual([
      { id: context.keys.auditor.id, role: 'auditor', project_ids: [] },
      { id: context.keys.manager.id, role: 'manager', project_ids: [] },
      { id: context.keys.team.id, role: 'team', project_ids: [bansuo.projectId] },
    ]);
    expect(context.bansuo).toEqual({ id: bansuo.projectId, code: 'CN-LA-BANSUO', title: expect.stringContaining('Bansuo') });
  });

  it('reuses the saved keys when run again: no key created, no event recorded, the file untouched', async () => {
    const first = await prepareDemoTour(options('again.env'));
    const file = join(directory, 'again.env');
    const text = readFileSync(file, 'utf8');
    const before = { events: await count('events'), keys: await count('api_keys'), modified: statSync(file).mtimeMs };

    const second = await prepareDemoTour(options('again.env'));

    expect(second.created).toEqual([]);
    expect(second.keys).toEqual(first.keys);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect({ events: await count('events'), keys: await count('api_keys'), modified: statSync(file).mtimeMs }).toEqual(before);
  });

  it('replaces only the keys the API no longer accepts, and all of them when the file is unreadable', async () => {
    const first = await prepareDemoTour(options('revoked.env'));
    await db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [first.keys.manager.id]);

    const second = await prepareDemoTour(options('revoked.env'));

    expect(second.created).toEqual(['manager']);
    expect(second.keys.manager.id).not.toBe(first.keys.manager.id);
    expect({ team: second.keys.team, auditor: second.keys.auditor }).toEqual({ team: first.keys.team, auditor: first.keys.auditor });
    expect(readDemoKeys(join(directory, 'revoked.env')).manager).toEqual(second.keys.manager);

    writeFileSync(join(directory, 'revoked.env'), 'DEMO_MANAGER_KEY="unterminated\n\0');
    expect((await prepareDemoTour(options('revoked.env'))).created).toEqual(['manager', 'team', 'auditor']);
  });

  it('prints commands that do what it says when pasted into a shell, one role after another', async () => {
    const context: TourContext = await prepareDemoTour(options('paste.env'));
    const steps = tourSteps(context);
    const text = renderTour(context);
    const marker = (index: number) => `@@ step ${index} @@`;
    const script = [
      'set -u',
      ...tourVariables(context).map(([name, value]) => `export ${name}=${value}`),
      ...steps.flatMap((step, index) => {
        expect(text).toContain(`\n  ${step.command}\n`);
        return [`echo '${marker(index)}'`, step.command, 'echo'];
      }),
    ].join('\n');

    const { stdout } = await run('bash', ['-c', script], { timeout: 20_000 });

    const outputs = steps.map((_, index) => {
      const start = stdout.indexOf(marker(index)) + marker(index).length;
      const end = index + 1 < steps.length ? stdout.indexOf(marker(index + 1)) : stdout.length;
      return stdout.slice(start, end).trim();
    });
    steps.forEach((step, index) => {
      const output = outputs[index]!;
      const answer = /^[{[]/.test(output) ? (JSON.parse(output) as { status?: number }) : undefined;
      const shown = { step: step.what, output };
      if (step.expect === 'forbidden') expect({ ...shown, status: answer?.status }).toEqual({ ...shown, status: 403 });
      else expect({ ...shown, failed: answer?.status !== undefined && answer.status >= 400 }).toEqual({ ...shown, failed: false });
    });
    // The manager subscribes before the team records: what the team records reaches the inbox.
    const planned = steps.findIndex((step) => step.role === 'team');
    expect(steps.findIndex((step) => step.command.includes('/subscriptions'))).toBeLessThan(planned);
    expect(outputs[planned]).toMatch(/^[0-9a-f-]{36}$/);

    // What the team recorded is there, by the team key, and the read model follows.
    const milestoneId = outputs[planned]!;
    const events = await db.query(
      `SELECT type, metadata->'actor'->>'keyId' AS key FROM events WHERE stream_id = $1 AND stream_version > $2 ORDER BY stream_version`,
      [bansuo.projectId, bansuo.steps.length],
    );
    expect(events.rows).toEqual([
      { type: 'MilestonePlanned', key: context.keys.team.id },
      { type: 'MilestoneReached', key: context.keys.team.id },
      { type: 'MeasurementRecorded', key: context.keys.team.id },
    ]);
    const view = await eventually(async () => {
      const response = await system.http.get(`/projects/${bansuo.projectId}`).set({ Authorization: `Bearer ${context.keys.manager.secret}` });
      return response.body.version === bansuo.steps.length + 3 ? response.body : undefined;
    });
    expect(view.milestones.find((milestone: { id: string }) => milestone.id === milestoneId)).toMatchObject({ status: 'reached' });
    await eventually(async () => {
      const response = await system.http.get('/notifications').set({ Authorization: `Bearer ${context.keys.manager.secret}` });
      const items = response.body.items as { type: string; subject: string }[];
      return items.some((item) => item.type === 'milestone.reached' && item.subject === `milestones/${milestoneId}`);
    }, 10_000, "the milestone reached in the manager's inbox");

    // The team key is Bansuo's only.
    const elsewhere = await system.http.get(`/projects/${xianglong.projectId}`).set({ Authorization: `Bearer ${context.keys.team.secret}` });
    expect(elsewhere.status).toBe(403);
  });
});
