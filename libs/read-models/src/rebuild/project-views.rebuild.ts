import type pg from 'pg';
import { eachRow, type EventMetadata, inTransaction, StreamVersionGap, UnreadableEvent } from '@app/event-store';
import { foldedEvent } from '../event-rows.js';
import { ProjectDetailFolder, type ProjectDetailRows, VIEW_COLUMNS, VIEW_TABLES, type ViewTable } from '../project-detail/project-detail.rows.js';
import { nonFiniteAsText } from '../project-detail/view-rows.sql.js';

/** Events read per round trip while rebuilding, each folded as it arrives. */
const READ_BATCH = 2_000;
/** Rows of a table buffered before they are written to its shadow table in one statement. */
const WRITE_BATCH = 2_000;
/** Connections writing at once: the writes are most of PostgreSQL's work in a rebuild, and one keeps one core busy at most. */
const WRITERS = 2;
/** Connections a rebuild or a drift check holds at once: the lock's, the reader's and the writers'. */
export const REBUILD_CONNECTIONS = 2 + WRITERS;
/** One rebuild or verification at a time across every process (a transaction-free session lock). */
export const REBUILD_LOCK_KEY = 7_347_001;

export interface ShadowBuild {
  events: number;
  /** Projects folded from their events (the unreadable ones not counted). */
  projects: number;
  durationMs: number;
  /**
   * Projects whose stored history cannot be replayed (changed by hand: an event removed, renamed or
   * emptied): not rebuilt. A rebuild keeps each one's views as they were; a verification compares none.
   */
  unreadable: UnreadableProject[];
}

/** A project the rebuild could not fold, where and why: its audit (GET /projects/{id}/audit) says what was altered. */
export interface UnreadableProject {
  projectId: string;
  /** The version it stops at: the event it cannot take, or the one missing. */
  version: number;
  reason: string;
}

export interface DriftReport extends ShadowBuild {
  /** Projects at the same version in the live and the rebuilt model. */
  compared: number;
  /**
   * Projects whose live view is behind the rebuild (or missing): not compared. Being projected, or held
   * up (a dead letter, no worker running): readiness and GET /admin/dead-letters tell which. (A project
   * whose live view moved on past the rebuild's snapshot is in `movedOn`.)
   */
  behind: string[];
  /**
   * Projects whose live view moved on past the rebuild's snapshot (written to while it ran): not
   * compared either, and named so that an answer under load does not pass over its busiest projects.
   */
  movedOn: string[];
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
 * snapshot are behind by version after the swap, and the worker's reconcile brings them up. A project
 * whose history cannot be replayed does not stop the others: it is named, and its views are carried
 * over as they were (the worker parks its sync as a dead letter likewise).
 */
export class ProjectViewsRebuild {
  constructor(private readonly pool: pg.Pool) {}

  async rebuild(onProgress?: (events: number) => void): Promise<ShadowBuild> {
    return this.exclusively(async () => {
      const build = await this.buildShadow('_rebuild', onProgress);
      await this.swap('_rebuild', build.unreadable.map((project) => project.projectId));
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
    // Without indexes while they fill: each is built once at the end, cheaper than kept up row by row.
    for (const table of VIEW_TABLES) {
      await this.pool.query(`CREATE TABLE ${table}${suffix} (LIKE ${table} INCLUDING ALL EXCLUDING INDEXES)`);
    }
    const reader = await this.pool.connect();
    const buffer = emptyRows();
    let events = 0;
    let projects = 0;
    const unreadable: UnreadableProject[] = [];
    // Batches are written while the reader goes on, by WRITERS chains of writes on connections of
    // their own, a batch on each in turn (the shadow tables have no keys yet to contend for).
    const writers: Promise<void>[] = Array.from({ length: WRITERS }, () => Promise.resolve());
    let batches = 0;
    const writing = () => Promise.all(writers).then(() => undefined);
    const write = (table: ViewTable) => {
      const rows = buffer[table];
      buffer[table] = [];
      const writer = batches++ % WRITERS;
      writers[writer] = writers[writer]!.then(() => this.insertRows(`${table}${suffix}`, VIEW_COLUMNS[table], rows));
      // Awaited after each page; a failed write fails the build there.
      writers[writer].catch(() => undefined);
    };
    const finish = (folder: ProjectDetailFolder) => {
      const rows = folder.rows();
      for (const table of VIEW_TABLES) {
        buffer[table].push(...rows[table]);
        if (buffer[table].length >= WRITE_BATCH) write(table);
      }
      projects += 1;
    };
    try {
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      let after = { streamId: '00000000-0000-0000-0000-000000000000', version: 0 };
      // A project's folder, or none once one of its events could not be folded: its later ones are skipped.
      let current: { streamId: string; folder: ProjectDetailFolder | undefined } | undefined;
      for (;;) {
        let last: EventRow | undefined;
        // The writes of the page before this one: they run while this page is read and folded.
        const earlierWrites = writing();
        const read = await eachRow<EventRow>(
          reader,
          `SELECT e.stream_id, e.stream_version, e.type, e.data, e.metadata
           FROM events e
           WHERE (e.stream_id, e.stream_version) > ($1::uuid, $2::int)
           ORDER BY e.stream_id, e.stream_version
           LIMIT $3`,
          [after.streamId, after.version, READ_BATCH],
          (row) => {
            if (current?.streamId !== row[0]) {
              if (current?.folder) finish(current.folder);
              current = { streamId: row[0], folder: new ProjectDetailFolder() };
            }
            last = row;
            if (!current.folder) return;
            try {
              current.folder.apply(foldedEvent({ stream_id: row[0], stream_version: row[1], type: row[2], data: row[3], metadata: row[4] }));
            } catch (error) {
              unreadable.push(unreadableProject(row, error));
              current.folder = undefined;
            }
          },
        );
        events += read;
        onProgress?.(events);
        // No more than two pages' rows wait to be written: the reader never runs far ahead.
        await earlierWrites;
        if (!last || read < READ_BATCH) break;
        after = { streamId: last[0], version: last[1] };
      }
      if (current?.folder) finish(current.folder);
      for (const table of VIEW_TABLES) if (buffer[table].length > 0) write(table);
      await writing();
      await reader.query('COMMIT');
      // Keys and indexes built as many tables at a time as there were writers, each taking the next table.
      const unindexed = [...VIEW_TABLES];
      await Promise.all(
        Array.from({ length: WRITERS }, async () => {
          for (let table = unindexed.shift(); table; table = unindexed.shift()) await this.indexLike(table, `${table}${suffix}`);
        }),
      );
    } catch (error) {
      // Every write done or failed before the shadow tables go.
      await Promise.allSettled(writers);
      await reader.query('ROLLBACK').catch(() => undefined);
      await this.dropShadow(suffix).catch(() => undefined);
      throw error;
    } finally {
      reader.release();
    }
    return { events, projects, durationMs: Date.now() - started, unreadable };
  }

  /** Gives `shadow` the keys and indexes `table` has (the names PostgreSQL chooses for a new table). */
  private async indexLike(table: ViewTable, shadow: string): Promise<void> {
    const keys = await this.pool.query<{ definition: string }>(
      `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p', 'u') ORDER BY contype, conname`,
      [table],
    );
    for (const { definition } of keys.rows) await this.pool.query(`ALTER TABLE ${shadow} ADD ${definition}`);
    const indexes = await this.pool.query<{ definition: string }>(
      `SELECT pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i
       WHERE i.indrelid = $1::regclass AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)
       ORDER BY i.indexrelid`,
      [table],
    );
    for (const { definition } of indexes.rows) {
      const onShadow = definition.replace(/^CREATE (UNIQUE )?INDEX \S+ ON \S+ /, `CREATE $1INDEX ON ${shadow} `);
      if (onShadow === definition) throw new Error(`unexpected index definition on ${table}: ${definition}`);
      await this.pool.query(onShadow);
    }
  }

  /**
   * Swaps the shadow tables in, all at once; readers wait only for the renames. The views of the
   * projects `kept` (not rebuilt) are carried over from the live tables first, under the same lock.
   */
  private async swap(suffix: string, kept: readonly string[]): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(`LOCK TABLE ${VIEW_TABLES.join(', ')} IN ACCESS EXCLUSIVE MODE`);
      if (kept.length > 0) {
        for (const table of VIEW_TABLES) {
          const columns = VIEW_COLUMNS[table].join(', ');
          await client.query(`INSERT INTO ${table}${suffix} (${columns}) SELECT ${columns} FROM ${table} WHERE ${projectKey(table)} = ANY($1::uuid[])`, [
            kept,
          ]);
        }
      }
      for (const table of VIEW_TABLES) {
        await client.query(`ALTER TABLE ${table} RENAME TO ${table}_replaced`);
        await client.query(`ALTER TABLE ${table}${suffix} RENAME TO ${table}`);
        await client.query(`DROP TABLE ${table}_replaced`);
      }
    });
  }

  private async compare(suffix: string): Promise<Omit<DriftReport, keyof ShadowBuild>> {
    // Each rebuilt project against its live view, in one read: at the same version (compared), behind it
    // or missing (behind), or moved on past it (movedOn).
    const standings = await this.pool.query<{ id: string; standing: 'same' | 'behind' | 'movedOn' }>(
      `SELECT s.id, CASE WHEN l.id IS NULL OR l.version < s.version THEN 'behind' WHEN l.version > s.version THEN 'movedOn' ELSE 'same' END AS standing
       FROM project_views${suffix} s LEFT JOIN project_views l USING (id) ORDER BY s.id`,
    );
    const standing = (which: string) => standings.rows.filter((row) => row.standing === which).map((row) => row.id);
    const ids = standing('same');
    const differing: DriftReport['differing'] = [];
    for (const table of VIEW_TABLES) {
      const key = projectKey(table);
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
    return { compared: ids.length, behind: standing('behind'), movedOn: standing('movedOn'), differing };
  }

  private async dropShadow(suffix: string): Promise<void> {
    for (const table of VIEW_TABLES) await this.pool.query(`DROP TABLE IF EXISTS ${table}${suffix}`);
  }

  /**
   * Writes rows as one JSON document a statement, which PostgreSQL reads with json_populate_recordset:
   * a VALUES list of a parameter per column and row (30,000 of them a statement) cost it four times the
   * CPU to bind and plan. Values go in as they did as parameters: strings and numbers as text, objects
   * (the jsonb columns) as their JSON, and a column's non-finite number, which JSON cannot hold, by name.
   */
  private async insertRows(table: string, columns: readonly string[], rows: Record<string, unknown>[]): Promise<void> {
    const list = columns.join(', ');
    for (let start = 0; start < rows.length; start += WRITE_BATCH) {
      const chunk = rows.slice(start, start + WRITE_BATCH).map(nonFiniteAsText);
      await this.pool.query(`INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, $1::json)`, [
        JSON.stringify(chunk),
      ]);
    }
  }
}

/** The column naming the project a row of `table` belongs to. */
function projectKey(table: ViewTable): string {
  return table === 'project_views' ? 'id' : 'project_id';
}

/** Where and why a project's history stops being foldable: a version missing, or an event it cannot take. */
function unreadableProject([projectId, version, type]: EventRow, error: unknown): UnreadableProject {
  if (error instanceof StreamVersionGap) return { projectId, version: error.missingVersion, reason: error.message };
  return { projectId, version, reason: new UnreadableEvent(projectId, version, type, error).message };
}

function emptyRows(): ProjectDetailRows {
  return Object.fromEntries(VIEW_TABLES.map((table) => [table, []])) as unknown as ProjectDetailRows;
}

/** A row of the rebuild's read, in its column order (pg's `rowMode: 'array'`). */
type EventRow = [streamId: string, version: number, type: string, data: unknown, metadata: EventMetadata];
