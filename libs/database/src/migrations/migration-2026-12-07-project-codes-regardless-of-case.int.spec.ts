import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { createTestEnvironment, type TestEnvironment } from '../../../../test/support/test-environment.js';
import { migrate } from '../database-admin.js';
import { ormOptions } from '../orm.config.js';

let env: TestEnvironment;
let db: pg.Pool;

beforeAll(async () => {
  env = await createTestEnvironment('project_codes_case');
  db = new pg.Pool({ connectionString: env.config.databaseUrl });
  // The log as it was before codes were compared regardless of case.
  const orm = await MikroORM.init(ormOptions(env.config.databaseUrl));
  try {
    await orm.migrator.down({ to: 'migration-2026-12-06-snapshot-parts' });
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
  const applied = await db.query(`SELECT 1 FROM schema_migrations WHERE name = 'migration-2026-12-07-project-codes-regardless-of-case'`);
  expect(applied.rowCount).toBe(0);

  await db.query('DELETE FROM project_codes WHERE project_id = $1', [lower]);
  expect(await migrate(env.config.databaseUrl)).toEqual(['migration-2026-12-07-project-codes-regardless-of-case']);
  await expect(reserve('cn-la-banxang')).rejects.toMatchObject({ code: '23505', constraint: 'project_codes_regardless_of_case' });
  await expect(reserve('CN-LA-BANSUO-2')).resolves.toEqual(expect.any(String));
});
