import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { auth, createKey, type ProjectClient, startedProject } from './support/api-helpers.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { SmtpSink } from './support/smtp-sink.js';
import { eventually } from './support/test-environment.js';

// Notifications travel through the feed, a queue and a mail server; a busy machine slows each step.
jest.setTimeout(60_000);

let system: RunningSystem;
let db: pg.Pool;
let sink: SmtpSink;
let manager: string;
let project: ProjectClient;

beforeAll(async () => {
  sink = await SmtpSink.start();
  // The digest every two seconds (a cron pattern with seconds), so a test sees periods end.
  system = await startSystem('notifications_email_e2e', { env: { SMTP_URL: sink.url, DIGEST_SCHEDULE: '*/2 * * * * *', PUBLIC_URL: 'https://tracker.example.org/' } });
  db = new pg.Pool({ connectionString: system.env.config.databaseUrl });
  db.on('error', () => undefined);
  manager = await createKey(system, 'manager');
  project = await startedProject(system, manager);
});

afterAll(async () => {
  await db?.end();
  await system?.stop();
  await sink?.close();
});

async function subscribe(address: string, filter: object): Promise<string> {
  const response = await system.http.post('/subscriptions').set(auth(manager)).send({ channel: 'email', address, filter }).expect(201);
  return response.body.id;
}

async function attempts(subscriptionId: string): Promise<any[]> {
  return (await system.http.get(`/subscriptions/${subscriptionId}/deliveries`).set(auth(manager)).expect(200)).body.items;
}

describe('e-mail', () => {
  it('sends a plain-text and HTML message naming the project and what happened, and records the delivery', async () => {
    const subscriptionId = await subscribe('office@example.org', { projectIds: [project.id], types: ['milestone.reached'] });
    const milestone = await project.planMilestone('Cattle <handover> & training', '2018-06-30');
    await project.post(`/milestones/${milestone}/reach`, { date: '2018-06-28', evidence: 'Handover record signed by 40 households' });

    const [mail] = await eventually(async () => sink.to('office@example.org').length > 0 && sink.to('office@example.org'), 20_000, 'the e-mail');
    const { parsed } = mail!;
    expect(parsed.subject).toMatch(/^\[Project Tracker\] China-Laos poverty reduction demonstration: Bansuo village \(BANSUO-\w+\): milestone "Cattle <handover> & training" reached$/);
    expect(parsed.from?.value).toEqual([{ name: 'Project Tracker', address: 'notifications@project-tracker.localhost' }]);
    expect(parsed.text).toContain('milestone "Cattle <handover> & training" reached on 2018-06-28');
    expect(parsed.text).toContain('Evidence: Handover record signed by 40 households');
    expect(parsed.text).toContain(`DELETE /subscriptions/${subscriptionId}`);
    // PUBLIC_URL, its trailing slash dropped: the project in the dashboard.
    expect(parsed.text).toContain(`Open: https://tracker.example.org/dashboard#project=${project.id}`);
    expect(parsed.html).toContain('Cattle &lt;handover&gt; &amp; training');
    expect(parsed.html).not.toContain('<handover>');
    const notificationId = parsed.headers.get('x-project-tracker-notification') as string;
    expect(parsed.messageId).toBe(`<${notificationId}.${subscriptionId}@project-tracker.notifications>`);
    expect(parsed.headers.get('x-project-tracker-type')).toBe('milestone.reached');

    const [attempt] = await eventually(async () => {
      const items = await attempts(subscriptionId);
      return items.length === 1 && items;
    }, 10_000, 'the recorded delivery');
    expect(attempt).toMatchObject({ notificationId, status: 'delivered', statusCode: 250, error: null, latencyMs: expect.any(Number) });
    expect(sink.to('office@example.org')).toHaveLength(1);
  });

  it('gives up at once when the mail server refuses the address for good (5xx)', async () => {
    sink.refuse.add('nobody@example.org');
    const subscriptionId = await subscribe('nobody@example.org', { projectIds: [project.id], types: ['project.status_changed'] });
    await project.post('/suspend', { reason: 'Floods' });
    await eventually(async () => (await db.query(`SELECT status FROM deliveries WHERE subscription_id = $1`, [subscriptionId])).rows[0]?.status === 'failed', 10_000, 'the failed delivery');
    const items = await attempts(subscriptionId);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: 'failed', statusCode: 550, error: expect.stringContaining('Mailbox unavailable') });
    await project.post('/resume');
  });
});

describe('project.digest', () => {
  it('summarises each period per subscription, sending nothing for a quiet period', async () => {
    const digestId = await subscribe('digest@example.org', { projectIds: [project.id], types: ['project.digest'] });
    const indicator = await project.defineIndicator('People trained in cattle disease prevention', 0, 200, 'people');
    await project.measure(indicator, 120);

    const [mail] = await eventually(async () => sink.to('digest@example.org').length > 0 && sink.to('digest@example.org'), 20_000, 'the digest');
    expect(mail!.parsed.subject).toMatch(/^\[Project Tracker\] Digest \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d: 2 notifications in 1 project$/);
    expect(mail!.parsed.text).toContain('"People trained in cattle disease prevention" reached 25% of its target');
    expect(mail!.parsed.text).toContain('"People trained in cattle disease prevention" reached 50% of its target');
    expect(mail!.parsed.headers.get('x-project-tracker-type')).toBe('project.digest');

    const stored = await db.query(`SELECT data FROM notifications WHERE type = 'project.digest' AND recipient_subscription_id = $1`, [digestId]);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0].data).toMatchObject({
      counts: { 'indicator.threshold_reached': 2 },
      projects: [{ project: { id: project.id }, counts: { 'indicator.threshold_reached': 2 } }],
    });

    // Two more periods pass with nothing new: no more digests.
    const runs = async () => Number((await db.query(`SELECT runs FROM notifier_runs WHERE name = 'project-digest'`)).rows[0]?.runs ?? 0);
    const now = await runs();
    await eventually(async () => (await runs()) >= now + 2, 15_000, 'two more digest runs');
    expect(sink.to('digest@example.org')).toHaveLength(1);
    // Only the digest was sent to this subscription, not the notifications it summarises.
    expect((await attempts(digestId)).map((attempt) => attempt.notificationType)).toEqual(['project.digest']);
  });
});
