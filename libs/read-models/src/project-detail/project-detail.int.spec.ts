import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { indicatorProgress, latestActual, rebuildProjectState, type ProjectEvent } from '@app/domain';
import { ormOptions } from '@app/database';
import { PostgresEventStore } from '@app/event-store';
import { SEED_PROJECTS, seedProjects } from '../../../../seeds/index.js';
import { createTestEnvironment, type TestEnvironment } from '../../../../test/support/test-environment.js';
import { ProjectDetailReader } from './project-detail.reader.js';
import { ProjectDetailSync } from './project-detail.sync.js';

let env: TestEnvironment;
let pool: pg.Pool;
let orm: MikroORM;
let store: PostgresEventStore;

beforeAll(async () => {
  env = await createTestEnvironment('project_detail');
  pool = new pg.Pool({ connectionString: env.config.databaseUrl });
  pool.on('error', () => undefined);
  store = new PostgresEventStore(pool);
  orm = await MikroORM.init(ormOptions(env.config.databaseUrl));
});

afterAll(async () => {
  await orm.close(true);
  await pool.end();
  await env.dispose();
});

describe('project detail projection', () => {
  it('projects a whole seeded project in one sync, equal to the state folded from its stream', async () => {
    const [outcome] = await seedProjects(store, SEED_PROJECTS.slice(0, 1));
    const sync = new ProjectDetailSync(pool);
    const result = await sync.sync(outcome!.projectId);
    const events = await store.readStream(outcome!.projectId);
    expect(result).toMatchObject({ streamId: outcome!.projectId, fromVersion: 0, toVersion: events.length });

    const state = rebuildProjectState(events.map((e) => ({ type: e.type, data: e.data }) as ProjectEvent));
    if (state.status === 'none') throw new Error('the seed proposes a project');
    const view = await new ProjectDetailReader(orm.em).get(outcome!.projectId, '2026-01-01');
    expect(view).toMatchObject({ version: events.length, status: state.status, code: state.code });
    expect(view!.components.map((c) => c.id).sort()).toEqual(Object.keys(state.components).sort());
    expect(view!.milestones.map((m) => [m.id, m.status]).sort()).toEqual(
      Object.values(state.milestones)
        .map((m) => [m.id, m.status])
        .sort(),
    );
    for (const indicator of Object.values(state.indicators)) {
      const projected = view!.indicators.find((i) => i.id === indicator.id);
      expect(projected?.latestActual?.value ?? null).toBe(latestActual(indicator)?.value ?? null);
      expect(projected?.progress ?? null).toBe(indicatorProgress(indicator));
    }
  });

  it('applies nothing twice when syncs of one project run concurrently and repeatedly', async () => {
    const [outcome] = await seedProjects(store, SEED_PROJECTS.slice(0, 1));
    await pool.query('DELETE FROM project_views WHERE id = $1', [outcome!.projectId]);
    for (const table of ['component_views', 'milestone_views', 'indicator_views', 'measurement_views', 'milestone_timeline_views']) {
      await pool.query(`DELETE FROM ${table} WHERE project_id = $1`, [outcome!.projectId]);
    }
    const sync = new ProjectDetailSync(pool);
    const results = await Promise.all(Array.from({ length: 6 }, () => sync.sync(outcome!.projectId)));
    const version = (await store.streamVersion(outcome!.projectId))!;
    const applied = results.reduce((sum, r) => sum + (r.toVersion - r.fromVersion), 0);
    expect(applied).toBe(version);
    const counts = await pool.query(
      `SELECT (SELECT count(*)::int FROM measurement_views WHERE project_id = $1) AS measurements,
              (SELECT measurement_count FROM indicator_views WHERE project_id = $1 ORDER BY position LIMIT 1) AS first_count`,
      [outcome!.projectId],
    );
    expect(counts.rows[0]).toEqual({ measurements: 6, first_count: 1 });
  });
});
