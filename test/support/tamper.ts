import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { PostgresEventStore } from '@app/event-store';

/** What a superuser can do behind the application's back: the append-only trigger off, a change, the trigger on. */
export async function asSuperuser(pool: pg.Pool, sql: string, params: unknown[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE events DISABLE TRIGGER events_append_only');
    await client.query(sql, params);
    await client.query('ALTER TABLE events ENABLE TRIGGER events_append_only');
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

/**
 * Appends, behind the decider's back, an event the projection cannot apply: a milestone reached that
 * was never planned (its view row is not found), after version `after` of the project. Its id is
 * answered, for an operator's repair.
 */
export async function appendPoison(pool: pg.Pool, projectId: string, after: number): Promise<string> {
  const milestoneId = randomUUID();
  await new PostgresEventStore(pool).append(
    projectId,
    after,
    [
      {
        type: 'MilestoneReached',
        data: { projectId, milestoneId, reachedOn: '2020-01-01', evidence: 'x', documentLinks: [] },
        schemaVersion: 1,
        metadata: { eventId: randomUUID(), actor: { keyId: 'ops', role: 'admin' }, commandType: 'Manual', correlationId: 'poison', occurredAt: new Date().toISOString() },
      },
    ],
    { streamType: 'project' },
  );
  return milestoneId;
}
