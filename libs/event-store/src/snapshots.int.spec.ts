import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { ProjectState } from '@app/domain';
import { openStoreDatabase } from '../../../test/support/store-database.js';
import { PostgresEventStore } from './postgres-event-store.js';
import { createProjectCommandHandler } from './projects/project-command-handling.js';
import { PostgresSnapshotStore } from './snapshot-store.js';
import { metadata as commandMetadata, startedProject } from './testing/project-streams.js';

let pool: pg.Pool;
let store: PostgresEventStore;
openStoreDatabase('snapshots', 10, (opened) => ({ pool, store } = opened));

async function snapshotVersions(streamId: string): Promise<number[]> {
  const result = await pool.query('SELECT version FROM project_snapshots WHERE stream_id = $1 ORDER BY version', [streamId]);
  return result.rows.map((row) => row.version as number);
}

/** Polls `done` until it holds: snapshot writes after an append are not awaited by the command. */
async function until(done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('not done within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('project snapshots', () => {
  it('are written as appends cross the interval, and loads from them equal a fold from the first event', async () => {
    const snapshots = new PostgresSnapshotStore<ProjectState>(pool, 1);
    const handler = createProjectCommandHandler(store, { snapshots, snapshotEvery: 10 });
    const id = await startedProject(handler, 31);
    await new Promise<void>((resolve, reject) => {
      // Snapshot writes after an append are not awaited by the command, and may land in any order: poll
      // until the three have landed.
      const deadline = Date.now() + 5_000;
      const poll = async () => {
        const versions = await snapshotVersions(id);
        if ([10, 20, 30].every((version) => versions.includes(version))) return resolve();
        if (Date.now() > deadline) return reject(new Error(`snapshots at versions ${versions.join(', ')}, not at 10, 20 and 30`));
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

  it('are written out after the command that crossed the interval has answered', async () => {
    const written: { version: number; handled: boolean }[] = [];
    let handled = false;
    // The store as it is, told what the handler had done when the snapshot was handed over.
    class WatchedSnapshots extends PostgresSnapshotStore<ProjectState> {
      override save(snapshot: Parameters<PostgresSnapshotStore<ProjectState>['save']>[0]): Promise<void> {
        written.push({ version: snapshot.version, handled });
        return super.save(snapshot);
      }
    }
    const handler = createProjectCommandHandler(store, { snapshots: new WatchedSnapshots(pool, 1), snapshotEvery: 5 });
    const id = await startedProject(handler, 0);
    expect((await handler.load(id)).version).toBe(4);
    await handler.handle(id, { type: 'AddComponent', data: { componentId: '9a1f0000-0000-4000-8000-000000000001', name: 'Bridge', kind: 'infrastructure' } }, { metadata: commandMetadata() })
      .then(() => (handled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual([{ version: 5, handled: true }]);
  });

  it('ignores snapshots of another state version, and a long fold leaves one behind', async () => {
    const old = new PostgresSnapshotStore<ProjectState>(pool, 1);
    const id = await startedProject(createProjectCommandHandler(store, { snapshots: old, snapshotEvery: 5 }), 8);
    // A bumped state version reads none of the old snapshots: it folds from the first event.
    const bumped = createProjectCommandHandler(store, { snapshots: new PostgresSnapshotStore<ProjectState>(pool, 2), snapshotEvery: 5, cachedStreams: 0 });
    expect(await bumped.load(id)).toMatchObject({ version: 12, fromSnapshot: 0, folded: 12 });
    const rows = await pool.query('SELECT state_version, version FROM project_snapshots WHERE stream_id = $1 AND state_version = 2', [id]);
    expect(rows.rows).toEqual([{ state_version: 2, version: 12 }]);
    expect(await bumped.load(id)).toMatchObject({ fromSnapshot: 12, folded: 0 });
  });

  it('keep the state as the text the store wrote, and read a state stored as jsonb wrote it (before 2026-12-03) alike', async () => {
    const snapshots = new PostgresSnapshotStore<ProjectState>(pool, 3);
    const id = await startedProject(createProjectCommandHandler(store), 6);
    const { state, version } = await createProjectCommandHandler(store, { cachedStreams: 0 }).load(id);
    await snapshots.save({ streamId: id, version, state });
    const stored = async () =>
      (await pool.query<{ text: string }>('SELECT state::text AS text FROM project_snapshots WHERE stream_id = $1 AND state_version = 3', [id])).rows[0]!.text;
    expect(await stored()).toBe(JSON.stringify(state));

    // What the migration converts: jsonb's rendering of the same state (keys reordered, spaces after separators).
    await pool.query('UPDATE project_snapshots SET state = state::jsonb::json WHERE stream_id = $1 AND state_version = 3', [id]);
    expect(await stored()).not.toBe(JSON.stringify(state));
    expect(await snapshots.latest(id)).toEqual({ streamId: id, version, state });
  });

  it('keep long arrays in parts that the snapshots of a stream share, each stored once, and read back equal to a fold', async () => {
    const snapshots = new PostgresSnapshotStore<ProjectState>(pool, 4, { itemsPerPart: 4 });
    const handler = createProjectCommandHandler(store, { snapshots, snapshotEvery: 10 });
    const id = await startedProject(handler, 22);
    // A correction marks a measurement of a part already stored as superseded: that part is made anew.
    await handler.handle(id, { type: 'CorrectMeasurement', data: { indicatorId: 'i', measurementId: 'c-1', correctsMeasurementId: 'm-1', value: 7, reason: 'Miscounted' } }, { metadata: commandMetadata() });
    for (let n = 22; n < 35; n++) {
      await handler.handle(id, { type: 'RecordMeasurement', data: { indicatorId: 'i', measurementId: `m-${n}`, value: n, date: '2020-02-01' } }, { metadata: commandMetadata() });
    }
    const plain = createProjectCommandHandler(store, { cachedStreams: 0 });
    const head = await plain.load(id);
    expect(head.version).toBe(40);
    await until(async () => (await snapshotVersions(id)).filter((version) => version % 10 === 0).length === 4);

    const rows = await pool.query<{ version: number; state: string; parts: string[] }>(
      'SELECT version, state, parts FROM project_snapshots WHERE stream_id = $1 AND state_version = 4 ORDER BY version',
      [id],
    );
    // Versions 10 to 40 hold 6, 16, 26 (the correction among them) and 36 measurements: 1, 4, 6 and 9 full parts.
    expect(rows.rows.map((row) => [row.version, row.parts.length])).toEqual([[10, 1], [20, 4], [30, 6], [40, 9]]);
    // A snapshot's own text holds only the items after its last full part: at version 30, m-23 and m-24.
    const at30 = rows.rows.find((row) => row.version === 30)!.state;
    expect(['"m-0"', '"m-22"', '"m-23"', '"m-24"'].map((id) => at30.includes(id))).toEqual([false, false, true, true]);
    // The parts the snapshots share are stored once each: the four of version 20; at version 30 the first
    // again with m-1 superseded, and two new; at version 40 three new.
    const stored = await pool.query<{ hash: string; items: string }>('SELECT hash, items FROM project_snapshot_parts WHERE stream_id = $1', [id]);
    const named = new Set(rows.rows.flatMap((row) => row.parts));
    expect(stored.rows.map((row) => row.hash).sort()).toEqual([...named].sort());
    expect(stored.rows).toHaveLength(10);
    expect(stored.rows.filter((row) => row.items.includes('"supersededBy":"c-1"'))).toHaveLength(1);

    const fresh = createProjectCommandHandler(store, { snapshots: new PostgresSnapshotStore<ProjectState>(pool, 4, { itemsPerPart: 4 }), snapshotEvery: 10, cachedStreams: 0 });
    for (const version of [40, 35, 30, 21, 20, 10]) {
      const fromSnapshot = await fresh.load(id, version);
      expect(fromSnapshot.state).toEqual((await plain.load(id, version)).state);
      expect(fromSnapshot.fromSnapshot).toBe(Math.floor(version / 10) * 10);
    }
  });

  it('do not read a snapshot one of whose parts was deleted, and store the parts again with the next', async () => {
    const snapshots = new PostgresSnapshotStore<ProjectState>(pool, 5, { itemsPerPart: 4 });
    const handler = createProjectCommandHandler(store, { snapshots, snapshotEvery: 10 });
    const id = await startedProject(handler, 16);
    await until(async () => (await snapshotVersions(id)).includes(20));
    const first = (await pool.query<{ parts: string[] }>('SELECT parts FROM project_snapshots WHERE stream_id = $1 AND version = 20', [id])).rows[0]!.parts;
    await pool.query('DELETE FROM project_snapshot_parts WHERE stream_id = $1 AND hash = $2', [id, first[0]]);

    // The store that wrote them reads neither snapshot whole: it folds from the first event.
    expect(await snapshots.latest(id)).toBeUndefined();
    const plain = createProjectCommandHandler(store, { cachedStreams: 0 });
    const again = createProjectCommandHandler(store, { snapshots, snapshotEvery: 10, cachedStreams: 0 });
    expect(await again.load(id)).toMatchObject({ version: 20, fromSnapshot: 0, folded: 20 });
    // Its next snapshot sends every part it names, the deleted one too, and reads back whole.
    for (let n = 16; n < 26; n++) {
      await handler.handle(id, { type: 'RecordMeasurement', data: { indicatorId: 'i', measurementId: `m-${n}`, value: n, date: '2020-02-01' } }, { metadata: commandMetadata() });
    }
    await until(async () => (await snapshotVersions(id)).includes(30));
    const latest = await snapshots.latest(id);
    expect(latest?.version).toBe(30);
    expect(latest?.state).toEqual((await plain.load(id, 30)).state);
  });

  it('are stored as text, not json that PostgreSQL parses on the way in, and compressed with lz4', async () => {
    const column = await pool.query<{ type: string; compression: string }>(
      `SELECT format_type(atttypid, atttypmod) AS type, attcompression AS compression
       FROM pg_attribute WHERE attrelid = 'project_snapshots'::regclass AND attname = 'state'`,
    );
    // The migration keeps pglz on a server built without lz4; the servers this runs on have it.
    expect(column.rows).toEqual([{ type: 'text', compression: 'l' }]);
  });
});
