import { afterAll, beforeAll } from '@jest/globals';
import pg from 'pg';
import { PostgresEventStore } from '@app/event-store';
import { createTestEnvironment, type TestEnvironment } from './test-environment.js';

/** A spec file's own database with the schema, a pool on it and an event store over that pool. */
export interface StoreDatabase {
  env: TestEnvironment;
  pool: pg.Pool;
  store: PostgresEventStore;
}

/**
 * For the int specs that work on the event store directly: opens a database of the spec file's own
 * (named after `name`, migrated) before its tests, hands it to `opened`, and closes the pool and drops
 * the database after them. `poolSize` is the pool's ceiling: enough for the spec's concurrency, few
 * enough to share the server with the specs running beside it.
 */
export function openStoreDatabase(name: string, poolSize: number, opened: (database: StoreDatabase) => void): void {
  let database: StoreDatabase | undefined;
  beforeAll(async () => {
    const env = await createTestEnvironment(name);
    const pool = new pg.Pool({ connectionString: env.config.databaseUrl, max: poolSize });
    // An idle client losing its connection must not fail the spec file.
    pool.on('error', () => undefined);
    database = { env, pool, store: new PostgresEventStore(pool) };
    opened(database);
  });
  afterAll(async () => {
    await database?.pool.end();
    await database?.env.dispose();
  });
}
