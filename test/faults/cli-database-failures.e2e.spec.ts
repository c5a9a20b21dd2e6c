import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { dropDatabaseIfExists } from '@app/database';
import { PostgresEventStore } from '@app/event-store';
import { REBUILD_LOCK_KEY } from '@app/read-models';
import { newEvent } from '../../libs/event-store/src/testing/project-streams.js';
import { SEED_PROJECTS } from '../../seeds/index.js';
import { freePort } from '../support/processes.js';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment.js';

// The built CLI as an operator runs it: its exit code and what it prints when PostgreSQL is not there.
const CLI = join(new URL('../../', import.meta.url).pathname, 'dist/apps/cli/apps/cli/src/main.js');
const COULD_NOT_RUN = 3;

jest.setTimeout(120_000);

let env: TestEnvironment;
/** On the server's maintenance database: watches and ends the CLI's connections to the spec's own. */
let admin: pg.Pool;
let databaseName: string;

beforeAll(async () => {
  env = await createTestEnvironment('cli_database_failures');
  databaseName = new URL(env.config.databaseUrl).pathname.slice(1);
  admin = new pg.Pool({ connectionString: Object.assign(new URL(env.config.databaseUrl), { pathname: '/postgres' }).toString(), max: 1 });
  // A log long enough that verifying it takes a good part of a second on a fast host (about 200,000
  // events a second on two threads): 60 streams of 3,000 events. (At 80,000 events the two scans were,
  // on such a host, never seen running at once in five tries.)
  const pool = new pg.Pool({ connectionString: env.config.databaseUrl, max: 8 });
  const store = new PostgresEventStore(pool);
  await Promise.all(
    Array.from({ length: 60 }, async () => {
      const streamId = randomUUID();
      for (let version = 0; version < 3_000; version += 500) {
        await store.append(
          streamId,
          version,
          Array.from({ length: 500 }, (_, n) => newEvent('MeasurementRecorded', { n: version + n, value: (version + n) % 97 })),
          { streamType: 'project' },
        );
      }
    }),
  );
  await pool.end();
});

afterAll(async () => {
  await admin?.end();
  await env?.dispose();
});

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], databaseUrl = env.config.databaseUrl): { child: ChildProcess; done: Promise<Outcome> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env.settings, DATABASE_URL: databaseUrl, CI: 'true' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Outcome>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

/** Ends every connection to the spec's database once `scans` of the log run at once; answers how many it ended. */
async function terminateWhenScanning(scans: number, until: Promise<unknown>): Promise<number> {
  let finished = false;
  void until.finally(() => (finished = true));
  while (!finished) {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query LIKE '%FROM events%ORDER BY stream_id, stream_version%'`,
      [databaseName],
    );
    if (rows[0]!.n >= scans) {
      const ended = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [databaseName]);
      return ended.rowCount ?? 0;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return 0;
}

/**
 * audit:verify with every connection ended while `workers` scans run. A scan's query is active in
 * PostgreSQL only while it writes out a page, a fraction of the time the CLI spends hashing it, so on a
 * loaded machine the run may end before `workers` scans were ever seen active at once, or the
 * connections may all be ended between pages: idle ones are replaced (as they should be) and the run
 * ends VALID. Neither is the case under test; such a run is recognised and the scenario run again, a
 * few times at most.
 */
async function verificationLosingItsConnections(workers: number): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    const run = runCli(['audit:verify', `--workers=${workers}`]);
    const ended = await terminateWhenScanning(workers, run.done);
    const outcome = await run.done;
    const missed = ended < workers || (outcome.code === 0 && outcome.stdout.includes('VALID: 60 streams, 180000 events verified'));
    if (!missed) return outcome;
    if (attempt === 5) throw new Error(`In 5 runs of audit:verify --workers=${workers} the connections were never ended while ${workers} scans ran.`);
  }
}

describe('the CLI when PostgreSQL fails it', () => {
  it('verifies the log when nothing fails (the log the other cases use)', async () => {
    const { done } = runCli(['audit:verify', '--workers=1']);
    const outcome = await done;
    expect(outcome.stdout).toContain('VALID: 60 streams, 180000 events verified');
    expect(outcome.code).toBe(0);
  });

  it('says PostgreSQL could not be reached, and exits 3 rather than the 1 of a broken chain', async () => {
    const unreachable = Object.assign(new URL(env.config.databaseUrl), { port: String(await freePort()) }).toString();
    const outcome = await runCli(['audit:verify'], unreachable).done;
    expect(outcome.stderr).toMatch(/^PostgreSQL at postgres:\/\/\S+ could not be reached, or the connection was lost \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)/);
    expect(outcome.stderr).not.toMatch(/\n\s+at /);
    expect(outcome.stdout).not.toMatch(/VALID|BROKEN/);
    expect(outcome.code).toBe(COULD_NOT_RUN);
  });

  it('says in one line that another rebuild or verification is running, and exits 3', async () => {
    // What a rebuild through the API, or a cron job's verification, holds while it runs.
    const holder = new pg.Client({ connectionString: env.config.databaseUrl });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [REBUILD_LOCK_KEY]);
      const outcome = await runCli(['projections:verify']).done;
      expect(outcome.stderr).toBe('A rebuild or verification of the read models is already running. Run it again once that one has finished.\n');
      expect(outcome.code).toBe(COULD_NOT_RUN);
    } finally {
      await holder.end();
    }
  });

  it('names a database that does not exist and how to create it', async () => {
    const missing = Object.assign(new URL(env.config.databaseUrl), { pathname: `/${databaseName}_missing` }).toString();
    const outcome = await runCli(['projections:verify'], missing).done;
    expect(outcome.stderr).toContain(`The database at ${missing} does not exist: \`npm run db:migrate\` creates it.`);
    expect(outcome.code).toBe(COULD_NOT_RUN);
  });

  it.each([
    ['on one thread', 1],
    ['on two threads (a worker thread loses its connection too)', 2],
  ])('reports a connection lost in the middle of verification %s, without a crash or a verdict', async (_label, workers) => {
    const outcome = await verificationLosingItsConnections(workers);
    // The server's own words when a query was running; pg's when the connection was lost between the
    // checkout of a connection and its query (which pg then refuses to send).
    expect(outcome.stderr).toMatch(
      /^PostgreSQL at \S+ could not be reached, or the connection was lost \((terminating connection due to administrator command|Client has encountered a connection error and is not queryable)\)/m,
    );
    expect(outcome.stderr).not.toMatch(/\n\s+at /);
    expect(outcome.stdout).not.toMatch(/VALID|BROKEN/);
    expect(outcome.code).toBe(COULD_NOT_RUN);
  });
});

describe("the CLI's verdict on the read models", () => {
  it('names each project whose history cannot be replayed, in a verification and a rebuild, and exits 1', async () => {
    // The spec's log is 60 streams of bare measurements, without a proposal or the data a project's
    // measurement has (valid chains, the first case shows): none is a project a view can be folded from.
    for (const command of ['projections:verify', 'projections:rebuild']) {
      const outcome = await runCli([command]).done;
      const lines = outcome.stdout.trim().split('\n').filter((line) => line.startsWith('UNREADABLE'));
      expect({ command, lines: lines.length, code: outcome.code }).toEqual({ command, lines: 60, code: 1 });
      expect(lines[0]).toMatch(
        /^UNREADABLE project [0-9a-f-]{36} at version 1, not (compared|rebuilt: its views are kept as they were): event 1 \(MeasurementRecorded\) of stream [0-9a-f-]{36} cannot be replayed: its data's projectId is missing \(its audit says what was altered\)\.$/,
      );
    }
  });
});

describe('the CLI started by several processes at once, as replicas that migrate and seed as they start', () => {
  it('migrates a database that does not exist yet from three processes, which take turns', async () => {
    const race = Object.assign(new URL(env.config.databaseUrl), { pathname: `/${databaseName}_race` }).toString();
    try {
      const migrations = await Promise.all([1, 2, 3].map(() => runCli(['migrate'], race).done));
      expect(migrations.map((outcome) => [outcome.code, outcome.stderr])).toEqual([
        [0, ''],
        [0, ''],
        [0, ''],
      ]);
      const said = migrations.map((outcome) => outcome.stdout);
      expect(said.filter((out) => out.includes('Created the database.')).length).toBeLessThanOrEqual(1);
      expect(said.filter((out) => out.includes('Applied migrations: '))).toHaveLength(1);
      expect(said.filter((out) => out.includes('The database schema is up to date.'))).toHaveLength(2);

      // Then seeded by three at once: each project recorded once, by one of them; the others find it there.
      const seeds = await Promise.all([1, 2, 3].map(() => runCli(['seed'], race).done));
      expect(seeds.map((outcome) => [outcome.code, outcome.stderr])).toEqual([
        [0, ''],
        [0, ''],
        [0, ''],
      ]);
      const lines = seeds.flatMap((outcome) => outcome.stdout.trim().split('\n'));
      const seeded = lines.filter((line) => line.startsWith('Seeded '));
      expect(seeded).toHaveLength(SEED_PROJECTS.length);
      expect(lines.filter((line) => line.endsWith('is already seeded: nothing recorded.'))).toHaveLength(2 * SEED_PROJECTS.length);
      const pool = new pg.Pool({ connectionString: race, max: 1 });
      try {
        const streams = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM event_streams');
        expect(streams.rows[0]!.n).toBe(SEED_PROJECTS.length);
      } finally {
        await pool.end();
      }
    } finally {
      await dropDatabaseIfExists(race);
    }
  });
});

describe('the CLI and its arguments', () => {
  it('prints its usage for --help on stdout and exits 0', async () => {
    for (const help of ['--help', '-h', 'help']) {
      const outcome = await runCli([help]).done;
      expect(outcome).toMatchObject({ code: 0, stderr: '' });
      expect(outcome.stdout).toMatch(/^Usage: cli <command> \[arguments\]\n\n {2}migrate {2,}create the database/);
      expect(outcome.stdout).toContain('audit:verify');
    }
  });

  it('refuses an unknown command, and an argument to a command that takes none, with exit 2', async () => {
    const unknown = await runCli(['migrat']).done;
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^Unknown command "migrat"\.\n\nUsage: cli <command>/);
    for (const args of [['seed', '--foo'], ['migrate', 'extra'], ['projections:verify', '--bogus']]) {
      const outcome = await runCli(args).done;
      expect(outcome).toMatchObject({ code: 2, stdout: '', stderr: `${args[0]} takes no arguments (got ${args[1]}).\n` });
    }
  });
});
