import type pg from 'pg';
import { inTransaction } from '@app/event-store';

/**
 * `read` in one snapshot of the read models, on a connection of `pool`: its statements see one
 * committed state. Each statement on its own sees the latest, and a sync the worker committed between
 * two of them gave an answer of two versions (GET /projects/{id} at version 29 with version 31's
 * measurements, before that read became one statement). A read that can be one statement needs none.
 */
export function inOneSnapshotOf<T>(pool: pg.Pool, read: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, read, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
}
