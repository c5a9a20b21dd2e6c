import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { ProjectCommand } from '@app/domain';
import { ormOptions } from '@app/database';
import { PostgresEventStore, createProjectCommandHandler, reserveProjectCode } from '@app/event-store';
import { SEED_PROJECTS, seedProjects } from '../../../../seeds/index.js';
import { createTestEnvironment, type TestEnvironment } from '../../../../test/support/test-environment.js';
import { findLaggingProjects } from '../lagging-projects.js';
import { ProjectDetailSync } from '../project-detail/project-detail.sync.js';
import { asSuperuser } from '../../../../test/support/tamper.js';
import { VIEW_TABLES } from '../project-detail/project-detail.rows.js';
import { ProjectViewsRebuild } from './project-views.rebuild.js';

let env: TestEnvironment;
let pool: pg.Pool;
let orm: MikroORM;
let store: PostgresEventStore;

beforeAll(async () => {
  env = await createTestEnvironment('rebuild');
  pool = new pg.Pool({ connectionString: env.config.databaseUrl, max: 12 });
  pool.on('error', () => undefined);
  store = new PostgresEventStore(pool);
  orm = await MikroORM.init(ormOptions(env.config.databaseUrl));
  await seedProjects(store, SEED_PROJECTS);
  for (let i = 0; i < 5; i++) await recordBusyProject(i);
  await syncAll();
});

afterAll(async () => {
  await orm.close(true);
  await pool.end();
  await env.dispose();
});

const actor = { keyId: randomUUID(), role: 'manager' };
const handler = () => createProjectCommandHandler(store);

/** Called after each command a busy project records (a sync, to project it event by event). */
let afterEachCommand: ((projectId: string) => Promise<unknown>) | undefined;

async function run(projectId: string, command: ProjectCommand): Promise<void> {
  await handler().handle(projectId, command, {
    metadata: { actor, commandType: command.type, correlationId: randomUUID(), occurredAt: new Date().toISOString() },
    withinTransaction: (client) => reserveProjectCode(client, command, projectId),
  });
  await afterEachCommand?.(projectId);
}

/**
 * A project that uses every kind of event: reschedules, waivers, target revisions, corrections (of the
 * latest actual, to the same date and to an earlier one, which makes another measurement the latest).
 */
async function recordBusyProject(index: number): Promise<string> {
  const projectId = randomUUID();
  await run(projectId, {
    type: 'ProposeProject',
    data: {
      projectId, code: `BUSY-${index}-${projectId.slice(0, 6)}`, title: `Busy ${index}`, description: 'rebuild spec',
      country: 'KH', location: { village: 'Test' }, sector: '43040', participatingOrganisations: [{ name: 'Org', role: 4 }],
    },
  });
  await run(projectId, { type: 'ApproveProject', data: { date: '2020-01-01' } });
  await run(projectId, { type: 'RevisePlannedDates', data: { plannedStart: '2020-02-01', plannedEnd: '2021-12-31', reason: 'Dates agreed' } });
  await run(projectId, { type: 'StartProject', data: { date: '2020-02-01' } });
  await run(projectId, { type: 'RevisePlannedDates', data: { plannedEnd: '2022-06-30', reason: 'No-cost extension' } });
  const componentId = randomUUID();
  await run(projectId, { type: 'AddComponent', data: { componentId, name: 'Road', kind: 'infrastructure' } });
  const milestones = [randomUUID(), randomUUID(), randomUUID()];
  for (const [i, milestoneId] of milestones.entries()) {
    await run(projectId, { type: 'PlanMilestone', data: { milestoneId, title: `M${i}`, dueDate: '2020-06-30', componentId } });
  }
  await run(projectId, { type: 'ReachMilestone', data: { milestoneId: milestones[0]!, date: '2020-05-01', evidence: 'Photo' } });
  await run(projectId, { type: 'RescheduleMilestone', data: { milestoneId: milestones[1]!, dueDate: '2020-09-30', reason: 'Rain' } });
  await run(projectId, { type: 'WaiveMilestone', data: { milestoneId: milestones[2]!, reason: 'Not needed' } });
  const indicatorId = randomUUID();
  await run(projectId, {
    type: 'DefineIndicator',
    data: { indicatorId, title: 'Cattle', unit: 'head', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 100 } },
  });
  const first = randomUUID();
  await run(projectId, { type: 'RecordMeasurement', data: { indicatorId, measurementId: first, value: 40, date: '2020-07-01' } });
  await run(projectId, {
    type: 'RecordMeasurement',
    data: { indicatorId, measurementId: randomUUID(), value: 20 + index, date: '2020-03-01', disaggregation: { female: 3 } },
  });
  const correction = randomUUID();
  await run(projectId, {
    type: 'CorrectMeasurement',
    data: { indicatorId, measurementId: correction, correctsMeasurementId: first, value: 45, reason: 'Miscount' },
  });
  await run(projectId, { type: 'ReviseIndicatorTarget', data: { indicatorId, target: { value: 120 }, reason: 'More funds' } });
  await run(projectId, { type: 'RecordMeasurement', data: { indicatorId, measurementId: randomUUID(), value: 30, date: '2020-05-01' } });
  await run(projectId, {
    type: 'CorrectMeasurement',
    data: { indicatorId, measurementId: randomUUID(), correctsMeasurementId: correction, value: 5, date: '2020-01-15', reason: 'Wrong month' },
  });
  return projectId;
}

async function syncAll(): Promise<void> {
  const sync = new ProjectDetailSync(pool);
  for (;;) {
    const lagging = await findLaggingProjects(pool);
    if (lagging.length === 0) return;
    for (const project of lagging) await sync.sync(project.streamId);
  }
}

/** A project's rows in every view table. */
async function viewsOf(projectId: string): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const table of VIEW_TABLES) {
    const key = table === 'project_views' ? 'id' : 'project_id';
    result[table] = (await pool.query(`SELECT * FROM ${table} WHERE ${key} = $1 ORDER BY id`, [projectId])).rows;
  }
  return result;
}

async function snapshotOfViews(): Promise<Record<string, unknown[]>> {
  const tables = ['project_views', 'component_views', 'milestone_views', 'indicator_views', 'measurement_views', 'milestone_timeline_views', 'planned_date_revision_views'];
  const result: Record<string, unknown[]> = {};
  for (const table of tables) result[table] = (await pool.query(`SELECT * FROM ${table} ORDER BY id`)).rows;
  return result;
}

describe('rebuilding the project read model', () => {
  it('finds no drift between the incremental projection and a rebuild from the events', async () => {
    const report = await new ProjectViewsRebuild(pool).verify();
    expect(report.projects).toBe(SEED_PROJECTS.length + 5);
    expect(report.compared).toBe(report.projects);
    expect(report.differing).toEqual([]);
  });

  it('reports a view changed behind the projection, and a rebuild puts it right', async () => {
    const before = await snapshotOfViews();
    const target = (await pool.query("SELECT id, project_id FROM milestone_views WHERE status <> 'waived' ORDER BY id LIMIT 1")).rows[0];
    await pool.query("UPDATE milestone_views SET status = 'waived' WHERE id = $1", [target.id]);
    await pool.query('UPDATE indicator_views SET latest_actual = -1 WHERE id = (SELECT id FROM indicator_views ORDER BY id LIMIT 1)');
    const indicatorProject = (await pool.query('SELECT project_id FROM indicator_views ORDER BY id LIMIT 1')).rows[0].project_id;

    const drift = await new ProjectViewsRebuild(pool).verify();
    expect(drift.differing).toEqual(
      expect.arrayContaining([
        { projectId: target.project_id, table: 'milestone_views' },
        { projectId: indicatorProject, table: 'indicator_views' },
      ]),
    );
    expect(drift.differing).toHaveLength(2);

    const rebuilt = await new ProjectViewsRebuild(pool).rebuild();
    expect(rebuilt.events).toBe(Number((await pool.query('SELECT count(*) FROM events')).rows[0].count));
    expect(await snapshotOfViews()).toEqual(before);
    expect((await new ProjectViewsRebuild(pool).verify()).differing).toEqual([]);
  });

  it('keeps reads available and loses nothing while commands keep arriving', async () => {
    const projectId = await recordBusyProject(99);
    await syncAll();
    let writing = true;
    let reads = 0;
    const writer = (async () => {
      let n = 0;
      while (writing) {
        await run(projectId, { type: 'AddComponent', data: { componentId: randomUUID(), name: `During ${n++}`, kind: 'industry' } });
      }
    })();
    const reader = (async () => {
      while (writing) {
        await orm.em.fork().getConnection().execute('SELECT count(*) FROM project_views');
        reads++;
      }
    })();
    await new ProjectViewsRebuild(pool).rebuild();
    writing = false;
    await Promise.all([writer, reader]);
    await syncAll();
    expect(reads).toBeGreaterThan(0);
    const version = await store.streamVersion(projectId);
    const view = await pool.query('SELECT version FROM project_views WHERE id = $1', [projectId]);
    expect(view.rows[0].version).toBe(version);
    const components = await pool.query('SELECT count(*)::int AS n FROM component_views WHERE project_id = $1', [projectId]);
    const added = await pool.query("SELECT count(*)::int AS n FROM events WHERE stream_id = $1 AND type = 'ComponentAdded'", [projectId]);
    expect(components.rows[0].n).toBe(added.rows[0].n);
    expect((await new ProjectViewsRebuild(pool).verify()).differing).toEqual([]);
  });

  it('gives the views a rebuild gives when each event is synced on its own', async () => {
    const sync = new ProjectDetailSync(pool);
    afterEachCommand = (projectId) => sync.sync(projectId);
    let projectId: string;
    try {
      projectId = await recordBusyProject(7);
    } finally {
      afterEachCommand = undefined;
    }
    const view = await pool.query('SELECT version FROM project_views WHERE id = $1', [projectId]);
    expect(view.rows[0].version).toBe(await store.streamVersion(projectId));
    const indicator = await pool.query('SELECT latest_actual, latest_actual_date::text AS date, measurement_count FROM indicator_views WHERE project_id = $1', [projectId]);
    expect(indicator.rows).toEqual([{ latest_actual: 30, date: '2020-05-01', measurement_count: 5 }]);
    const project = await pool.query('SELECT planned_start::text, planned_end::text FROM project_views WHERE id = $1', [projectId]);
    expect(project.rows).toEqual([{ planned_start: '2020-02-01', planned_end: '2022-06-30' }]);
    const revisions = await pool.query(
      `SELECT planned_start::text, planned_end::text, previous_planned_start::text, previous_planned_end::text, reason
       FROM planned_date_revision_views WHERE project_id = $1 ORDER BY version`,
      [projectId],
    );
    expect(revisions.rows).toEqual([
      { planned_start: '2020-02-01', planned_end: '2021-12-31', previous_planned_start: null, previous_planned_end: null, reason: 'Dates agreed' },
      { planned_start: '2020-02-01', planned_end: '2022-06-30', previous_planned_start: '2020-02-01', previous_planned_end: '2021-12-31', reason: 'No-cost extension' },
    ]);
    const report = await new ProjectViewsRebuild(pool).verify();
    expect(report.compared).toBe(report.projects);
    expect(report.differing).toEqual([]);
  });

  it('names the projects whose views are behind their events, and compares them only once caught up', async () => {
    const moved = await recordBusyProject(20);
    await syncAll();
    // One project moves on without being projected (no worker here); another's view is lost.
    await run(moved, { type: 'AddComponent', data: { componentId: randomUUID(), name: 'Not projected yet', kind: 'industry' } });
    const lost = (await pool.query<{ id: string }>('SELECT id FROM project_views WHERE id <> $1 ORDER BY id LIMIT 1', [moved])).rows[0]!.id;
    const saved = (await pool.query('SELECT * FROM project_views WHERE id = $1', [lost])).rows[0];
    await pool.query('DELETE FROM project_views WHERE id = $1', [lost]);
    const report = await new ProjectViewsRebuild(pool).verify();
    expect(report.behind).toEqual([moved, lost].sort());
    expect(report.compared).toBe(report.projects - 2);
    expect(report.differing).toEqual([]);
    expect(report.movedOn).toEqual([]);
    // Put back and projected: every project compared again.
    await pool.query('INSERT INTO project_views SELECT * FROM json_populate_record(NULL::project_views, $1::json)', [JSON.stringify(saved)]);
    await syncAll();
    const after = await new ProjectViewsRebuild(pool).verify();
    expect(after).toMatchObject({ behind: [], compared: after.projects, differing: [] });
  });

  it('rebuilds the other projects when one history cannot be replayed, and keeps that project\'s views as they were', async () => {
    const poisoned = await recordBusyProject(30);
    const drifted = await recordBusyProject(31);
    await syncAll();
    const before = await viewsOf(poisoned);
    const component = (await pool.query('SELECT data FROM events WHERE stream_id = $1 AND stream_version = 6', [poisoned])).rows[0].data;
    await asSuperuser(pool, `UPDATE events SET data = 'null' WHERE stream_id = $1 AND stream_version = 6`, [poisoned]);
    await pool.query(`UPDATE project_views SET title = 'Changed by hand' WHERE id = $1`, [drifted]);
    const projects = Number((await pool.query(`SELECT count(*) FROM event_streams WHERE stream_type = 'project'`)).rows[0].count);

    const verified = await new ProjectViewsRebuild(pool).verify();
    const unreadable = [
      { projectId: poisoned, version: 6, reason: expect.stringMatching(new RegExp(`^event 6 \\(ComponentAdded\\) of stream ${poisoned} cannot be replayed: .+`)) },
    ];
    expect(verified).toMatchObject({ projects: projects - 1, compared: projects - 1, behind: [], unreadable });
    expect(verified.differing).toEqual([{ projectId: drifted, table: 'project_views' }]);

    const rebuilt = await new ProjectViewsRebuild(pool).rebuild();
    expect(rebuilt).toMatchObject({ projects: projects - 1, unreadable });
    expect(await viewsOf(poisoned)).toEqual(before);
    expect((await pool.query('SELECT title FROM project_views WHERE id = $1', [drifted])).rows[0].title).toBe('Busy 31');

    // Its history put back, the views it kept are the ones a rebuild gives.
    await asSuperuser(pool, 'UPDATE events SET data = $2 WHERE stream_id = $1 AND stream_version = 6', [poisoned, component]);
    expect(await new ProjectViewsRebuild(pool).verify()).toMatchObject({ projects, compared: projects, behind: [], differing: [], unreadable: [] });
  });

  it('names the projects whose views moved on past its snapshot, which it does not compare', async () => {
    const busy = await recordBusyProject(40);
    await syncAll();
    // As if the project had been written to and projected while the verification read its snapshot:
    // its live view stands past the version the snapshot's events reach.
    await pool.query('UPDATE project_views SET version = version + 1 WHERE id = $1', [busy]);
    try {
      const report = await new ProjectViewsRebuild(pool).verify();
      expect(report).toMatchObject({ movedOn: [busy], behind: [], differing: [], compared: report.projects - 1 });
    } finally {
      await pool.query('UPDATE project_views SET version = version - 1 WHERE id = $1', [busy]);
    }
  });

  it('lets only one rebuild run at a time', async () => {
    const results = await Promise.allSettled([new ProjectViewsRebuild(pool).verify(), new ProjectViewsRebuild(pool).verify()]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });
});
