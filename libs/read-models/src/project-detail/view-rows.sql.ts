import type pg from 'pg';
import { type ProjectDetailRows, VIEW_COLUMNS, VIEW_TABLES, type ViewTable } from './project-detail.rows.js';

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
