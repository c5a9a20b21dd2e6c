import type pg from 'pg';
import { joinParts, SnapshotParts } from './snapshot-parts.js';

/** An aggregate's state as its stream left it at `version`. */
export interface Snapshot<State> {
  streamId: string;
  version: number;
  state: State;
}

/**
 * Where folded states are kept so long streams load fast: a load starts from the latest snapshot at
 * or below the version it wants and folds only the events after it. Snapshots are a cache of the
 * stream, never a source of truth: losing them all only makes loads slower.
 */
export interface SnapshotStore<State> {
  /** The latest snapshot of the stream at or below `maxVersion` (any version when omitted). */
  latest(streamId: string, maxVersion?: number): Promise<Snapshot<State> | undefined>;
  /** Stores a snapshot; one already stored at that version is kept. */
  save(snapshot: Snapshot<State>): Promise<void>;
}

/**
 * Snapshots in PostgreSQL (`project_snapshots`), tagged with the state's schema version: a snapshot
 * written by an older `evolve` (another `stateVersion`) is never read, so changing the state's shape
 * needs only a bump of that number. A state's long arrays are stored in parts the stream's snapshots
 * share (`project_snapshot_parts`, snapshot-parts.ts), written in the same statement as the snapshot
 * that first names them; a snapshot one of whose parts is gone (deleted by hand) is not read.
 */
export class PostgresSnapshotStore<State> implements SnapshotStore<State> {
  private readonly parts: SnapshotParts;

  constructor(
    private readonly pool: pg.Pool,
    private readonly stateVersion: number,
    options: { itemsPerPart?: number } = {},
  ) {
    this.parts = new SnapshotParts(options.itemsPerPart);
  }

  async latest(streamId: string, maxVersion = 2_147_483_647): Promise<Snapshot<State> | undefined> {
    // The snapshot's row, then a row for each part it names: each text as it is, where an array of them
    // would be parsed character by character on the way out.
    const result = await this.pool.query<{ version: number | null; text: string; hash: string | null }>(
      `WITH snapshot AS (
         SELECT version, state, parts FROM project_snapshots
         WHERE stream_id = $1 AND state_version = $2 AND version <= $3
         ORDER BY version DESC LIMIT 1
       )
       SELECT version, state AS text, NULL AS hash FROM snapshot
       UNION ALL
       SELECT NULL, p.items, p.hash FROM snapshot s JOIN project_snapshot_parts p ON p.stream_id = $1 AND p.hash = ANY (s.parts)`,
      [streamId, this.stateVersion, maxVersion],
    );
    const row = result.rows.find((each) => each.version !== null);
    if (!row) return undefined;
    const parts = new Map(result.rows.filter((each) => each.hash !== null).map((each) => [each.hash!, each.text]));
    const state = joinParts<State>(row.text, parts);
    if (state === undefined) {
      // Its parts were deleted by hand: this process must not take them for stored either.
      this.parts.forget(streamId);
      return undefined;
    }
    return { streamId, version: row.version!, state };
  }

  async save(snapshot: Snapshot<State>): Promise<void> {
    const { text, hashes, fresh } = this.parts.split(snapshot.streamId, snapshot.state);
    await this.pool.query(
      `WITH stored_parts AS (
         INSERT INTO project_snapshot_parts (stream_id, hash, items)
         SELECT $1, part.hash, part.items FROM unnest($5::text[], $6::text[]) AS part (hash, items)
         ON CONFLICT DO NOTHING
       )
       INSERT INTO project_snapshots (stream_id, version, state_version, state, parts) VALUES ($1, $2, $3, $4, $7)
       ON CONFLICT DO NOTHING`,
      [
        snapshot.streamId,
        snapshot.version,
        this.stateVersion,
        text,
        fresh.map((part) => part.hash),
        fresh.map((part) => part.items),
        hashes.length === 0 ? null : hashes,
      ],
    );
    this.parts.markStored(snapshot.streamId, fresh.map((part) => part.hash));
  }
}
