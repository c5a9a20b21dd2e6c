import { IsolationLevel } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';

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
export async function inOneSnapshotOf<T>(pool: pg.Pool, read: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await read(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
