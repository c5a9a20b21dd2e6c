import type pg from 'pg';
import {
  PROJECT_EVENT_SCHEMA_VERSIONS,
  PROJECT_STATE_VERSION,
  type ProjectCommand,
  ProjectCodeTaken,
  type ProjectEvent,
  type ProjectState,
  businessDateOf,
  decide,
  evolve,
  initialProjectState,
} from '@app/domain';
import { CommandHandler, type CommandHandlerOptions } from '../command-handling.js';
import { isUniqueViolation, type PostgresEventStore } from '../postgres-event-store.js';
import { PostgresSnapshotStore } from '../snapshot-store.js';

export const PROJECT_STREAM_TYPE = 'project';

export type ProjectCommandHandler = CommandHandler<ProjectCommand, ProjectEvent, ProjectState>;

export function createProjectCommandHandler(
  store: PostgresEventStore,
  options: CommandHandlerOptions<ProjectState> = {},
): ProjectCommandHandler {
  return new CommandHandler(
    store,
    { decide, evolve, initialState: initialProjectState, businessDateOf },
    PROJECT_STREAM_TYPE,
    PROJECT_EVENT_SCHEMA_VERSIONS,
    options,
  );
}

/** Project snapshots in PostgreSQL, read only when written by the current `PROJECT_STATE_VERSION`. */
export function createProjectSnapshotStore(pool: pg.Pool): PostgresSnapshotStore<ProjectState> {
  return new PostgresSnapshotStore<ProjectState>(pool, PROJECT_STATE_VERSION);
}

/** Whether the command needs `reserveProjectCode` in its append's transaction. */
export function reservesProjectCode(command: ProjectCommand): command is Extract<ProjectCommand, { type: 'ProposeProject' }> {
  return command.type === 'ProposeProject';
}

/**
 * Project codes are unique across projects, regardless of case, which one stream cannot check: a
 * proposal reserves its code in the same transaction as its first event.
 */
export async function reserveProjectCode(client: pg.PoolClient, command: ProjectCommand, projectId: string): Promise<void> {
  if (!reservesProjectCode(command)) return;
  try {
    await client.query('INSERT INTO project_codes (code, project_id) VALUES ($1, $2)', [command.data.code, projectId]);
  } catch (error) {
    if (isUniqueViolation(error, 'project_codes_pkey') || isUniqueViolation(error, 'project_codes_regardless_of_case')) {
      throw new ProjectCodeTaken(command.data.code);
    }
    throw error;
  }
}
