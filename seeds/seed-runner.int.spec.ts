import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';

import { ormOptions } from '@app/database';
import { PostgresEventStore } from '@app/event-store';
import { ProjectDetailReader, ProjectDetailSync } from '@app/read-models';

import { createTestEnvironment, type TestEnvironment } from '../test/support/test-environment.js';
import { SEED_PROJECTS } from './index.js';
import type { SeedProject } from './seed-project.js';
import { SEED_ACTOR, seedDemonstrationProjects, seedProjects, type SeedOutcome } from './seed-runner.js';

let env: TestEnvironment;
let pool: pg.Pool;
let store: PostgresEventStore;
/** The outcomes of a run that stopped after part of Bansuo, then of the first full run. */
let interrupted: SeedOutcome[];
let firstRun: SeedOutcome[];

const bansuo = SEED_PROJECTS[0]!;
const RECORDED_BEFORE_THE_STOP = 5;
const totalSteps = SEED_PROJECTS.reduce((sum, seed) => sum + seed.steps.length, 0);

async function eventCount(): Promise<number> {
  const { rows } = await pool.query<{ count: number }>('SELECT count(*)::int AS count FROM events');
  return rows[0]!.count;
}

/** Each stream's version and latest hash: what a second run would have to change to record anything. */
async function streamHeads(): Promise<Record<string, [number, string]>> {
  const heads: Record<string, [number, string]> = {};
  for (const seed of SEED_PROJECTS) {
    const events = await store.readStream(seed.projectId);
    const last = events.at(-1);
    heads[seed.code] = [last?.version ?? 0, last?.hash ?? ''];
  }
  return heads;
}

beforeAll(async () => {
  env = await createTestEnvironment('seeds');
  pool = new pg.Pool({ connectionString: env.config.databaseUrl, max: 4 });
  pool.on('error', () => undefined);
  store = new PostgresEventStore(pool);
  const stopped: SeedProject = { ...bansuo, steps: bansuo.steps.slice(0, RECORDED_BEFORE_THE_STOP) };
  interrupted = await seedProjects(store, [stopped]);
  firstRun = await seedProjects(store, SEED_PROJECTS);
});

afterAll(async () => {
  await pool.end();
  await env.dispose();
});

describe('seeding the demonstration projects', () => {
  it('records every step of every project once, resuming a project whose seeding stopped half-way', async () => {
    expect(interrupted).toEqual([{ code: bansuo.code, projectId: bansuo.projectId, recorded: RECORDED_BEFORE_THE_STOP }]);
    expect(firstRun).toEqual(
      SEED_PROJECTS.map((seed) => ({
        code: seed.code,
        projectId: seed.projectId,
        recorded: seed === bansuo ? seed.steps.length - RECORDED_BEFORE_THE_STOP : seed.steps.length,
      })),
    );
    expect(await eventCount()).toBe(totalSteps);
    const { rows } = await pool.query<{ code: string; project_id: string }>('SELECT code, project_id FROM project_codes');
    expect(Object.fromEntries(rows.map((row) => [row.code, row.project_id]))).toEqual(
      Object.fromEntries(SEED_PROJECTS.map((seed) => [seed.code, seed.projectId])),
    );
  });

  it('keeps the historical dates as occurred-at, with the seed actor and a correlation id per project', async () => {
    for (const seed of SEED_PROJECTS) {
      const events = await store.readStream(seed.projectId);
      expect(events.map((event) => event.metadata.occurredAt)).toEqual(seed.steps.map((step) => step.occurredAt));
      expect(events.map((event) => event.metadata.commandType)).toEqual(seed.steps.map((step) => step.command.type));
      for (const event of events) {
        expect(event.metadata.actor).toEqual(SEED_ACTOR);
        expect(event.metadata.correlationId).toBe(`seed:${seed.code}`);
      }
    }
  });

  it('records nothing when run again: the event count and every stream head stay as they were', async () => {
    const countBefore = await eventCount();
    const headsBefore = await streamHeads();

    const secondRun = await seedProjects(store, SEED_PROJECTS);

    expect(secondRun.map((outcome) => outcome.recorded)).toEqual(SEED_PROJECTS.map(() => 0));
    expect(await eventCount()).toBe(countBefore);
    expect(await streamHeads()).toEqual(headsBefore);
    expect(Object.values(headsBefore).map(([version]) => version)).toEqual(SEED_PROJECTS.map((seed) => seed.steps.length));
  });

  it('lists the key the seeded events name, revoked, from its first seeded event to its last', async () => {
    expect((await pool.query('SELECT 1 FROM api_keys WHERE id = $1', [SEED_ACTOR.keyId])).rowCount).toBe(0);
    await seedDemonstrationProjects(pool, SEED_PROJECTS);
    const { rows } = await pool.query(
      `SELECT k.name, k.role, k.created_at = e.first AS made_at_first, k.revoked_at = e.last AS revoked_at_last
         FROM api_keys k, (SELECT min(recorded_at) AS first, max(recorded_at) AS last FROM events) e WHERE k.id = $1`,
      [SEED_ACTOR.keyId],
    );
    expect(rows).toEqual([{ name: expect.stringContaining('seed'), role: 'admin', made_at_first: true, revoked_at_last: true }]);
  });

  it('gives every seeded project a read model at its stream version and status', async () => {
    const orm = await MikroORM.init(ormOptions(env.config.databaseUrl));
    try {
      const sync = new ProjectDetailSync(pool);
      const reader = new ProjectDetailReader(orm.em);
      const views: [string, number | undefined, string | undefined][] = [];
      for (const seed of SEED_PROJECTS) {
        await sync.sync(seed.projectId);
        const view = await reader.get(seed.projectId, '2026-01-01');
        views.push([seed.code, view?.version, view?.status]);
      }
      expect(views.map(([code, version]) => [code, version])).toEqual(
        SEED_PROJECTS.map((seed) => [seed.code, seed.steps.length]),
      );
      expect(Object.fromEntries(views.map(([code, , status]) => [code, status]))).toMatchObject({
        'CN-LA-BANSUO': 'implementation',
        'CN-LA-XIANGLONG': 'implementation',
        'CN-KH-EAPR-DEMO': 'implementation',
        'CN-MM-EAPR-DEMO': 'implementation',
        'CN-LA-LMC-CDD-RESEARCH': 'implementation',
        'CN-GH-PILOT': 'approved',
        'CN-FCPMC-CDD-MECHANISM-STUDY': 'finalisation',
        'CN-IPRCC-OECD-DAC-STUDY-GROUP': 'implementation',
        'CN-IPRCC-2009-AFRICA-OFFICIALS': 'closed',
        'CN-IPRCC-2009-POST-DISASTER-WORKSHOP': 'closed',
      });
    } finally {
      await orm.close(true);
    }
  });
});
