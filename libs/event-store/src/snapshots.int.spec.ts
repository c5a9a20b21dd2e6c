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

  it('are stored as text, not json that PostgreSQL parses on the way in, and compressed with lz4', async () => {
    const column = await pool.query<{ type: string; compression: string }>(
      `SELECT format_type(atttypid, atttypmod) AS type, attcompression AS compression
       FROM pg_attribute WHERE attrelid = 'project_snapshots'::regclass AND attname = 'state'`,
    );
    // The migration keeps pglz on a server built without lz4; the servers this runs on have it.
    expect(column.rows).toEqual([{ type: 'text', compression: 'l' }]);
  });
});
