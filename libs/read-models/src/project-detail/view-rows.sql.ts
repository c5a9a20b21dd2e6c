import type pg from 'pg';
import { type ProjectDetailRows, VIEW_COLUMNS, VIEW_TABLES, type ViewTable } from './project-detail.rows.js';

/** One project's changed rows, to be written if its view is still at `expectedVersion` (0: no view yet). */
export interface ViewWrite {
  projectId: string;
  changes: ProjectDetailRows;
  expectedVersion: number;
}

/**
 * Writes the rows syncs changed, for any number of projects, in one statement: a project's rows are
 * written if and only if its view is still at its expected version (a compare-and-set per project): its
 * project row moves from that version to the new one, and every other table's rows of that project are
 * written only if it did, replacing those that exist (by id) column for column. Each table's rows travel
 * as one JSON parameter that PostgreSQL turns into rows of the table's own type (non-finite numbers as
 * their names, as the rebuild writes them).
 * Answers the projects it wrote (one missing: another sync moved its view first).
 */
export async function writeViewChanges(db: pg.ClientBase | pg.Pool, unordered: readonly ViewWrite[]): Promise<Set<string>> {
  // In the order of their ids, as every write takes them: two writes locking the same projects' rows in
  // different orders would deadlock (rows are inserted, and so locked, in the order they are listed).
  const writes = unordered.toSorted((a, b) => (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0));
  for (const { projectId, changes } of writes) {
    if (changes.project_views.length !== 1 || changes.project_views[0]!.id !== projectId) {
      throw new Error(`a sync writes exactly one project row, of its own project (${projectId})`);
    }
  }
  const tables = OTHER_TABLES.filter((table) => writes.some(({ changes }) => changes[table].length > 0));
  const name = viewWriteStatementName(tables);
  const rowsOf = (table: ViewTable) => JSON.stringify(writes.flatMap(({ changes }) => changes[table].map(nonFiniteAsText)));
  const values = [
    JSON.stringify(writes.map(({ projectId, expectedVersion }) => ({ id: projectId, version: expectedVersion }))),
    rowsOf('project_views'),
    ...tables.map(rowsOf),
  ];
  const { rows } = await db.query<{ id: string }>({ name, text: statementFor(name, tables), values });
  return new Set(rows.map((row) => row.id));
}

const OTHER_TABLES: readonly ViewTable[] = VIEW_TABLES.filter((table) => table !== 'project_views');

/**
 * The prepared statement's name for a set of changed tables: each table by its place in OTHER_TABLES
 * (`view-write-0234`). PostgreSQL keeps the first 63 bytes of a name, and the tables' own names joined
 * ran to 100: two sets alike in their first 52 would be one statement to the server, and the second
 * prepared on a connection would fail there ("already exists"). pg warned of it on every such prepare.
 */
export function viewWriteStatementName(tables: readonly ViewTable[]): string {
  return `view-write-${tables.map((table) => OTHER_TABLES.indexOf(table)).join('')}`;
}

/**
 * The write's text for one set of changed tables, built once per process: it is prepared under its
 * name on each connection, so PostgreSQL plans each shape once (a few dozen shapes at most).
 */
const statements = new Map<string, string>();
function statementFor(name: string, tables: readonly ViewTable[]): string {
  let text = statements.get(name);
  if (text) return text;
  const ctes = [
    `expected AS (SELECT id, version FROM jsonb_to_recordset($1::jsonb) AS expected (id uuid, version integer))`,
    `moved AS (INSERT INTO project_views ${fromJson('project_views', '$2')}
      ${onConflict('project_views')}
      WHERE project_views.version = (SELECT expected.version FROM expected WHERE expected.id = project_views.id) RETURNING id)`,
    ...tables.map(
      (table, n) => `written_${table} AS (INSERT INTO ${table} ${fromJson(table, `$${n + 3}`)}
        WHERE project_id IN (SELECT id FROM moved) ${onConflict(table)})`,
    ),
  ];
  text = `WITH ${ctes.join(',\n')} SELECT id FROM moved`;
  statements.set(name, text);
  return text;
}

function fromJson(table: ViewTable, param: string): string {
  const columns = VIEW_COLUMNS[table].join(', ');
  return `(${columns}) SELECT ${columns} FROM jsonb_populate_recordset(NULL::${table}, ${param}::jsonb)`;
}

function onConflict(table: ViewTable): string {
  return `ON CONFLICT (id) DO UPDATE SET ${VIEW_COLUMNS[table].filter((c) => c !== 'id').map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
}

/**
 * The row, or a copy whose non-finite numbers are text ('NaN', 'Infinity'): JSON cannot hold them, and
 * PostgreSQL reads those names into a numeric column. The sync and the rebuild write rows through it both.
 */
export function nonFiniteAsText(row: Record<string, unknown>): Record<string, unknown> {
  for (const key in row) {
    const value = row[key];
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return Object.fromEntries(Object.entries(row).map(([name, member]) => [name, typeof member === 'number' && !Number.isFinite(member) ? String(member) : member]));
    }
  }
  return row;
}
