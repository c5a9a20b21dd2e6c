import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { ProjectCommand } from '@app/domain';
import { createProjectCommandHandler, PostgresEventStore } from '@app/event-store';
import { ProjectDetailSync } from '@app/read-models';
import { metadata } from '../../../../libs/event-store/src/testing/project-streams.js';
import { createTestEnvironment, eventually, type TestEnvironment } from '../../../../test/support/test-environment.js';
import { readOwnWrite } from './own-writes.js';
import { ViewWatches } from './view-watches.js';

let env: TestEnvironment;
let pool: pg.Pool;
let projectId: string;
const views = new ViewWatches();

beforeAll(async () => {
  env = await createTestEnvironment('own_writes');
  pool = new pg.Pool({ connectionString: env.config.databaseUrl });
  pool.on('error', () => undefined);
  // Four events, all in the view.
  projectId = randomUUID();
  const handler = createProjectCommandHandler(new PostgresEventStore(pool));
  const commands: ProjectCommand[] = [
    {
      type: 'ProposeProject',
      data: { projectId, code: 'OWN-WRITES', title: 'T', description: 'D', country: 'LA', location: {}, sector: '43040', participatingOrganisations: [{ name: 'O', role: 1 }] },
    },
    { type: 'ApproveProject', data: { date: '2020-01-01' } },
    { type: 'StartProject', data: { date: '2020-01-02' } },
    { type: 'AddComponent', data: { componentId: randomUUID(), name: 'Cattle-raising group', kind: 'industry' } },
  ];
  for (const command of commands) await handler.handle(projectId, command, { metadata: metadata() });
  await new ProjectDetailSync(pool).sync(projectId);
});

afterAll(async () => {
  await pool.end();
  await env.dispose();
});

const notFound = () => new Error('not found');
const answering = (...versions: number[]) => {
  const answers = versions.map((version) => ({ version }));
  return { reads: answers, read: async () => answers.shift() };
};

describe('readOwnWrite', () => {
  it('reads again, and waits, when the answer read is behind the view it waited for (a rebuild swapped its tables in between)', async () => {
    // The view says 4; the first read answers 3, as the rebuilt tables of a swap would.
    const { reads, read } = answering(3, 4);
    const answer = await readOwnWrite(pool, views, { projectId, minVersion: 4, read, notFound, signal: new AbortController().signal, waitMs: 2_000 });
    expect(answer).toEqual({ version: 4 });
    expect(reads).toEqual([]);
  });

  it('answers 503 READ_MODEL.BEHIND with Retry-After when the answer stays behind past the wait', async () => {
    const read = async () => ({ version: 3 });
    const started = Date.now();
    await expect(readOwnWrite(pool, views, { projectId, minVersion: 4, read, notFound, signal: new AbortController().signal, waitMs: 300 })).rejects.toMatchObject({
      status: 503,
      code: 'READ_MODEL.BEHIND',
      headers: { 'Retry-After': '1' },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('stops waiting once the caller has gone', async () => {
    await pool.query('UPDATE project_views SET version = 3 WHERE id = $1', [projectId]);
    try {
      const gone = new AbortController();
      const started = Date.now();
      const waiting = readOwnWrite(pool, views, { projectId, minVersion: 4, read: async () => ({ version: 3 }), notFound, signal: gone.signal, waitMs: 5_000 });
      setTimeout(() => gone.abort(), 100);
      await expect(waiting).rejects.toMatchObject({ status: 503, message: expect.stringContaining('the client closed the connection') });
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await pool.query('UPDATE project_views SET version = 4 WHERE id = $1', [projectId]);
    }
  });

  it('looks at the view again as soon as its update is heard, not only at its next look', async () => {
    await pool.query('UPDATE project_views SET version = 3 WHERE id = $1', [projectId]);
    try {
      const started = Date.now();
      // Looks a minute apart and a 20 s wait: only the update heard can answer before the spec's timeout.
      const waiting = readOwnWrite(pool, views, {
        projectId,
        minVersion: 4,
        read: async () => ({ version: 4 }),
        notFound,
        signal: new AbortController().signal,
        waitMs: 20_000,
        pausesMs: { first: 60_000, longest: 60_000 },
      });
      await eventually(async () => views.watched === 1, 2_000, 'the read watching the view');
      await pool.query('UPDATE project_views SET version = 4 WHERE id = $1', [projectId]);
      views.updated(projectId.toUpperCase());
      expect(await waiting).toEqual({ version: 4 });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(views.watched).toBe(0);
    } finally {
      await pool.query('UPDATE project_views SET version = 4 WHERE id = $1', [projectId]);
    }
  });

  it('refuses a version never written (400) and a project without a stream, without waiting', async () => {
    const signal = new AbortController().signal;
    const read = async () => ({ version: 4 });
    await expect(readOwnWrite(pool, views, { projectId, minVersion: 5, read, notFound, signal })).rejects.toMatchObject({ status: 400, code: 'REQUEST.INVALID' });
    await expect(readOwnWrite(pool, views, { projectId: randomUUID(), minVersion: 1, read, notFound, signal })).rejects.toThrow('not found');
  });
});
