import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { createTestEnvironment, type TestEnvironment } from '../../../../test/support/test-environment.js';
import { migrate } from '../database-admin.js';
import { MIGRATIONS, ormOptions } from '../orm.config.js';
import { ProjectCodesRegardlessOfCase } from './migration-2026-12-07-project-codes-regardless-of-case.js';

let env: TestEnvironment;
let db: pg.Pool;

// This migration and every one after it, from the list: a later migration does not break the spec.
const index = MIGRATIONS.findIndex((migration) => migration.class === ProjectCodesRegardlessOfCase);
const THIS_ONE = MIGRATIONS[index]!.name;
const FROM_THIS_ONE = MIGRATIONS.slice(index).map((migration) => migration.name);

beforeAll(async () => {
  env = await createTestEnvironment('project_codes_case');
  db = new pg.Pool({ connectionString: env.config.databaseUrl });
  // The log as it was before codes were compared regardless of case.
  const orm = await MikroORM.init(ormOptions(env.config.databaseUrl));
  try {
    await orm.migrator.down({ to: MIGRATIONS[index - 1]!.name });
  } finally {
    await orm.close(true);
  }
});

afterAll(async () => {
  await db.end();
  await env.dispose();
});

async function reserve(code: string): Promise<string> {
  const projectId = randomUUID();
  await db.query(`INSERT INTO event_streams (stream_id, stream_type, version, head_hash) VALUES ($1, 'project', 1, 'x')`, [projectId]);
  await db.query('INSERT INTO project_codes (code, project_id) VALUES ($1, $2)', [code, projectId]);
  return projectId;
}

it('stops on a log holding codes that differ only in case, naming them, and applies once only one of each is left', async () => {
  await reserve('CN-LA-BANSUO');
  const lower = await reserve('cn-la-bansuo');
  await reserve('CN-LA-BANXANG');

  await expect(migrate(env.config.databaseUrl)).rejects.toThrow('project codes that differ only in case: CN-LA-BANSUO, cn-la-bansuo');
  const applied = await db.query('SELECT 1 FROM schema_migrations WHERE name = $1', [THIS_ONE]);
  expect(applied.rowCount).toBe(0);

  await db.query('DELETE FROM project_codes WHERE project_id = $1', [lower]);
  expect(await migrate(env.config.databaseUrl)).toEqual(FROM_THIS_ONE);
  await expect(reserve('cn-la-banxang')).rejects.toMatchObject({ code: '23505', constraint: 'project_codes_regardless_of_case' });
  await expect(reserve('CN-LA-BANSUO-2')).resolves.toEqual(expect.any(String));
});
