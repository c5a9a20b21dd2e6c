import pg from 'pg';
import { MikroORM } from '@mikro-orm/postgresql';
import { databaseName } from '@app/config';
import { ormOptions } from './orm.config.js';

/**
 * Runs `work` with the name of the database the URL names and a client connected to the server's
 * `postgres` database (a database cannot be created or dropped from a connection to itself).
 */
async function onServer<T>(databaseUrl: string, work: (client: pg.Client, name: string) => Promise<T>): Promise<T> {
  const name = databaseName(databaseUrl);
  if (!name) throw new Error('DATABASE_URL names no database');
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    return await work(client, name);
  } finally {
    await client.end();
  }
}

/**
 * Creates the database named in the URL if it does not exist yet (connecting to the `postgres` database).
 * Another process creating it at the same moment (every replica migrating as it starts) is not an error:
 * the database is there, made by that one.
 */
export function createDatabaseIfMissing(databaseUrl: string): Promise<boolean> {
  return onServer(databaseUrl, async (client, name) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
      return true;
    } catch (error) {
      // duplicate_database, or the catalogue's unique index when both creations got that far.
      const code = (error as { code?: unknown }).code;
      if (code === '42P04' || code === '23505') return false;
      throw error;
    }
  });
}

/**
 * Runs `work` while holding a PostgreSQL session advisory lock named `name` in the database, so that
 * the same operator command started by several processes at once (every replica migrating or seeding
 * as it starts) runs in them one after the other: each finds what the one before it did.
 */
export async function holdingDatabaseLock<T>(databaseUrl: string, name: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`project-tracker:${name}`]);
    return await work();
  } finally {
    // Ending the session releases the lock, whatever happened to `work`.
    await client.end();
  }
}

export function dropDatabaseIfExists(databaseUrl: string): Promise<void> {
  return onServer(databaseUrl, async (client, name) => {
    // Give pools that are closing a moment to let go before forcing the last connections off.
    for (let attempt = 0; attempt < 50; attempt++) {
      const open = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      if (open.rows[0]!.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  });
}

/**
 * Applies every pending migration; answers the names of those applied. Several processes migrating at
 * once take turns (holdingDatabaseLock): the later ones find the schema up to date, where they raced
 * each other into duplicate tables before.
 */
export function migrate(databaseUrl: string): Promise<string[]> {
  return holdingDatabaseLock(databaseUrl, 'migrate', async () => {
    const orm = await MikroORM.init(ormOptions(databaseUrl));
    try {
      const applied = await orm.migrator.up();
      return applied.map((migration) => migration.name);
    } finally {
      await orm.close(true);
    }
  });
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
