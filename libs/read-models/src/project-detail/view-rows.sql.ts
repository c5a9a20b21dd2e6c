import type pg from 'pg';
import { type ProjectDetailRows, VIEW_COLUMNS, VIEW_TABLES, type ViewTable } from './project-detail.rows.js';

/**
 * Writes the rows a sync changed, in one statement, if and only if the project's view is still at
 * `expectedVersion` (0: no view yet): the project's row moves from that version to the new one, and every
 * other table's rows are written only if it did, replacing those that exist (by id) column for column.
 * Each table's rows travel as one JSON parameter that PostgreSQL turns into rows of the table's own type
 * (non-finite numbers as their names, as the rebuild writes them).
 * Answers whether it wrote (false: another sync moved the view first).
 */
export async function writeViewChanges(db: pg.ClientBase | pg.Pool, changes: ProjectDetailRows, expectedVersion: number): Promise<boolean> {
  const [project] = changes.project_views;
  if (!project || changes.project_views.length !== 1) throw new Error('a sync writes exactly one project row');
  const tables = OTHER_TABLES.filter((table) => changes[table].length > 0);
  const name = viewWriteStatementName(tables);
  const values = [JSON.stringify(nonFiniteAsText(project)), expectedVersion, ...tables.map((table) => JSON.stringify(changes[table].map(nonFiniteAsText)))];
  const { rows } = await db.query<{ moved: number }>({ name, text: statementFor(name, tables), values });
  return rows[0]!.moved === 1;
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
    `moved AS (INSERT INTO project_views ${fromJson('project_views', 'jsonb_populate_record', '$1')}
      ${onConflict('project_views')} WHERE project_views.version = $2 RETURNING id)`,
    ...tables.map(
      (table, n) => `written_${table} AS (INSERT INTO ${table} ${fromJson(table, 'jsonb_populate_recordset', `$${n + 3}`)}
        WHERE EXISTS (SELECT FROM moved) ${onConflict(table)})`,
    ),
  ];
  text = `WITH ${ctes.join(',\n')} SELECT count(*)::int AS moved FROM moved`;
  statements.set(name, text);
  return text;
}

function fromJson(table: ViewTable, populate: 'jsonb_populate_record' | 'jsonb_populate_recordset', param: string): string {
  const columns = VIEW_COLUMNS[table].join(', ');
  return `(${columns}) SELECT ${columns} FROM ${populate}(NULL::${table}, ${param}::jsonb)`;
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
