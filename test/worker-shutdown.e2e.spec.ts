import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Job, Queue } from 'bullmq';
import { PROJECTIONS_QUEUE } from '@app/read-models';
import { AUDIT_QUEUE } from '../apps/worker/src/audit/audit-queue.js';
import { DELIVERIES_QUEUE, NOTIFIER_QUEUE } from '../apps/worker/src/notifications/notification-queues.js';
import { auth } from './support/api-helpers.js';
import { bansuoProposal } from './support/bansuo.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { eventually } from './support/test-environment.js';

let system: RunningSystem;

beforeAll(async () => {
  system = await startSystem('worker_shutdown');
});

afterAll(async () => {
  await system?.stop();
});

async function startedProject(): Promise<{ id: string; indicatorId: string }> {
  const post = (path: string, body: object) => system.http.post(path).set(auth(system.adminKey)).send(body);
  const id = (await post('/projects', bansuoProposal()).expect(201)).body.id as string;
  await post(`/projects/${id}/approve`, {}).expect(200);
  await post(`/projects/${id}/start`, {}).expect(200);
  const indicator = { title: 'Cattle', unit: 'head', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 1000 } };
  const indicatorId = (await post(`/projects/${id}/indicators`, indicator).expect(201)).body.indicatorId as string;
  return { id, indicatorId };
}

/** Every job of the worker's queues that has failed at least once, whatever became of it since. */
async function jobsThatFailed(): Promise<string[]> {
  const failed: string[] = [];
  for (const name of [PROJECTIONS_QUEUE, NOTIFIER_QUEUE, DELIVERIES_QUEUE, AUDIT_QUEUE]) {
    const queue = new Queue(name, { connection: { url: system.env.config.redisUrl }, prefix: system.env.config.queuePrefix });
    try {
      const jobs: Job[] = await queue.getJobs(['failed', 'delayed', 'waiting', 'prioritized', 'active', 'completed']);
      for (const job of jobs) if (job.attemptsMade > 0 && job.failedReason) failed.push(`${name} ${job.name}: ${job.failedReason}`);
    } finally {
      await queue.close();
    }
  }
  return failed;
}

describe('a worker that stops', () => {
  it('lets the jobs it is running finish before it closes their connections, failing none', async () => {
    const projects = await Promise.all(Array.from({ length: 4 }, startedProject));
    let answered = 0;
    let stopping: Promise<void> | undefined;
    const commands = Array.from({ length: 240 }, async (_, n) => {
      const { id, indicatorId } = projects[n % projects.length]!;
      // Spread over a second or two, so that projections and the notifier are at work when the stop comes.
      await new Promise((resolve) => setTimeout(resolve, n * 6));
      const response = await system.http
        .post(`/projects/${id}/indicators/${indicatorId}/measurements`)
        .set(auth(system.adminKey))
        .send({ value: n, date: '2024-01-01' });
      if (++answered === 80) stopping = system.stopWorker();
      return response.status;
    });
    const statuses = await Promise.all(commands);
    expect(statuses.filter((status) => status !== 201)).toEqual([]);
    await stopping;
    expect(await jobsThatFailed()).toEqual([]);

    // What the stopped worker left is the next one's to carry on.
    await system.startWorker();
    await eventually(
      async () => {
        const views = await Promise.all(projects.map(({ id }) => system.http.get(`/projects/${id}`).set(auth(system.adminKey))));
        return views.every((view) => view.body.version === 240 / 4 + 4);
      },
      15_000,
      'every view caught up after the restart',
    );
  });
});
