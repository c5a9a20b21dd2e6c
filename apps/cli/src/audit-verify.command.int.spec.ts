import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { AuditCheckpoints, PostgresAuditReader, PostgresEventStore } from '@app/event-store';
import { bansuo } from '../../../seeds/projects/bansuo.seed.js';
import { seedProjects } from '../../../seeds/seed-runner.js';
import { asSuperuser } from '../../../test/support/tamper.js';
import { createTestEnvironment, eventually, type TestEnvironment } from '../../../test/support/test-environment.js';
import { auditVerifyCommand } from './audit-verify.command.js';

let env: TestEnvironment;
let pool: pg.Pool;

beforeAll(async () => {
  env = await createTestEnvironment('audit_verify_cli');
  pool = new pg.Pool({ connectionString: env.config.databaseUrl });
  pool.on('error', () => undefined);
  await seedProjects(new PostgresEventStore(pool), [bansuo]);
  // The checkpoint covers only transactions older than the oldest still open anywhere on the server.
  const checkpoints = new AuditCheckpoints(pool, new PostgresAuditReader(pool));
  await eventually(
    async () => {
      await checkpoints.publish();
      return (await checkpoints.latest())?.totalEvents === bansuo.steps.length;
    },
    10_000,
    'checkpoints over the whole seed',
  );
});

afterAll(async () => {
  await pool.end();
  await env.dispose();
});

async function run(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void lines.push(parts.join(' ')));
  const error = jest.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void lines.push(parts.join(' ')));
  const progress = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await auditVerifyCommand(env.config, args), out: lines.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    progress.mockRestore();
  }
}

describe('audit:verify', () => {
  it('verifies one project, then everything against the checkpoints, and records each run', async () => {
    const one = await run([bansuo.projectId]);
    expect(one.out).toMatch(new RegExp(`^VALID: project ${bansuo.projectId}, ${bansuo.steps.length} events`));
    expect(one.code).toBe(0);

    const all = await run(['--workers=1']);
    expect(all.out).toContain(`VALID: 1 streams, ${bansuo.steps.length} events verified`);
    expect(all.out).toMatch(new RegExp(`VALID: \\d+ checkpoints reproduced from ${bansuo.steps.length} events`));
    expect(all.code).toBe(0);

    const held = (await new AuditCheckpoints(pool, new PostgresAuditReader(pool)).latest())!;
    const against = await run(['--workers=1', `--checkpoint=${held.id}`, `--hash=${held.hash}`]);
    expect(against.out).toContain(`checkpoint ${held.id}: ${held.hash} (the hash you hold)`);
    expect(against.code).toBe(0);
    const wrong = await run(['--workers=1', `--checkpoint=${held.id}`, `--hash=${'f'.repeat(64)}`]);
    expect(wrong.out).toContain(`BROKEN: The events up to checkpoint ${held.id} no longer hash to ${'f'.repeat(64)}`);
    expect(wrong.code).toBe(1);

    const log = await pool.query(`SELECT role, action, project_id FROM audit_access_log WHERE action = 'cli.audit.verify' ORDER BY id`);
    expect(log.rows).toHaveLength(4);
    expect(log.rows[0]).toEqual({ role: 'cli', action: 'cli.audit.verify', project_id: bansuo.projectId });
    expect(log.rows[1]).toEqual({ role: 'cli', action: 'cli.audit.verify', project_id: null });
  });

  it('exits 1 naming the version of an event changed behind the application, and 2 for a bad argument', async () => {
    await asSuperuser(pool, `UPDATE events SET data = jsonb_set(data::jsonb, '{value}', '121')::json WHERE stream_id = $1 AND stream_version = 33`, [bansuo.projectId]);
    const one = await run([bansuo.projectId]);
    expect(one.out).toMatch(/^BROKEN: project .* at version 33 \(position \d+\)/);
    expect(one.code).toBe(1);
    const all = await run(['--workers=1']);
    expect(all.out).toContain('BROKEN: 1 streams');
    expect(all.out).toMatch(/Event .* version 33 .* no longer matches its own hash/);
    expect(all.code).toBe(1);

    expect((await run(['not-a-project'])).code).toBe(2);
    expect((await run(['--fast'])).code).toBe(2);
    const noThreads = await run(['--workers=0']);
    expect(noThreads.code).toBe(2);
    expect(noThreads.out).toContain('(--workers takes a number of threads from 1 to 99: got --workers=0)');
    expect((await run([`--hash=${'a'.repeat(64)}`])).code).toBe(2);
    expect((await run([randomUUID()])).code).toBe(2);
  });
});
