import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { indicatorProgress, latestActual, type Measurement, type ProjectEvent, type ProjectState, rebuildProjectState } from '@app/domain';
import { ormOptions } from '@app/database';
import { createProjectCommandHandler, PostgresEventStore } from '@app/event-store';
import { metadata, newEvent } from '../../../event-store/src/testing/project-streams.js';
import { SEED_PROJECTS, seedProjects } from '../../../../seeds/index.js';
import { createTestEnvironment, type TestEnvironment } from '../../../../test/support/test-environment.js';
import { CorrectionsRankAsOriginal } from '../../../database/src/migrations/migration-2026-12-03-corrections-rank-as-original.js';
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

/** A measurement of the domain's state as GET /projects/{id} answers it. */
function answerOf(measurement: Measurement) {
  return {
    id: measurement.measurementId,
    value: measurement.value,
    date: measurement.date,
    periodStart: measurement.periodStart ?? null,
    disaggregation: measurement.disaggregation ?? null,
    note: measurement.note ?? null,
    correctsMeasurementId: measurement.correctsMeasurementId ?? null,
    correctionReason: measurement.reason ?? null,
    supersededBy: measurement.supersededBy ?? null,
  };
}

/** The view's measurements of each indicator, next to the folded state's, in the order recorded. */
async function measurementsOfViewAndState(projectId: string) {
  const events = await store.readStream(projectId);
  const state: ProjectState = rebuildProjectState(events.map((e) => ({ type: e.type, data: e.data }) as ProjectEvent));
  if (state.status === 'none') throw new Error('the project was proposed');
  const view = await new ProjectDetailReader(orm.em).get(projectId, '2026-01-01');
  return {
    view: Object.fromEntries(view!.indicators.map((indicator) => [indicator.id, indicator.measurements])),
    state: Object.fromEntries(Object.values(state.indicators).map((indicator) => [indicator.id, indicator.measurements.map(answerOf)])),
  };
}

/** Deletes a project's views, as if it had never been projected (the seeds' ids are the same in every spec). */
async function forgetViews(projectId: string): Promise<void> {
  await pool.query('DELETE FROM project_views WHERE id = $1', [projectId]);
  for (const table of ['component_views', 'milestone_views', 'indicator_views', 'measurement_views', 'milestone_timeline_views', 'planned_date_revision_views']) {
    await pool.query(`DELETE FROM ${table} WHERE project_id = $1`, [projectId]);
  }
}

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
    const measurements = await measurementsOfViewAndState(outcome!.projectId);
    expect(Object.values(measurements.view).flat().length).toBeGreaterThan(0);
    expect(measurements.view).toEqual(measurements.state);
  });

  it('answers every field of each measurement, in the order recorded, a correction and what it corrects linked both ways', async () => {
    const projectId = randomUUID();
    const handler = createProjectCommandHandler(store);
    const indicatorId = 'a2b6c1de-0000-4000-8000-000000000001';
    const run = (command: Parameters<typeof handler.handle>[1]) => handler.handle(projectId, command, { metadata: metadata() });
    await run({
      type: 'ProposeProject',
      data: { projectId, code: `CATTLE-${projectId.slice(0, 8)}`, title: 'Cattle raising group', description: '40 households', country: 'LA', location: { village: 'Bansuo' }, sector: '31163', participatingOrganisations: [{ name: 'Agency', role: 1 }] },
    });
    await run({ type: 'ApproveProject', data: { date: '2017-08-20' } });
    await run({ type: 'StartProject', data: { date: '2017-09-15' } });
    await run({ type: 'DefineIndicator', data: { indicatorId, title: 'Households with cattle', unit: 'households', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 40 } } });
    const first = 'a2b6c1de-0000-4000-8000-000000000002';
    const second = 'a2b6c1de-0000-4000-8000-000000000003';
    const correction = 'a2b6c1de-0000-4000-8000-000000000004';
    await run({ type: 'RecordMeasurement', data: { indicatorId, measurementId: first, value: 14, date: '2018-03-31', periodStart: '2018-01-01', disaggregation: { female: 5, male: 7 }, note: 'First count' } });
    await run({ type: 'RecordMeasurement', data: { indicatorId, measurementId: second, value: 20, date: '2018-06-30' } });
    await run({ type: 'CorrectMeasurement', data: { indicatorId, measurementId: correction, correctsMeasurementId: first, value: 13, date: '2018-03-31', disaggregation: { female: 5, male: 7 }, reason: 'One household counted twice' } });
    await new ProjectDetailSync(pool).sync(projectId);

    const measurements = await measurementsOfViewAndState(projectId);
    expect(measurements.view).toEqual(measurements.state);
    expect(measurements.view[indicatorId]).toEqual([
      { id: first, value: 14, date: '2018-03-31', periodStart: '2018-01-01', disaggregation: { female: 5, male: 7, unknown: 2 }, note: 'First count', correctsMeasurementId: null, correctionReason: null, supersededBy: correction },
      { id: second, value: 20, date: '2018-06-30', periodStart: null, disaggregation: null, note: null, correctsMeasurementId: null, correctionReason: null, supersededBy: null },
      // A new date without a period start keeps the corrected period's start.
      { id: correction, value: 13, date: '2018-03-31', periodStart: '2018-01-01', disaggregation: { female: 5, male: 7, unknown: 1 }, note: null, correctsMeasurementId: first, correctionReason: 'One household counted twice', supersededBy: null },
    ]);
  });

  it('ranks a correction where the measurement it replaces ranked, as the domain does, and the migration mends views folded before', async () => {
    const projectId = randomUUID();
    const handler = createProjectCommandHandler(store);
    const indicatorId = 'b3c7d2ef-0000-4000-8000-000000000001';
    const run = (command: Parameters<typeof handler.handle>[1]) => handler.handle(projectId, command, { metadata: metadata() });
    await run({
      type: 'ProposeProject',
      data: { projectId, code: `INCOME-${projectId.slice(0, 8)}`, title: 'Weaving group', description: 'Twelve weavers', country: 'LA', location: { village: 'Xianglong' }, sector: '32163', participatingOrganisations: [{ name: 'Agency', role: 1 }] },
    });
    await run({ type: 'ApproveProject', data: { date: '2017-08-20' } });
    await run({ type: 'StartProject', data: { date: '2017-09-15' } });
    await run({ type: 'DefineIndicator', data: { indicatorId, title: 'Income change', unit: 'USD', measure: 1, resultLevel: 2, baseline: { value: 0 }, target: { value: 50 } } });
    const older = 'b3c7d2ef-0000-4000-8000-000000000002';
    await run({ type: 'RecordMeasurement', data: { indicatorId, measurementId: older, value: -3, date: '2020-06-30' } });
    await new ProjectDetailSync(pool).sync(projectId);
    await run({ type: 'RecordMeasurement', data: { indicatorId, measurementId: 'b3c7d2ef-0000-4000-8000-000000000003', value: 12.5, date: '2020-06-30' } });
    await run({ type: 'CorrectMeasurement', data: { indicatorId, measurementId: 'b3c7d2ef-0000-4000-8000-000000000004', correctsMeasurementId: older, value: 3, reason: 'Sign typed wrongly' } });
    // The correction in a sync of its own, from the rows the first sync wrote.
    await new ProjectDetailSync(pool).sync(projectId);

    const events = await store.readStream(projectId);
    const state = rebuildProjectState(events.map((e) => ({ type: e.type, data: e.data }) as ProjectEvent));
    if (state.status === 'none') throw new Error('the project was proposed');
    const indicator = async () => (await new ProjectDetailReader(orm.em).get(projectId, '2026-01-01'))!.indicators[0]!;
    expect(latestActual(state.indicators[indicatorId]!)?.value).toBe(12.5);
    expect(await indicator()).toMatchObject({ latestActual: { value: 12.5, date: '2020-06-30' }, progress: 0.25 });

    // A view folded by the old rule: the correction ranked by its own version, and no original_version.
    await pool.query(`ALTER TABLE measurement_views DROP COLUMN original_version`);
    await pool.query(`UPDATE indicator_views SET latest_actual = 3, progress = 0.06 WHERE id = $1`, [indicatorId]);
    const migration = new CorrectionsRankAsOriginal(orm.em.getDriver(), orm.config);
    await migration.up();
    for (const query of migration.getQueries()) await pool.query(query as string);
    expect(await indicator()).toMatchObject({ latestActual: { value: 12.5, date: '2020-06-30' }, progress: 0.25 });
    const originals = await pool.query(`SELECT id, original_version FROM measurement_views WHERE project_id = $1 ORDER BY recorded_version`, [projectId]);
    expect(originals.rows.map((row) => row.original_version)).toEqual([5, 6, 5]);
  });

  it('ends a project cancelled once started on the day it was cancelled, as its IATI export does; one never started has no end', async () => {
    const handler = createProjectCommandHandler(store);
    const cancelled = async (started: boolean) => {
      const projectId = randomUUID();
      const run = (command: Parameters<typeof handler.handle>[1]) => handler.handle(projectId, command, { metadata: metadata() });
      await run({
        type: 'ProposeProject',
        data: { projectId, code: `WEAVE-${projectId.slice(0, 8)}`, title: 'Weaving group', description: 'Twelve weavers', country: 'LA', location: { village: 'Xianglong' }, sector: '32163', participatingOrganisations: [{ name: 'Agency', role: 1 }] },
      });
      await run({ type: 'ApproveProject', data: { date: '2017-08-20' } });
      if (started) await run({ type: 'StartProject', data: { date: '2017-09-15' } });
      await run({ type: 'CancelProject', data: { date: '2018-05-31', reason: 'Funding withdrawn' } });
      await new ProjectDetailSync(pool).sync(projectId);
      const view = await new ProjectDetailReader(orm.em).get(projectId, '2026-01-01');
      return { status: view!.status, actualStart: view!.actualStart, actualEnd: view!.actualEnd };
    };

    expect(await cancelled(true)).toEqual({ status: 'cancelled', actualStart: '2017-09-15', actualEnd: '2018-05-31' });
    expect(await cancelled(false)).toEqual({ status: 'cancelled', actualStart: null, actualEnd: null });
  });

  it('applies nothing twice when syncs of one project run concurrently and repeatedly', async () => {
    const [outcome] = await seedProjects(store, SEED_PROJECTS.slice(0, 1));
    await forgetViews(outcome!.projectId);
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

  it('syncs several projects in one go, a project whose events cannot be folded failing alone with nothing of it written', async () => {
    const outcomes = await seedProjects(store, SEED_PROJECTS.slice(0, 2));
    const [first, second] = outcomes.map((outcome) => outcome.projectId) as [string, string];
    for (const id of [first, second]) await forgetViews(id);
    const poisoned = randomUUID();
    await createProjectCommandHandler(store).handle(
      poisoned,
      {
        type: 'ProposeProject',
        data: { projectId: poisoned, code: `P-${poisoned.slice(0, 8)}`, title: 'T', description: 'D', country: 'LA', location: {}, sector: '43040', participatingOrganisations: [{ name: 'O', role: 1 }] },
      },
      { metadata: metadata() },
    );
    // Behind the decider's back: a milestone reached that was never planned.
    await store.append(poisoned, 1, [newEvent('MilestoneReached', { projectId: poisoned, milestoneId: randomUUID(), reachedOn: '2020-01-01', evidence: 'x', documentLinks: [] })], { streamType: 'project' });

    const { synced, failed } = await new ProjectDetailSync(pool).syncMany([first, poisoned, second]);

    const versionOf = async (id: string) => (await store.streamVersion(id))!;
    expect(synced.map(({ streamId, fromVersion, toVersion }) => ({ streamId, fromVersion, toVersion })).sort((a, b) => a.streamId.localeCompare(b.streamId))).toEqual(
      [
        { streamId: first, fromVersion: 0, toVersion: await versionOf(first) },
        { streamId: second, fromVersion: 0, toVersion: await versionOf(second) },
      ].sort((a, b) => a.streamId.localeCompare(b.streamId)),
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]!.streamId).toBe(poisoned);
    expect(failed[0]!.error.message).toMatch(/not found|no milestone/i);
    const views = await pool.query<{ id: string; version: number }>('SELECT id, version FROM project_views WHERE id = ANY($1)', [[first, second, poisoned]]);
    expect(Object.fromEntries(views.rows.map((row) => [row.id, row.version]))).toEqual({ [first]: await versionOf(first), [second]: await versionOf(second) });
    // What the batch wrote is what a sync of each project alone writes: the measurements as folded from the stream.
    for (const id of [first, second]) {
      const measurements = await measurementsOfViewAndState(id);
      expect(measurements.view).toEqual(measurements.state);
    }
  });

  it('applies nothing twice when syncs of overlapping sets of projects run concurrently', async () => {
    const ids = (await seedProjects(store, SEED_PROJECTS.slice(0, 3))).map((outcome) => outcome.projectId) as [string, string, string];
    const sync = new ProjectDetailSync(pool);
    // The same projects listed in different orders: writes that locked them in the order given would deadlock.
    const sets = [ids, [ids[2], ids[1], ids[0]], [ids[0], ids[1]], [ids[2], ids[0]], [ids[1]], [ids[1], ids[0], ids[2]], [ids[2]]];
    for (let round = 0; round < 5; round++) {
      for (const id of ids) await forgetViews(id);
      const outcomes = await Promise.all(sets.map((set) => sync.syncMany(set)));
      expect(outcomes.flatMap((outcome) => outcome.failed)).toEqual([]);
      for (const id of ids) {
        const applied = outcomes.flatMap((outcome) => outcome.synced).filter((r) => r.streamId === id).reduce((sum, r) => sum + (r.toVersion - r.fromVersion), 0);
        expect(applied).toBe(await store.streamVersion(id));
      }
    }
    for (const id of ids) {
      const measurements = await measurementsOfViewAndState(id);
      expect(measurements.view).toEqual(measurements.state);
    }
  });
});
