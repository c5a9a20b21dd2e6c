import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { auth, createKey, type ProjectClient, startedProject } from './support/api-helpers.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { UnsubscribeLinks } from '@app/notifications';
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

/** The deployment's own links, made with its SECRETS_KEY, for tokens the test needs but no e-mail carries. */
function links(): UnsubscribeLinks {
  return new UnsubscribeLinks(system.env.config.notifications.secretsKey);
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

describe('unsubscribing from an e-mail', () => {
  const subscriptionOf = async (id: string) => (await system.http.get(`/subscriptions/${id}`).set(auth(manager)).expect(200)).body;
  const reachMilestone = async (title: string) => {
    const milestone = await project.planMilestone(title, '2018-09-30');
    await project.post(`/milestones/${milestone}/reach`, { date: '2018-09-28', evidence: 'Field visit report' });
  };

  it("stops the subscription with the link in its e-mails (RFC 8058 one-click), and its owner sees who stopped it", async () => {
    const leavingId = await subscribe('leaving@example.org', { projectIds: [project.id], types: ['milestone.reached'] });
    const stayingId = await subscribe('staying@example.org', { projectIds: [project.id], types: ['milestone.reached'] });
    await reachMilestone('Weaving looms delivered');
    const [mail] = await eventually(async () => sink.to('leaving@example.org').length > 0 && sink.to('leaving@example.org'), 20_000, 'the e-mail');

    // The header a mail client's "Unsubscribe" button uses, and the same link in the footer.
    const headers = mail!.raw.slice(0, mail!.raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, ' ');
    const header = /^List-Unsubscribe: <([^>]+)>\r?$/im.exec(headers);
    expect(header).not.toBeNull();
    const link = new URL(header![1]!);
    expect(`${link.origin}${link.pathname}`).toBe(`https://tracker.example.org/unsubscribe/${leavingId}`);
    expect(headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/im);
    expect(mail!.parsed.text).toContain(`To stop these e-mails, open ${link.href} and confirm`);
    const path = `${link.pathname}${link.search}`;

    // Opening the link (as a mail scanner does) only asks; a wrong or cut token shows nothing and stops nothing.
    const page = await system.http.get(path).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('Stop these e-mails?');
    expect(page.text).toContain('leaving@example.org');
    const token = link.searchParams.get('token')!;
    for (const wrong of [token.slice(0, -1), token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase(), links().tokenFor(stayingId)]) {
      const refused = await system.http.post(`/unsubscribe/${leavingId}?token=${wrong}`).type('form').send('List-Unsubscribe=One-Click').expect(404);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body.code).toBe('SUBSCRIPTION.UNSUBSCRIBE_LINK_INVALID');
    }
    await system.http.post(`/unsubscribe/${leavingId}`).type('form').send('List-Unsubscribe=One-Click').expect(400);
    // A parameter a link checker or mail system adds does not spoil the link; a body that is no form is 415, saying so.
    expect((await system.http.get(`${path}&utm_source=newsletter`).expect(200)).text).toContain('Stop these e-mails?');
    const notAForm = await system.http.post(path).type('text/plain').send('unsubscribe me').expect(415);
    expect(notAForm.body.detail).toContain('List-Unsubscribe=One-Click');
    expect(await subscriptionOf(leavingId)).toMatchObject({ status: 'active', statusReason: null });

    // One POST, no API key, the body a mail client sends.
    const stopped = await system.http.post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(stopped.text).toContain('You are unsubscribed');
    expect(await subscriptionOf(leavingId)).toMatchObject({
      status: 'disabled',
      statusReason: expect.stringMatching(/^Its recipient unsubscribed with the link in an e-mail on \d{4}-\d\d-\d\dT/),
    });
    // Again, or from the page's button (a multipart form): the same, nothing more to stop.
    const again = await system.http.post(`${path}&utm_source=newsletter`).field('List-Unsubscribe', 'One-Click').expect(200);
    expect(again.text).toContain('Already stopped');
    expect((await system.http.get(path).expect(200)).text).toContain('Already stopped');

    // The next notification reaches the subscription that stayed, and not the one that was stopped.
    await reachMilestone('Weavers trained');
    await eventually(async () => sink.to('staying@example.org').length === 2, 20_000, 'the second e-mail to the subscription that stayed');
    expect(sink.to('leaving@example.org')).toHaveLength(1);
    const deliveries = await db.query(`SELECT status FROM deliveries WHERE subscription_id = $1`, [leavingId]);
    expect(deliveries.rows.map((row) => row.status)).toEqual(['delivered']);
  });

  it('stops it from the page the link opens, in a browser, under the page\'s own Content Security Policy', async () => {
    const subscriptionId = await subscribe('browser@example.org', { projectIds: [project.id], types: ['milestone.reached'] });
    await reachMilestone('Village road graded');
    const [mail] = await eventually(async () => sink.to('browser@example.org').length > 0 && sink.to('browser@example.org'), 20_000, 'the e-mail');
    const link = new URL(/https:\/\/tracker\.example\.org\/unsubscribe\/\S+/.exec(mail!.parsed.text!)![0]);

    await system.api.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(system.api.getHttpServer().address() as AddressInfo).port}`;
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const refusedByPolicy: string[] = [];
      page.on('console', (message) => /Content Security Policy/i.test(message.text()) && refusedByPolicy.push(message.text()));
      await page.goto(`${baseUrl}${link.pathname}${link.search}`);
      expect(await page.locator('h1').textContent()).toBe('Stop these e-mails?');
      // The stylesheet is allowed by its hash: the page is laid out as written.
      expect(await page.evaluate('getComputedStyle(document.body).maxWidth')).not.toBe('none');
      expect((await subscriptionOf(subscriptionId)).status).toBe('active');

      await Promise.all([page.waitForURL(/\/unsubscribe\//), page.getByRole('button', { name: 'Stop these e-mails' }).click()]);
      await page.waitForSelector('text=You are unsubscribed');
      expect(refusedByPolicy).toEqual([]);
    } finally {
      await browser.close();
    }
    expect(await subscriptionOf(subscriptionId)).toMatchObject({ status: 'disabled', statusReason: expect.stringContaining('unsubscribed') });
  });

  it('posts the page\'s form back to the link it was opened at, with a trailing slash too', async () => {
    const subscriptionId = await subscribe('slash@example.org', { projectIds: [project.id], types: ['milestone.reached'] });
    const opened = new URL(`http://tracker.test/unsubscribe/${subscriptionId}/?token=${links().tokenFor(subscriptionId)}`);
    const page = await system.http.get(`${opened.pathname}${opened.search}`).expect(200);
    expect(page.text).toContain('Stop these e-mails?');
    // Where a browser sends the form: its action resolved against the page's address.
    const action = /<form method="post" action="([^"]*)"/.exec(page.text)![1]!.replaceAll('&amp;', '&');
    const target = new URL(action, opened);
    const stopped = await system.http.post(`${target.pathname}${target.search}`).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(stopped.text).toContain('You are unsubscribed');
    expect(await subscriptionOf(subscriptionId)).toMatchObject({ status: 'disabled' });
  });

  it("takes no link for a subscription that is not an e-mail one, even with the deployment's token for it", async () => {
    const inbox = await system.http.post('/subscriptions').set(auth(manager)).send({ channel: 'inbox' }).expect(201);
    const refused = await system.http.post(`/unsubscribe/${inbox.body.id}?token=${links().tokenFor(inbox.body.id)}`).type('form').send('List-Unsubscribe=One-Click').expect(404);
    expect(refused.body.code).toBe('SUBSCRIPTION.UNSUBSCRIBE_LINK_INVALID');
    expect(await subscriptionOf(inbox.body.id)).toMatchObject({ status: 'active' });
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
