import pg from 'pg';
import type { AppConfig } from '@app/config';
import { survivesLostConnections } from '@app/database';
import { ProjectViewsRebuild, REBUILD_CONNECTIONS, type UnreadableProject } from '@app/read-models';

function progress(label: string): (events: number) => void {
  return (events) => process.stderr.write(`\r${label}: ${events.toLocaleString('en')} events read`);
}

/**
 * `projections:rebuild`: rebuilds every read model from the event store and swaps it in; exit code 1 when
 * a project's history could not be replayed (the others are rebuilt all the same).
 */
export async function rebuildCommand(config: AppConfig): Promise<number> {
  const pool = survivesLostConnections(new pg.Pool({ connectionString: config.databaseUrl, max: REBUILD_CONNECTIONS }));
  try {
    const result = await new ProjectViewsRebuild(pool).rebuild(progress('Rebuilding'));
    const rate = Math.round(result.events / Math.max(result.durationMs / 1000, 0.001));
    console.error(`\nRebuilt ${result.projects} projects from ${result.events} events in ${result.durationMs} ms (${rate} events/s).`);
    reportUnreadable(result.unreadable, 'not rebuilt: its views are kept as they were');
    return result.unreadable.length === 0 ? 0 : 1;
  } finally {
    await pool.end();
  }
}

/** `projections:verify`: rebuilds in shadow tables and reports drift; exit code 1 when any is found, or a history that cannot be replayed. */
export async function verifyCommand(config: AppConfig): Promise<number> {
  const pool = survivesLostConnections(new pg.Pool({ connectionString: config.databaseUrl, max: REBUILD_CONNECTIONS }));
  try {
    const report = await new ProjectViewsRebuild(pool).verify(progress('Verifying'));
    console.error(`\nCompared ${report.compared} of ${report.projects} projects (${report.events} events) in ${report.durationMs} ms.`);
    reportUnreadable(report.unreadable, 'not compared');
    if (report.behind.length > 0) {
      console.log(
        `NOT COMPARED: ${report.behind.length} project(s) whose read model is behind its events (being projected, or held up: ` +
          `is the worker running? see /health/ready and GET /admin/dead-letters): ${named(report.behind)}.`,
      );
    }
    if (report.movedOn.length > 0) {
      console.log(`NOT COMPARED: ${report.movedOn.length} project(s) written to while the verification ran (their views moved on past its snapshot): ${named(report.movedOn)}.`);
    }
    if (report.unreadable.length > 0) return 1;
    if (report.differing.length === 0) {
      console.log(
        report.behind.length + report.movedOn.length === 0
          ? 'No drift: the read model equals a rebuild from the event store.'
          : `No drift in the ${report.compared} project(s) compared; run it again once the worker has caught up to compare the others.`,
      );
      return 0;
    }
    for (const drift of report.differing) console.log(`DRIFT project ${drift.projectId} in ${drift.table}`);
    return 1;
  } finally {
    await pool.end();
  }
}

/** One line a project whose stored history the rebuild could not replay. */
function reportUnreadable(unreadable: readonly UnreadableProject[], outcome: string): void {
  for (const project of unreadable) {
    console.log(`UNREADABLE project ${project.projectId} at version ${project.version}, ${outcome}: ${project.reason} (its audit says what was altered).`);
  }
}

/** The first ten ids, and how many more. */
function named(ids: readonly string[]): string {
  return ids.slice(0, 10).join(', ') + (ids.length > 10 ? `, and ${ids.length - 10} more` : '');
}
