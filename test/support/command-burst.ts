import pg from 'pg';
import { PostgresEventStore } from '@app/event-store';
import { ProjectViewsRebuild, findLaggingProjects } from '@app/read-models';
import { bansuoProposal } from './bansuo.js';
import { eventually } from './test-environment.js';

export interface Answer {
  projectId: string;
  status: number;
  version?: number;
}

async function post(base: string, key: string, path: string, body: object): Promise<{ status: number; body: Record<string, unknown> }> {
  try {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  } catch {
    return { status: 0, body: {} };
  }
}

/** Proposes, approves and starts `count` projects, each with one indicator; answers their ids. */
export async function prepareProjects(base: string, key: string, count: number): Promise<{ projectId: string; indicatorId: string }[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const proposed = await post(base, key, '/projects', bansuoProposal());
      const projectId = proposed.body.id as string;
      await post(base, key, `/projects/${projectId}/approve`, {});
      await post(base, key, `/projects/${projectId}/start`, {});
      const indicator = await post(base, key, `/projects/${projectId}/indicators`, {
        title: 'Cattle distributed', unit: 'head', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 1000 },
      });
      return { projectId, indicatorId: indicator.body.indicatorId as string };
    }),
  );
}

/**
 * Commands spread over the projects, `concurrency` at a time, until `total` were sent: measurements,
 * components and milestones. Every answer lands in `answers` as it comes (so a spec can act mid-burst),
 * failed connections included (status 0).
 */
export async function burst(
  bases: string[],
  key: string,
  projects: { projectId: string; indicatorId: string }[],
  total: number,
  concurrency = 16,
  answers: Answer[] = [],
): Promise<Answer[]> {
  let sent = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      while (sent < total) {
        const n = sent++;
        const { projectId, indicatorId } = projects[n % projects.length]!;
        const base = bases[(n + lane) % bases.length]!;
        const kind = n % 3;
        const answer =
          kind === 0
            ? await post(base, key, `/projects/${projectId}/indicators/${indicatorId}/measurements`, { value: n, date: '2024-01-01' })
            : kind === 1
              ? await post(base, key, `/projects/${projectId}/components`, { name: `Component ${n}`, kind: 'industry' })
              : await post(base, key, `/projects/${projectId}/milestones`, { title: `Milestone ${n}`, dueDate: '2030-01-01' });
        answers.push({ projectId, status: answer.status, version: answer.body.version as number | undefined });
      }
    }),
  );
  return answers;
}

/**
 * Waits until every project's read model is at its stream's version, then rebuilds the model in
 * shadow tables and compares: equal means every event was applied, once, in order.
 */
export async function expectConverged(databaseUrl: string, timeoutMs = 60_000): Promise<{ projects: number; events: number }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  pool.on('error', () => undefined);
  try {
    await eventually(async () => (await findLaggingProjects(pool)).length === 0, timeoutMs, 'read models to catch up');
    const report = await new ProjectViewsRebuild(pool).verify();
    if (report.differing.length > 0 || report.compared !== report.projects) {
      throw new Error(`read models differ from the event store: ${JSON.stringify(report)}`);
    }
    return { projects: report.projects, events: report.events };
  } finally {
    await pool.end();
  }
}

/** Every answered 2xx command is in the store: its project's stream reached the version it answered. */
export async function expectAnsweredCommandsStored(databaseUrl: string, answers: Answer[]): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  pool.on('error', () => undefined);
  try {
    const store = new PostgresEventStore(pool);
    for (const answer of answers.filter((a) => a.status >= 200 && a.status < 300)) {
      const events = await store.readStream(answer.projectId, { fromVersion: answer.version, toVersion: answer.version });
      if (events.length !== 1) throw new Error(`answered ${answer.status} at version ${answer.version} of ${answer.projectId}, but nothing is stored there`);
    }
  } finally {
    await pool.end();
  }
}
