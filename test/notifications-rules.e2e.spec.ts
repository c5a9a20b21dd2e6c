import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Queue } from 'bullmq';
import pg from 'pg';
import { NOTIFIER_QUEUE } from '../apps/worker/src/notifications/notification-queues.js';
import { auth, createKey, isoDate, type ProjectClient, startedProject } from './support/api-helpers.js';
import { bansuoProposal } from './support/bansuo.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { eventually } from './support/test-environment.js';

// Notifications travel through the feed, a queue and a receiver; a busy machine slows each step.
jest.setTimeout(60_000);

let system: RunningSystem;
let db: pg.Pool;

beforeAll(async () => {
  system = await startSystem('notification_rules_e2e');
  db = new pg.Pool({ connectionString: system.env.config.databaseUrl });
  db.on('error', () => undefined);
});

afterAll(async () => {
  await db?.end();
  await system?.stop();
});

async function inboxSubscriber(filter: object = {}): Promise<string> {
  const key = await createKey(system, 'manager');
  await system.http.post('/subscriptions').set(auth(key)).send({ channel: 'inbox', filter }).expect(201);
  return key;
}

async function inbox(key: string): Promise<any[]> {
  const response = await system.http.get('/notifications?limit=200').set(auth(key)).expect(200);
  return response.body.items;
}

/** Waits until the notifier has read every event stored so far. */
async function notifierCaughtUp(): Promise<void> {
  await eventually(async () => {
    const result = await db.query(
      `SELECT (SELECT position FROM notifier_cursors WHERE name = 'notifier') >= (SELECT COALESCE(max(position), 0) FROM events) AS done`,
    );
    return result.rows[0].done;
  }, 15_000, 'the notifier to reach the last event');
}

/** The inbox entries of `type`, once the notifier is past every event and the deliveries have settled. */
async function settledInbox(key: string, type?: string): Promise<any[]> {
  await notifierCaughtUp();
  await eventually(async () => (await db.query(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'pending'`)).rows[0].n === 0, 10_000, 'deliveries to settle');
  const items = await inbox(key);
  return type ? items.filter((item) => item.type === type) : items;
}

describe('rules', () => {
  let manager: string;
  let project: ProjectClient;

  beforeAll(async () => {
    manager = await inboxSubscriber();
    project = await startedProject(system, manager);
  });

  it('announces every lifecycle transition with from, to and reason', async () => {
    await project.post('/suspend', { reason: 'Flooding on the access road', date: '2018-07-20' });
    await project.post('/resume', { date: '2018-09-01' });
    const changes = (await settledInbox(manager, 'project.status_changed')).filter((item) => item.projectId === project.id).reverse();
    expect(changes.map((item) => [item.data.from, item.data.to, item.data.reason])).toEqual([
      [null, 'proposed', null],
      ['proposed', 'approved', null],
      ['approved', 'implementation', null],
      ['implementation', 'suspended', 'Flooding on the access road'],
      ['suspended', 'implementation', null],
    ]);
    expect(changes[3]).toMatchObject({
      cloudEventType: 'example.project-tracker.project.status_changed',
      headline: expect.stringMatching(/Bansuo village \(BANSUO-\w+\): status changed from implementation to suspended \(Flooding on the access road\)$/),
      data: { date: '2018-07-20', project: { id: project.id, country: 'LA' }, event: { type: 'ProjectSuspended', streamVersion: 4 } },
    });
  });

  it('announces milestones reached and rescheduled', async () => {
    const cattle = await project.planMilestone('120 cattle distributed', '2018-06-30');
    const bridge = await project.planMilestone('Bridge completed', '2019-01-31');
    await project.post(`/milestones/${cattle}/reach`, { date: '2018-07-02', evidence: 'Distribution record' });
    await project.post(`/milestones/${bridge}/reschedule`, { dueDate: '2019-04-30', reason: 'Rainy season' });
    const [reached] = await settledInbox(manager, 'milestone.reached');
    expect(reached.data.milestone).toMatchObject({ id: cattle, title: '120 cattle distributed', reachedOn: '2018-07-02', late: true, evidence: 'Distribution record' });
    const [rescheduled] = await settledInbox(manager, 'milestone.rescheduled');
    expect(rescheduled.data.milestone).toMatchObject({ id: bridge, previousDueDate: '2019-01-31', dueDate: '2019-04-30', reason: 'Rainy season' });
  });

  it('announces a milestone waived, saying whether it was overdue, so one announced overdue is known settled', async () => {
    const road = await project.planMilestone('Road paved', '2018-10-01');
    const school = await project.planMilestone('School roof', '2199-12-31');
    await project.post(`/milestones/${road}/waive`, { reason: 'The province paved it' });
    await project.post(`/milestones/${school}/waive`, { reason: 'Another donor took it on' });
    const waived = await settledInbox(manager, 'milestone.waived');
    expect(waived).toHaveLength(2);
    const byId = Object.fromEntries(waived.map((item) => [item.data.milestone.id, item]));
    expect(byId[road]!.data.milestone).toMatchObject({ title: 'Road paved', dueDate: '2018-10-01', wasOverdue: true, reason: 'The province paved it' });
    expect(byId[road]!.data.summary).toMatch(/milestone "Road paved" \(due 2018-10-01, overdue\) waived; it will not be reached\. Reason: The province paved it$/);
    expect(byId[school]!.data.milestone).toMatchObject({ dueDate: '2199-12-31', wasOverdue: false });
    expect(byId[school]!.subject).toBe(`milestones/${school}`);
  });

  it('66 of a 120 target (baseline 0) announces 25% and 50%, not 75%; each threshold once', async () => {
    const indicator = await project.defineIndicator('Cattle distributed', 0, 120);
    const first = await project.measure(indicator, 66, '2018-06-30');
    let thresholds = await settledInbox(manager, 'indicator.threshold_reached');
    expect(thresholds.map((item) => item.data.thresholdPercent).sort()).toEqual([25, 50]);
    expect(thresholds[0].data.indicator).toMatchObject({ id: indicator, latestActual: { value: 66 }, progress: 0.55 });

    // A correction down and a measurement back up cross 25% and 50% again: nothing new.
    await project.post(`/indicators/${indicator}/measurements/${first}/correct`, { value: 20, reason: 'Counted a neighbouring herd' });
    await project.measure(indicator, 70, '2018-09-30');
    thresholds = await settledInbox(manager, 'indicator.threshold_reached');
    expect(thresholds).toHaveLength(2);

    await project.measure(indicator, 120, '2018-12-31');
    thresholds = await settledInbox(manager, 'indicator.threshold_reached');
    expect(thresholds.map((item) => item.data.thresholdPercent).sort((a, b) => a - b)).toEqual([25, 50, 75, 100]);
  });

  it('delivers by filter: projects, countries and types; an empty filter takes everything', async () => {
    const laosOnly = await inboxSubscriber({ countries: ['LA'] });
    const cambodiaReached = await inboxSubscriber({ countries: ['KH'], types: ['milestone.reached'] });
    const cambodia = await startedProject(system, manager, { ...bansuoProposal(), country: 'KH', title: 'Community forestry, Kampong Thom' });
    const onlyThisProject = await inboxSubscriber({ projectIds: [cambodia.id] });

    // Due in the future, so it is never overdue in between.
    const milestone = await cambodia.planMilestone('Nursery planted', isoDate(30));
    await cambodia.post(`/milestones/${milestone}/reach`, { date: '2018-03-30', evidence: 'Photos' });
    await project.post('/suspend', { reason: 'Audit' });

    expect((await settledInbox(laosOnly)).map((item) => [item.type, item.projectId])).toEqual([['project.status_changed', project.id]]);
    expect((await settledInbox(cambodiaReached)).map((item) => [item.type, item.projectId])).toEqual([['milestone.reached', cambodia.id]]);
    expect((await settledInbox(onlyThisProject)).map((item) => item.type)).toEqual(['milestone.reached']);
    const everything = (await settledInbox(manager)).slice(0, 2).map((item) => [item.type, item.projectId]);
    expect(everything).toEqual([
      ['project.status_changed', project.id],
      ['milestone.reached', cambodia.id],
    ]);
  });
});

describe('exactly once, whatever the queue or a crash does', () => {
  it('turns each stored event into its notifications once, with two workers, duplicate jobs and failed batches', async () => {
    const manager = await inboxSubscriber({ types: ['project.status_changed'] });
    await system.startWorker();
    // The next two batches that store a notification fail inside their transaction, as a crash would end them.
    await db.query(`CREATE SEQUENCE simulated_crashes`);
    await db.query(`
      CREATE FUNCTION crash_twice() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('simulated_crashes') <= 2 THEN RAISE EXCEPTION 'simulated crash before commit'; END IF;
        RETURN NEW;
      END $$`);
    await db.query(`CREATE TRIGGER crash_twice BEFORE INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION crash_twice()`);
    const notifierQueue = new Queue(NOTIFIER_QUEUE, { connection: { url: system.env.config.redisUrl }, prefix: system.env.config.queuePrefix });
    try {
      const projects = await Promise.all([1, 2, 3].map(() => startedProject(system, manager)));
      // Redelivered and duplicate wake-ups, as BullMQ may hand them out.
      await notifierQueue.addBulk(Array.from({ length: 30 }, (_, n) => ({ name: 'follow', data: {}, opts: { jobId: `duplicate-${n}` } })));
      for (const project of projects) {
        await project.post('/suspend', { reason: 'Audit' });
        await project.post('/resume');
      }
      await notifierCaughtUp();
      const crashes = await db.query(`SELECT last_value, is_called FROM simulated_crashes`);
      expect(Number(crashes.rows[0].last_value)).toBeGreaterThanOrEqual(2);

      const perEvent = await db.query(
        `SELECT e.type, count(n.id)::int AS notifications
         FROM events e LEFT JOIN notifications n ON n.source_event_id = e.event_id
         WHERE e.stream_id = ANY ($1::uuid[]) GROUP BY e.event_id, e.type`,
        [projects.map((project) => project.id)],
      );
      expect(perEvent.rows).toHaveLength(15);
      expect(perEvent.rows.every((row) => row.notifications === 1)).toBe(true);

      const entries = await settledInbox(manager, 'project.status_changed');
      const ours = entries.filter((item) => projects.some((project) => project.id === item.projectId));
      expect(ours).toHaveLength(15);
      expect(new Set(ours.map((item) => item.data.event.id)).size).toBe(15);
    } finally {
      await notifierQueue.close();
      await db.query(`DROP TRIGGER crash_twice ON notifications`);
    }
  }, 40_000);
});
