import type pg from 'pg';

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
 * needs only a bump of that number.
 */
export class PostgresSnapshotStore<State> implements SnapshotStore<State> {
  constructor(
    private readonly pool: pg.Pool,
    private readonly stateVersion: number,
  ) {}

  async latest(streamId: string, maxVersion = 2_147_483_647): Promise<Snapshot<State> | undefined> {
    const result = await this.pool.query<{ version: number; state: string }>(
      `SELECT version, state FROM project_snapshots
       WHERE stream_id = $1 AND state_version = $2 AND version <= $3
       ORDER BY version DESC LIMIT 1`,
      [streamId, this.stateVersion, maxVersion],
    );
    const row = result.rows[0];
    return row && { streamId, version: row.version, state: JSON.parse(row.state) as State };
  }

  async save(snapshot: Snapshot<State>): Promise<void> {
    await this.pool.query(
      `INSERT INTO project_snapshots (stream_id, version, state_version, state) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [snapshot.streamId, snapshot.version, this.stateVersion, JSON.stringify(snapshot.state)],
    );
  }
}
