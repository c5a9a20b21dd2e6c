import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import request from 'supertest';
import { createApiApplication } from '../../apps/api/src/bootstrap.js';
import { createTestEnvironment, type TestEnvironment } from './test-environment.js';

/** The API alone (no worker), in this process, on a database of its own; `db` reads that database directly. */
export interface RunningApi {
  env: TestEnvironment;
  api: INestApplication;
  http: ReturnType<typeof request>;
  adminKey: string;
  db: pg.Pool;
  stop(): Promise<void>;
}

export async function startApi(label: string, settings: Record<string, string> = {}): Promise<RunningApi> {
  const env = await createTestEnvironment(label, settings);
  const api = await createApiApplication(env.config);
  await api.init();
  const db = new pg.Pool({ connectionString: env.config.databaseUrl, max: 2 });
  db.on('error', () => undefined);
  return {
    env,
    api,
    http: request(api.getHttpServer()),
    adminKey: env.config.adminApiKey!,
    db,
    async stop() {
      await db.end();
      await api.close();
      await env.dispose();
    },
  };
}

/** The number of events in the whole event store. */
export async function countEvents(db: pg.Pool): Promise<number> {
  const result = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
  return result.rows[0]!.n;
}

/** Asserts the shape every error answer shares (RFC 9457 problem+json), returning the body. */
export function expectProblem(response: request.Response, status: number): Record<string, unknown> {
  const problems: string[] = [];
  if (response.status !== status) problems.push(`status ${response.status}, expected ${status}`);
  if (!/^application\/problem\+json/.test(response.headers['content-type'] ?? '')) {
    problems.push(`content-type ${response.headers['content-type']}`);
  }
  const body = response.body as Record<string, unknown>;
  if (body?.status !== status) problems.push(`body.status ${String(body?.status)}`);
  for (const member of ['type', 'title', 'detail', 'code']) {
    if (typeof body?.[member] !== 'string') problems.push(`no ${member}`);
  }
  if (problems.length > 0) throw new Error(`not a ${status} problem (${problems.join('; ')}): ${response.text.slice(0, 500)}`);
  return body;
}
