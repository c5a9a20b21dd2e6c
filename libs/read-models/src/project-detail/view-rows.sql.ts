import type pg from 'pg';
import { type ProjectDetailRows, VIEW_COLUMNS, VIEW_TABLES, type ViewTable } from './project-detail.rows.js';

const JSON_COLUMNS = new Set(['location', 'participating_organisations', 'document_links', 'disaggregation', 'latest_disaggregation']);

/** Below PostgreSQL's limit of 65,535 parameters per statement. */
const MAX_PARAMETERS = 60_000;

/** Inserts rows into one table (a rebuild's shadow table), in as few statements as the parameter limit allows. */
export async function writeViewRows(client: pg.ClientBase | pg.Pool, table: string, columns: readonly string[], rows: Record<string, unknown>[]): Promise<void> {
  for (const chunk of chunks(rows, Math.floor(MAX_PARAMETERS / columns.length))) {
    const params: unknown[] = [];
    await client.query(insert(table, columns, chunk, params), params);
  }
}

/**
 * Writes the rows a sync changed, in one statement, if and only if the project's view is still at
 * `expectedVersion` (0: no view yet): the project's row moves from that version to the new one, and every
 * other table's rows are written only if it did, replacing those that exist (by id) column for column.
 * Each table's rows travel as one JSON parameter that PostgreSQL turns into rows of the table's own type.
 * Answers whether it wrote (false: another sync moved the view first).
 */
export async function writeViewChanges(db: pg.ClientBase | pg.Pool, changes: ProjectDetailRows, expectedVersion: number): Promise<boolean> {
  const [project] = changes.project_views;
  if (!project || changes.project_views.length !== 1) throw new Error('a sync writes exactly one project row');
  const params: unknown[] = [JSON.stringify(project), expectedVersion];
  const ctes = [
    `moved AS (INSERT INTO project_views ${fromJson('project_views', 'jsonb_populate_record', '$1')}
      ${onConflict('project_views')} WHERE project_views.version = $2 RETURNING id)`,
  ];
  for (const table of VIEW_TABLES) {
    if (table === 'project_views' || changes[table].length === 0) continue;
    params.push(JSON.stringify(changes[table]));
    ctes.push(
      `written_${table} AS (INSERT INTO ${table} ${fromJson(table, 'jsonb_populate_recordset', `$${params.length}`)}
        WHERE EXISTS (SELECT FROM moved) ${onConflict(table)})`,
    );
  }
  const { rows } = await db.query<{ moved: number }>(`WITH ${ctes.join(',\n')} SELECT count(*)::int AS moved FROM moved`, params);
  return rows[0]!.moved === 1;
}

function fromJson(table: ViewTable, populate: 'jsonb_populate_record' | 'jsonb_populate_recordset', param: string): string {
  const columns = VIEW_COLUMNS[table].join(', ');
  return `(${columns}) SELECT ${columns} FROM ${populate}(NULL::${table}, ${param}::jsonb)`;
}

function onConflict(table: ViewTable): string {
  return `ON CONFLICT (id) DO UPDATE SET ${VIEW_COLUMNS[table].filter((c) => c !== 'id').map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
}

function insert(table: string, columns: readonly string[], rows: Record<string, unknown>[], params: unknown[]): string {
  const values = rows.map((row) => {
    const slots = columns.map((column) => {
      const value = row[column];
      params.push(JSON_COLUMNS.has(column) && value !== null ? JSON.stringify(value) : value);
      return `$${params.length}`;
    });
    return `(${slots.join(', ')})`;
  });
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`;
}

function chunks<T>(rows: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < rows.length; start += size) result.push(rows.slice(start, start + size));
  return result;
}
