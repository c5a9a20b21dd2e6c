import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PROJECT_EVENT_SCHEMA_VERSION, type ProjectCommand, type ProjectState } from '@app/domain';
import { createTestEnvironment, type TestEnvironment } from '../../../test/support/test-environment.js';
import { PostgresEventStore } from './postgres-event-store.js';
import { createProjectCommandHandler } from './projects/project-command-handling.js';
import { PostgresSnapshotStore } from './snapshot-store.js';

let env: TestEnvironment;
let pool: pg.Pool;
let store: PostgresEventStore;

beforeAll(async () => {
  env = await createTestEnvironment('snapshots');
  pool = new pg.Pool({ connectionString: env.config.databaseUrl, max: 10 });
  pool.on('error', () => undefined);
  store = new PostgresEventStore(pool);
});

afterAll(async () => {
  await pool.end();
  await env.dispose();
});

const metadata = () => ({ actor: { keyId: randomUUID(), role: 'admin' }, commandType: 'Test', correlationId: randomUUID(), occurredAt: new Date().toISOString() });

/** A started project with one indicator, then `measurements` measurements: 4 + measurements events. */
async function project(handler: ReturnType<typeof createProjectCommandHandler>, measurements: number): Promise<string> {
  const projectId = randomUUID();
  const commands: ProjectCommand[] = [
    {
      type: 'ProposeProject',
      data: { projectId, code: `S-${projectId.slice(0, 8)}`, title: 'T', description: 'D', country: 'LA', location: {}, sector: '43040', participatingOrganisations: [{ name: 'O', role: 1 }] },
    },
    { type: 'ApproveProject', data: { date: '2020-01-01' } },
    { type: 'StartProject', data: { date: '2020-01-02' } },
    { type: 'DefineIndicator', data: { indicatorId: 'i', title: 'People', unit: 'people', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 9 } } },
  ];
  for (let n = 0; n < measurements; n++) {
    commands.push({ type: 'RecordMeasurement', data: { indicatorId: 'i', measurementId: `m-${n}`, value: n, date: '2020-02-01' } });
  }
  for (const command of commands) await handler.handle(projectId, command, { metadata: metadata() });
  return projectId;
}

/** Counts the store's stream reads until restored. */
function countStreamReads(): { count: number; restore(): void } {
  const original = store.readStream.bind(store);
  const reads = {
    count: 0,
    restore: () => {
      store.readStream = original;
    },
  };
  store.readStream = (...args) => {
    reads.count++;
    return original(...args);
  };
  return reads;
}

async function snapshotVersions(streamId: string): Promise<number[]> {
  const result = await pool.query('SELECT version FROM project_snapshots WHERE stream_id = $1 ORDER BY version', [streamId]);
  return result.rows.map((row) => row.version as number);
}

describe('project snapshots', () => {
  it('are written as appends cross the interval, and loads from them equal a fold from the first event', async () => {
    const snapshots = new PostgresSnapshotStore<ProjectState>(pool, 1);
    const handler = createProjectCommandHandler(store, { snapshots, snapshotEvery: 10 });
    const id = await project(handler, 31);
    await new Promise<void>((resolve, reject) => {
      // Snapshot writes after an append are not awaited by the command: poll until the last one lands.
      const deadline = Date.now() + 5_000;
      const poll = async () => {
        if ((await snapshotVersions(id)).includes(30)) return resolve();
        if (Date.now() > deadline) return reject(new Error('no snapshot at version 30'));
        setTimeout(() => void poll(), 20);
      };
      void poll();
    });
    expect(await snapshotVersions(id)).toEqual([10, 20, 30]);

    const plain = createProjectCommandHandler(store, { cachedStreams: 0 });
    const fresh = createProjectCommandHandler(store, { snapshots, snapshotEvery: 10, cachedStreams: 0 });
    for (const version of [35, 30, 27, 9]) {
      const fromSnapshot = await fresh.load(id, version);
      const folded = await plain.load(id, version);
      expect(fromSnapshot.state).toEqual(folded.state);
      expect(fromSnapshot.version).toBe(version);
    }
    expect(await fresh.load(id, 27)).toMatchObject({ fromSnapshot: 20, folded: 7 });
    expect(await fresh.load(id, 9)).toMatchObject({ fromSnapshot: 0, folded: 9 });
  });

  it('ignores snapshots of another state version, and a long fold leaves one behind', async () => {
    const old = new PostgresSnapshotStore<ProjectState>(pool, 1);
    const id = await project(createProjectCommandHandler(store, { snapshots: old, snapshotEvery: 5 }), 8);
    // A bumped state version reads none of the old snapshots: it folds from the first event.
    const bumped = createProjectCommandHandler(store, { snapshots: new PostgresSnapshotStore<ProjectState>(pool, 2), snapshotEvery: 5, cachedStreams: 0 });
    expect(await bumped.load(id)).toMatchObject({ version: 12, fromSnapshot: 0, folded: 12 });
    const rows = await pool.query('SELECT state_version, version FROM project_snapshots WHERE stream_id = $1 AND state_version = 2', [id]);
    expect(rows.rows).toEqual([{ state_version: 2, version: 12 }]);
    expect(await bumped.load(id)).toMatchObject({ fromSnapshot: 12, folded: 0 });
  });

  it('decides on its cached state without reading the stream, and on the store when another process appended', async () => {
    const mine = createProjectCommandHandler(store);
    const theirs = createProjectCommandHandler(store);
    const id = await project(mine, 1);
    const reads = countStreamReads();
    try {
      await mine.handle(id, { type: 'RecordMeasurement', data: { indicatorId: 'i', measurementId: 'y', value: 1, date: '2020-03-01' } }, { metadata: metadata() });
      expect(reads.count).toBe(0);
      // Another process moves the stream on and defines an indicator this handler has not seen: deciding
      // on the cached state refuses the measurement, and the store is asked before that refusal stands.
      await theirs.handle(id, { type: 'DefineIndicator', data: { indicatorId: 'j', title: 'Wells', unit: 'wells', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 3 } } }, { metadata: metadata() });
      const recorded = await mine.handle(id, { type: 'RecordMeasurement', data: { indicatorId: 'j', measurementId: 'z', value: 2, date: '2020-03-02' } }, { metadata: metadata() });
      expect(recorded.version).toBe(8);
      // A stale cached state that the command fits fails its append as a conflict, and is decided again on the store's.
      await theirs.handle(id, { type: 'RecordMeasurement', data: { indicatorId: 'i', measurementId: 'w', value: 3, date: '2020-03-03' } }, { metadata: metadata() });
      const again = await mine.handle(id, { type: 'RecordMeasurement', data: { indicatorId: 'i', measurementId: 'v', value: 4, date: '2020-03-04' } }, { metadata: metadata() });
      expect(again.version).toBe(10);
      // A refusal the store confirms stands; a stale If-Match is told the stream's real version.
      await expect(mine.handle(id, { type: 'RecordMeasurement', data: { indicatorId: 'k', measurementId: 'u', value: 5, date: '2020-03-05' } }, { metadata: metadata() })).rejects.toMatchObject({ code: 'INDICATOR.NOT_FOUND' });
      await theirs.handle(id, { type: 'RecordMeasurement', data: { indicatorId: 'i', measurementId: 't', value: 6, date: '2020-03-06' } }, { metadata: metadata() });
      await expect(mine.handle(id, { type: 'RecordMeasurement', data: { indicatorId: 'i', measurementId: 's', value: 7, date: '2020-03-07' } }, { metadata: metadata(), expectedVersion: 11 })).resolves.toMatchObject({ version: 12 });
      await expect(mine.handle(id, { type: 'RecordMeasurement', data: { indicatorId: 'i', measurementId: 'r', value: 8, date: '2020-03-08' } }, { metadata: metadata(), expectedVersion: 11 })).rejects.toMatchObject({ actualVersion: 12 });
    } finally {
      reads.restore();
    }
    const folded = await createProjectCommandHandler(store, { cachedStreams: 0 }).load(id);
    expect(folded.state.status === 'implementation' && Object.values(folded.state.indicators).flatMap((i) => i.measurements.map((m) => m.measurementId))).toEqual(['m-0', 'y', 'w', 'v', 't', 's', 'z']);
  });

  it('never serves a stale cached state when another process appended', async () => {
    const mine = createProjectCommandHandler(store);
    const theirs = createProjectCommandHandler(store);
    const id = await project(mine, 1);
    await theirs.handle(id, { type: 'RecordMeasurement', data: { indicatorId: 'i', measurementId: 'x', value: 7, date: '2020-03-01' } }, { metadata: metadata() });
    const loaded = await mine.load(id);
    expect(loaded.version).toBe(6);
    expect(loaded.state.status === 'implementation' && loaded.state.indicators['i']!.measurements.map((m) => m.measurementId)).toEqual(['m-0', 'x']);
    expect(PROJECT_EVENT_SCHEMA_VERSION).toBe(1);
  });
});
