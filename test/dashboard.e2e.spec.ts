import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PostgresEventStore } from '@app/event-store';
import { SEED_PROJECTS, seedProjects } from '../seeds/index.js';
import { auth, isoDate } from './support/api-helpers.js';
import { bansuoProposal } from './support/bansuo.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { eventually } from './support/test-environment.js';

/** Debian's chromium package (scripts/lib.sh ensure_chromium installs it). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test', 'artifacts');
const SCREENSHOT = join(ARTIFACTS, 'dashboard.png');
/** What the browser saw (console, failed and refused requests), saved beside the screenshot for diagnosis. */
const browserLog: string[] = [];

const bansuo = SEED_PROJECTS.find((seed) => seed.code === 'CN-LA-BANSUO')!;

let system: RunningSystem;
let db: pg.Pool;
let browser: Browser;
let page: Page;
let baseUrl: string;
const cspViolations: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  system = await startSystem('dashboard');
  await system.api.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(system.api.getHttpServer().address() as AddressInfo).port}`;
  db = new pg.Pool({ connectionString: system.env.config.databaseUrl });
  db.on('error', () => undefined);
  await seedProjects(new PostgresEventStore(db), [bansuo]);
  await eventually(async () => {
    const view = await system.http.get(`/projects/${bansuo.projectId}`).set(auth(system.adminKey));
    return view.status === 200 && view.body.version === bansuo.steps.length;
  }, 20_000, 'the Bansuo read model');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => browserLog.push(`console ${message.type()}: ${message.text()}`));
  page.on('requestfailed', (failed) => browserLog.push(`request failed: ${failed.method()} ${failed.url()} ${failed.failure()?.errorText}`));
  page.on('response', (response) => browserLog.push(`${response.status()} ${response.request().method()} ${response.url()}`));
  // Below Jest's test timeout, so a stuck step fails with Playwright's call log rather than a bare timeout.
  page.setDefaultTimeout(15_000);
}, 60_000);

afterAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, 'dashboard-browser.log'), `${browserLog.join('\n')}\n`);
  await browser?.close();
  await db?.end();
  await system?.stop();
});

/** Signs in with a mistyped key, waits for its refusal, then signs in with the admin key (Enter, this time). */
async function signInAfterAMistypedKey(): Promise<void> {
  await page.getByLabel('API key').fill('not-a-key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: /refused/ }).waitFor();
  await page.getByLabel('API key').fill(system.adminKey);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
}

describe('the manager dashboard at /dashboard', () => {
  it('is a public page with a policy of its own; the JSON API keeps the API-wide policy', async () => {
    const response = await system.http.get('/dashboard').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    const policy = response.headers['content-security-policy'] as string;
    expect(policy).toMatch(/default-src 'none'/);
    expect(policy).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);
    const api = await system.http.get('/portfolio').set(auth(system.adminKey)).expect(200);
    expect(api.headers['content-security-policy']).not.toBe(policy);
    expect(api.headers['content-security-policy']).toMatch(/default-src 'self'/);
  });

  it('asks for a key, refuses a wrong one, and keeps the right one in sessionStorage only', async () => {
    await page.goto(`${baseUrl}/dashboard`);
    await signInAfterAMistypedKey();
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await page.evaluate(() => Object.values({ ...sessionStorage }))).toEqual([system.adminKey]);
  });

  it('keeps the right key signed in when a refusal of the mistyped one before it comes late', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    // The project list asked for with the mistyped key is held until the right key is in.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/projects?limit=500', async (route) => {
      if (route.request().headers().authorization === 'Bearer not-a-key') await released;
      await route.continue();
    });
    try {
      await signInAfterAMistypedKey();

      const lateRefusal = page.waitForResponse((response) => response.url().endsWith('/projects?limit=500') && response.status() === 401);
      release();
      await lateRefusal;
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
      expect(await page.getByRole('heading', { name: 'Portfolio' }).isVisible()).toBe(true);
      expect(await page.getByRole('heading', { name: 'Sign in' }).count()).toBe(0);
      expect(await page.evaluate(() => Object.values({ ...sessionStorage }))).toEqual([system.adminKey]);
    } finally {
      release();
      await page.unroute('**/projects?limit=500');
    }
  });

  it('shows the portfolio by country and status, and the project list', async () => {
    const portfolio = (await system.http.get('/portfolio').set(auth(system.adminKey)).expect(200)).body;
    const totals = page.getByRole('definition');
    await totals.first().waitFor();
    const stats = await page.locator('dl[aria-label="Portfolio totals"] div').evaluateAll((items) =>
      Object.fromEntries(items.map((item) => [item.querySelector('dt')!.textContent, item.querySelector('dd')!.textContent])),
    );
    expect(stats).toMatchObject({
      Projects: String(portfolio.projects.total),
      'Milestones reached': String(portfolio.milestones.reached),
      'Milestones overdue': String(portfolio.milestones.overdue),
      'Indicators on track': String(portfolio.indicators.onTrack),
    });
    const byCountry = page.getByRole('table', { name: 'Projects by country and status' });
    await expect(byCountry.getByRole('rowheader', { name: 'LA' }).count()).resolves.toBe(1);
    await page.getByRole('button', { name: /Bansuo/ }).waitFor();
  });

  it("shows the Bansuo project's progress: milestones reached, indicators as bars against target, the timeline", async () => {
    const detail = (await system.http.get(`/projects/${bansuo.projectId}`).set(auth(system.adminKey)).expect(200)).body;
    const reached = detail.milestones.filter((m: { status: string }) => m.status === 'reached').length;
    expect(reached).toBeGreaterThan(0);
    expect(detail.indicators.length).toBeGreaterThan(0);

    await page.getByRole('button', { name: /Bansuo/ }).click();
    await page.getByRole('heading', { level: 2, name: detail.title }).waitFor();
    // The heading takes the focus, so keyboard and screen-reader users land on what they chose.
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('project-heading');
    expect(page.url()).toContain(`#project=${bansuo.projectId}`);

    const milestoneStats = await page.locator('dl[aria-label="Milestones of this project"] div').evaluateAll((items) =>
      Object.fromEntries(items.map((item) => [item.querySelector('dt')!.textContent, item.querySelector('dd')!.textContent])),
    );
    expect(milestoneStats.Reached).toBe(String(reached));
    expect(await page.locator('tr[data-milestone-state="reached"]').count()).toBe(reached);

    const bars = page.getByRole('meter');
    expect(await bars.count()).toBe(detail.indicators.length);
    for (const indicator of detail.indicators) {
      const bar = page.getByRole('meter', { name: `${indicator.title} progress` });
      const expected = indicator.progress === null ? 0 : Math.round(Math.max(0, Math.min(1, indicator.progress)) * 100);
      expect(Number(await bar.getAttribute('aria-valuenow'))).toBe(expected);
      // The bar is drawn as wide as the progress (through the CSSOM, which the page's CSP allows).
      const [outer, inner] = await bar.evaluate((element) => [element.getBoundingClientRect().width, element.firstElementChild!.getBoundingClientRect().width]);
      expect(inner / outer).toBeCloseTo(expected / 100, 1);
    }

    const timeline = page.getByRole('list', { name: 'Timeline' });
    expect(await timeline.locator(':scope > li').count()).toBe(detail.milestones.length);
    await expect(timeline.textContent()).resolves.toMatch(/reached/);
  });

  it('shows new notifications live, over the SSE stream read with the Authorization header', async () => {
    await system.http
      .post('/subscriptions')
      .set(auth(system.adminKey))
      .send({ channel: 'inbox', filter: { projectIds: [bansuo.projectId], types: ['project.status_changed'] } })
      .expect(201);
    await page.getByText(/^Connected/).waitFor({ timeout: 10_000 });
    await system.http.post(`/projects/${bansuo.projectId}/suspend`).set(auth(system.adminKey)).send({ reason: 'Flood season inspection' }).expect(200);
    const entry = page.locator('#feed li').first();
    await entry.waitFor({ timeout: 20_000 });
    await expect(entry.textContent()).resolves.toMatch(/suspend/i);
    // The project on screen follows: its status line now says suspended.
    await page.locator('#project p.muted').first().filter({ hasText: /suspended/ }).waitFor({ timeout: 10_000 });
  });

  it('calls a milestone upcoming only when it is due within 30 days on a project still under way', async () => {
    const key = system.adminKey;
    const propose = async () => (await system.http.post('/projects').set(auth(key)).send(bansuoProposal()).expect(201)).body.id as string;
    const plan = (id: string, title: string, dueDate: string) => system.http.post(`/projects/${id}/milestones`).set(auth(key)).send({ title, dueDate }).expect(201);
    const active = await propose();
    const cancelled = await propose();
    for (const id of [active, cancelled]) {
      await plan(id, 'Well dug', isoDate(7));
      await plan(id, 'Clinic built', isoDate(60));
    }
    await plan(cancelled, 'Road graded', isoDate(-7));
    await system.http.post(`/projects/${cancelled}/cancel`).set(auth(key)).send({ reason: 'Funding withdrawn' }).expect(200);
    await eventually(async () => (await system.http.get(`/projects/${cancelled}`).set(auth(key))).body.status === 'cancelled', 10_000, 'the views');

    // The project's milestone rows once the page shows it (its titles, as many as it has), by state.
    const states = async (id: string, titles: string[]) => {
      await page.evaluate(`location.hash = ${JSON.stringify(`project=${id}`)}`);
      for (const title of titles) await page.locator('tr[data-milestone-state]', { hasText: title }).waitFor();
      await page.waitForFunction(`document.querySelectorAll('tr[data-milestone-state]').length === ${titles.length}`);
      return page.locator('tr[data-milestone-state]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-milestone-state')).sort());
    };
    expect(await states(active, ['Well dug', 'Clinic built'])).toEqual(['planned', 'upcoming']);
    // Cancelled: what was due last week and what is due next week will not happen; nothing is overdue,
    // and nothing is "later" either.
    expect(await states(cancelled, ['Well dug', 'Clinic built', 'Road graded'])).toEqual(['unreached', 'unreached', 'unreached']);
    await page.getByText('not reached', { exact: true }).first().waitFor();
  });

  it("lists the revisions of a project's planned dates, with their reasons", async () => {
    const key = system.adminKey;
    const id = (await system.http.post('/projects').set(auth(key)).send(bansuoProposal()).expect(201)).body.id as string;
    await system.http.post(`/projects/${id}/planned-dates`).set(auth(key)).send({ plannedEnd: '2031-06-30', reason: 'No-cost extension agreed' }).expect(200);
    await eventually(async () => (await system.http.get(`/projects/${id}`).set(auth(key))).body.version === 2, 10_000, 'the view');
    await page.evaluate(`location.hash = ${JSON.stringify(`project=${id}`)}`);
    const revisions = page.getByRole('list', { name: 'Revisions of the planned dates' });
    await revisions.waitFor();
    expect(await revisions.textContent()).toBe(`${new Date().toISOString().slice(0, 10)}: planned end open \u2192 2031-06-30 (No-cost extension agreed)`);
  });

  it('says why a project cannot be shown, with the API\'s own words, and offers to try the portfolio again when it fails', async () => {
    await page.evaluate(`location.hash = ${JSON.stringify('project=7d0f0f44-93a4-4c57-9b1e-8f3a6f1f4a10')}`);
    const refusal = page.locator('#project').getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/not found|does not exist|no project/i);
    // The portfolio when the API fails it (a 503 while PostgreSQL is away): the problem's detail and a way to try again.
    await page.route('**/portfolio', (route) =>
      route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ status: 503, title: 'Service Unavailable', detail: 'PostgreSQL is away; try again shortly.' }) }),
    );
    try {
      await page.reload();
      const failed = page.locator('#portfolio').getByRole('alert');
      await failed.waitFor();
      expect(await failed.textContent()).toBe('PostgreSQL is away; try again shortly.');
      await page.unroute('**/portfolio');
      await page.locator('#portfolio').getByRole('button', { name: 'Try again' }).click();
      await page.locator('dl[aria-label="Portfolio totals"]').waitFor();
    } finally {
      await page.unroute('**/portfolio');
    }
  });

  it('lists every project the filters match, however many, a page at a time, with the statuses in lifecycle order', async () => {
    const key = system.adminKey;
    // More projects than a page holds, whose codes sort before every other: the first page is all theirs.
    const codes = Array.from({ length: 505 }, (_, n) => `AA-${String(n).padStart(4, '0')}`);
    for (let start = 0; start < codes.length; start += 16) {
      await Promise.all(
        codes.slice(start, start + 16).map((code) => system.http.post('/projects').set(auth(key)).send({ ...bansuoProposal(code), country: 'TH' }).expect(201)),
      );
    }
    const all = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM event_streams')).rows[0]!.n;
    await eventually(async () => (await system.http.get('/projects?limit=1').set(auth(key))).body.total === all, 30_000, 'the views of all of them');
    const lao = (await system.http.get('/projects?limit=500&country=LA').set(auth(key)).expect(200)).body;
    await page.reload();
    const count = page.locator('#portfolio p[role=status]');
    const counted = (text: string) => eventually(async () => (await count.textContent()) === text, 15_000, `the list's count to read "${text}"`);
    await counted(`500 of ${all} projects shown`);
    await page.locator('#portfolio').getByRole('button', { name: 'Show more' }).click();
    await counted(`${all} projects`);
    expect(await page.locator('#portfolio tbody tr[data-project-id]').count()).toBe(all);
    expect(await page.locator('#portfolio').getByRole('button', { name: 'Show more' }).isVisible()).toBe(false);
    // A country none of the first page is in: asked of the API, not looked for among what was loaded.
    await page.locator('#filter-country').selectOption('LA');
    await counted(`${lao.total} projects`);
    expect(await page.locator('#portfolio tbody tr[data-project-id]').count()).toBe(lao.items.length);
    await page.getByRole('button', { name: /Bansuo/ }).first().waitFor();
    const columns = await page.getByRole('table', { name: 'Projects by country and status' }).locator('thead th').allTextContents();
    expect([columns[0], columns.at(-1)]).toEqual(['Country', 'total']);
    const order = ['proposed', 'approved', 'implementation', 'suspended', 'finalisation', 'closed', 'cancelled'];
    const statuses = columns.slice(1, -1);
    // The earlier specs left projects proposed, suspended (Bansuo) and cancelled.
    expect(statuses).toEqual(expect.arrayContaining(['proposed', 'suspended', 'cancelled']));
    expect(statuses).toEqual([...statuses].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    await page.evaluate(`location.hash = ${JSON.stringify(`project=${bansuo.projectId}`)}`);
  }, 90_000);

  it('ran without CSP violations or script errors, and leaves a screenshot', async () => {
    await page.getByRole('heading', { level: 2, name: /Bansuo/ }).scrollIntoViewIfNeeded();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
