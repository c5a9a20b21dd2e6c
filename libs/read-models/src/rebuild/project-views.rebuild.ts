import type pg from 'pg';
import { ProjectDetailFolder, type ProjectDetailRows, VIEW_COLUMNS, VIEW_TABLES, type ViewTable } from '../project-detail/project-detail.rows.js';
import { writeViewRows } from '../project-detail/view-rows.sql.js';
import { type FoldedEventRow, foldedEvent } from '../event-rows.js';

/** Events read per round trip while rebuilding. */
const READ_BATCH = 10_000;
/** Rows buffered before they are written to the shadow tables. */
const WRITE_BATCH = 2_000;
/** One rebuild or verification at a time across every process (a transaction-free session lock). */
const REBUILD_LOCK_KEY = 7_347_001;

export interface ShadowBuild {
  events: number;
  projects: number;
  durationMs: number;
}

export interface DriftReport extends ShadowBuild {
  /** Projects at the same version in the live and the rebuilt model (the others are still being projected). */
  compared: number;
  differing: { projectId: string; table: ViewTable }[];
}

export class RebuildInProgress extends Error {
  constructor() {
    super('A rebuild or verification of the read models is already running.');
    this.name = 'RebuildInProgress';
  }
}

/**
 * Rebuilds the project read model from the event store: every project's events are folded in memory
 * (read in batches from one REPEATABLE READ snapshot) and written in bulk to shadow tables, which are
 * then swapped in by renaming. Reads stay available throughout; projects that changed after the
 * snapshot are behind by version after the swap, and the worker's reconcile brings them up.
 */
export class ProjectViewsRebuild {
  constructor(private readonly pool: pg.Pool) {}

  async rebuild(onProgress?: (events: number) => void): Promise<ShadowBuild> {
    return this.exclusively(async () => {
      const build = await this.buildShadow('_rebuild', onProgress);
      await this.swap('_rebuild');
      return build;
    });
  }

  /** Rebuilds into shadow tables and compares them with the live ones; the live model is not touched. */
  async verify(onProgress?: (events: number) => void): Promise<DriftReport> {
    return this.exclusively(async () => {
      const build = await this.buildShadow('_verify', onProgress);
      try {
        return { ...build, ...(await this.compare('_verify')) };
      } finally {
        await this.dropShadow('_verify');
      }
    });
  }

  private async exclusively<T>(work: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [REBUILD_LOCK_KEY]);
      if (!locked.rows[0]!.ok) throw new RebuildInProgress();
      try {
        return await work();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [REBUILD_LOCK_KEY]);
      }
    } finally {
      client.release();
    }
  }

  private async buildShadow(suffix: string, onProgress?: (events: number) => void): Promise<ShadowBuild> {
    const started = Date.now();
    await this.dropShadow(suffix);
    for (const table of VIEW_TABLES) {
      await this.pool.query(`CREATE TABLE ${table}${suffix} (LIKE ${table} INCLUDING ALL)`);
    }
    const reader = await this.pool.connect();
    const buffer = emptyRows();
    let buffered = 0;
    let events = 0;
    let projects = 0;
    const flush = async () => {
      for (const table of VIEW_TABLES) {
        await writeViewRows(this.pool, `${table}${suffix}`, VIEW_COLUMNS[table], buffer[table]);
        buffer[table] = [];
      }
      buffered = 0;
    };
    const finish = async (folder: ProjectDetailFolder) => {
      const rows = folder.rows();
      for (const table of VIEW_TABLES) {
        buffer[table].push(...rows[table]);
        buffered += rows[table].length;
      }
      projects += 1;
      if (buffered >= WRITE_BATCH) await flush();
    };
    try {
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      let after = { streamId: '00000000-0000-0000-0000-000000000000', version: 0 };
      let current: { streamId: string; folder: ProjectDetailFolder } | undefined;
      for (;;) {
        const page = await reader.query<FoldedEventRow>(
          `SELECT e.stream_id, e.stream_version, e.type, e.data, e.metadata
           FROM events e
           WHERE (e.stream_id, e.stream_version) > ($1::uuid, $2::int)
           ORDER BY e.stream_id, e.stream_version
           LIMIT $3`,
          [after.streamId, after.version, READ_BATCH],
        );
        for (const row of page.rows) {
          if (current?.streamId !== row.stream_id) {
            if (current) await finish(current.folder);
            current = { streamId: row.stream_id, folder: new ProjectDetailFolder() };
          }
          current.folder.apply(foldedEvent(row));
        }
        events += page.rows.length;
        onProgress?.(events);
        const last = page.rows.at(-1);
        if (!last || page.rows.length < READ_BATCH) break;
        after = { streamId: last.stream_id, version: last.stream_version };
      }
      if (current) await finish(current.folder);
      await flush();
      await reader.query('COMMIT');
    } catch (error) {
      await reader.query('ROLLBACK').catch(() => undefined);
      await this.dropShadow(suffix).catch(() => undefined);
      throw error;
    } finally {
      reader.release();
    }
    return { events, projects, durationMs: Date.now() - started };
  }

  /** Swaps the shadow tables in, all at once; readers wait only for the renames. */
  private async swap(suffix: string): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`LOCK TABLE ${VIEW_TABLES.join(', ')} IN ACCESS EXCLUSIVE MODE`);
      for (const table of VIEW_TABLES) {
        await client.query(`ALTER TABLE ${table} RENAME TO ${table}_replaced`);
        await client.query(`ALTER TABLE ${table}${suffix} RENAME TO ${table}`);
        await client.query(`DROP TABLE ${table}_replaced`);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async compare(suffix: string): Promise<Omit<DriftReport, keyof ShadowBuild>> {
    const same = await this.pool.query<{ id: string }>(
      `SELECT l.id FROM project_views l JOIN project_views${suffix} s USING (id) WHERE l.version = s.version`,
    );
    const ids = same.rows.map((row) => row.id);
    const differing: DriftReport['differing'] = [];
    for (const table of VIEW_TABLES) {
      const key = table === 'project_views' ? 'id' : 'project_id';
      const columns = VIEW_COLUMNS[table].join(', ');
      const result = await this.pool.query<{ project_id: string }>(
        `SELECT DISTINCT d.${key} AS project_id FROM (
           (SELECT ${columns} FROM ${table} WHERE ${key} = ANY($1::uuid[])
            EXCEPT SELECT ${columns} FROM ${table}${suffix} WHERE ${key} = ANY($1::uuid[]))
           UNION ALL
           (SELECT ${columns} FROM ${table}${suffix} WHERE ${key} = ANY($1::uuid[])
            EXCEPT SELECT ${columns} FROM ${table} WHERE ${key} = ANY($1::uuid[]))
         ) d`,
        [ids],
      );
      for (const row of result.rows) differing.push({ projectId: row.project_id, table });
    }
    return { compared: ids.length, differing };
  }

  private async dropShadow(suffix: string): Promise<void> {
    for (const table of VIEW_TABLES) await this.pool.query(`DROP TABLE IF EXISTS ${table}${suffix}`);
  }
}

function emptyRows(): ProjectDetailRows {
  return Object.fromEntries(VIEW_TABLES.map((table) => [table, []])) as unknown as ProjectDetailRows;
}
