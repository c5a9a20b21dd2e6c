import { afterEach, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { auth, createKey, isoDate, startedProject } from './support/api-helpers.js';
import { bansuoProposal } from './support/bansuo.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { eventually } from './support/test-environment.js';

// Notifications travel through the feed, a queue and a receiver; a busy machine slows each step.
jest.setTimeout(60_000);

let system: RunningSystem | undefined;
let db: pg.Pool | undefined;

afterEach(async () => {
  await db?.end();
  await system?.stop();
  db = undefined;
  system = undefined;
});

async function start(label: string, options: Parameters<typeof startSystem>[1]): Promise<RunningSystem> {
  system = await startSystem(label, options);
  db = new pg.Pool({ connectionString: system.env.config.databaseUrl });
  db.on('error', () => undefined);
  return system;
}

async function overdueInbox(key: string): Promise<any[]> {
  const response = await system!.http.get('/notifications?limit=100').set(auth(key)).expect(200);
  return response.body.items.filter((item: any) => item.type === 'milestone.overdue');
}

async function scans(): Promise<number> {
  const result = await db!.query(`SELECT runs FROM notifier_runs WHERE name = 'milestone-overdue-scan'`);
  return Number(result.rows[0]?.runs ?? 0);
}

describe('milestone.overdue', () => {
  it('is found within 90 s of the worker starting, with the default schedule and no request from anyone', async () => {
    const running = await start('overdue_start_e2e', { worker: false });
    const manager = await createKey(running, 'manager');
    await running.http.post('/subscriptions').set(auth(manager)).send({ channel: 'inbox', filter: { types: ['milestone.overdue'] } }).expect(201);
    const project = await startedProject(running, manager);
    const missed = await project.planMilestone('Bridge completed', isoDate(-1));
    await project.planMilestone('Road graded', isoDate(1));
    const reachedLate = await project.planMilestone('Cattle shed built', isoDate(-3));
    await project.post(`/milestones/${reachedLate}/reach`, { date: isoDate(-1), evidence: 'Inspection report' });
    const cancelled = await running.http.post('/projects').set(auth(manager)).send(bansuoProposal()).expect(201);
    await running.http.post(`/projects/${cancelled.body.id}/milestones`).set(auth(manager)).send({ title: 'Survey', dueDate: isoDate(-5) }).expect(201);
    await running.http.post(`/projects/${cancelled.body.id}/cancel`).set(auth(manager)).send({ reason: 'Funding withdrawn' }).expect(200);

    const started = Date.now();
    await running.startWorker();
    const [overdue] = await eventually(async () => {
      const items = await overdueInbox(manager);
      return items.length > 0 && items;
    }, 90_000, 'milestone.overdue');
    expect(Date.now() - started).toBeLessThan(90_000);
    expect(overdue).toMatchObject({
      cloudEventType: 'example.project-tracker.milestone.overdue',
      subject: `milestones/${missed}`,
      headline: expect.stringMatching(/milestone "Bridge completed" is overdue \(due \d{4}-\d\d-\d\d\)$/),
      data: { project: { id: project.id, status: 'implementation' }, milestone: { id: missed, dueDate: isoDate(-1), daysOverdue: 1, timesRescheduled: 0 } },
    });
    expect(await overdueInbox(manager)).toHaveLength(1);
  }, 100_000);

  it('is announced as soon as a milestone is planned with a date already past, not at the next scheduled scan', async () => {
    const running = await start('overdue_prompt_e2e', {});
    const manager = await createKey(running, 'manager');
    await running.http.post('/subscriptions').set(auth(manager)).send({ channel: 'inbox', filter: { types: ['milestone.overdue'] } }).expect(201);
    const project = await startedProject(running, manager);
    // The schedule scans when the worker starts, then a minute apart (the default): wait for that first one.
    await eventually(async () => (await scans()) >= 1, 10_000, 'the scan at start');

    const planned = Date.now();
    const missed = await project.planMilestone('Bridge completed', isoDate(-1));
    const [overdue] = await eventually(async () => {
      const items = await overdueInbox(manager);
      return items.length > 0 && items;
    }, 10_000, 'milestone.overdue');
    expect(Date.now() - planned).toBeLessThan(10_000);
    expect(overdue).toMatchObject({ subject: `milestones/${missed}` });
  });

  it('is announced once per milestone, and again only when a rescheduled date is missed too', async () => {
    const running = await start('overdue_once_e2e', { env: { OVERDUE_SCAN_INTERVAL_MS: '200' } });
    const manager = await createKey(running, 'manager');
    await running.http.post('/subscriptions').set(auth(manager)).send({ channel: 'inbox', filter: { types: ['milestone.overdue'] } }).expect(201);
    const project = await startedProject(running, manager);
    const milestone = await project.planMilestone('Weaving looms delivered', isoDate(-2));

    await eventually(async () => (await overdueInbox(manager)).length === 1, 10_000, 'the first announcement');
    const afterFirst = await scans();
    await eventually(async () => (await scans()) >= afterFirst + 5, 10_000, 'five more scans');
    expect(await overdueInbox(manager)).toHaveLength(1);

    // Moved to a date that has passed as well: missed again, announced again, once.
    await project.post(`/milestones/${milestone}/reschedule`, { dueDate: isoDate(-1), reason: 'Supplier delay' });
    await eventually(async () => (await overdueInbox(manager)).length === 2, 10_000, 'the second announcement');
    const afterSecond = await scans();
    await eventually(async () => (await scans()) >= afterSecond + 5, 10_000, 'five more scans');
    const announced = await overdueInbox(manager);
    expect(announced.map((item) => [item.data.milestone.dueDate, item.data.milestone.timesRescheduled])).toEqual([
      [isoDate(-1), 1],
      [isoDate(-2), 0],
    ]);

    // Moved into the future, then reached: nothing more.
    await project.post(`/milestones/${milestone}/reschedule`, { dueDate: isoDate(30), reason: 'New supplier' });
    await project.post(`/milestones/${milestone}/reach`, { date: isoDate(0), evidence: 'Delivery note' });
    const afterThird = await scans();
    await eventually(async () => (await scans()) >= afterThird + 5, 10_000, 'five more scans');
    expect(await overdueInbox(manager)).toHaveLength(2);
  }, 40_000);
});
