import { IsolationLevel } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { inTransaction } from '@app/event-store';

/**
 * `read` in one snapshot of the read models: its statements see one committed state. Each statement
 * on its own sees the latest, and a sync the worker committed between two of them gave an answer of
 * two versions (GET /projects/{id} at version 29 with version 31's measurements).
 */
export async function inOneSnapshot<T>(em: EntityManager, read: (em: EntityManager) => Promise<T>): Promise<T> {
  const snapshot = em.fork();
  await snapshot.begin({ isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true });
  try {
    const result = await read(snapshot);
    await snapshot.commit();
    return result;
  } catch (error) {
    await snapshot.rollback().catch(() => undefined);
    throw error;
  }
}

/** As inOneSnapshot, on a connection of `pool`. */
export function inOneSnapshotOf<T>(pool: pg.Pool, read: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, read, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
}
