import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PostgresEventStore } from '@app/event-store';
import { auth } from './support/api-helpers.js';
import { bansuoProposal } from './support/bansuo.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { appendPoison } from './support/tamper.js';
import { eventually } from './support/test-environment.js';

let system: RunningSystem;
let db: pg.Pool;
let admin: string;

beforeAll(async () => {
  system = await startSystem('dead_letters');
  db = new pg.Pool({ connectionString: system.env.config.databaseUrl });
  db.on('error', () => undefined);
  admin = system.adminKey;
});

afterAll(async () => {
  await db?.end();
  await system?.stop();
});

async function viewVersion(projectId: string): Promise<number | undefined> {
  return (await db.query('SELECT version FROM project_views WHERE id = $1', [projectId])).rows[0]?.version;
}

describe('dead letters', () => {
  it('parks an event the projection cannot apply, holds that project back, lets others go on, and replays', async () => {
    const poisoned = (await system.http.post('/projects').set(auth(admin)).send(bansuoProposal()).expect(201)).body.id as string;
    const healthy = (await system.http.post('/projects').set(auth(admin)).send(bansuoProposal()).expect(201)).body.id as string;
    await eventually(async () => (await viewVersion(poisoned)) === 1, 5_000, 'first projection');

    // Bad data behind the decider's back: a milestone reached that was never planned.
    const ghost = await appendPoison(db, poisoned, 1);
    await system.http.post(`/projects/${poisoned}/components`).set(auth(admin)).send({ name: 'After the poison', kind: 'industry' }).expect(201);
    await system.http.post(`/projects/${healthy}/approve`).set(auth(admin)).send({}).expect(200);

    const parked = await eventually(
      async () => {
        const response = await system.http.get('/admin/dead-letters').set(auth(admin)).expect(200);
        return response.body.items.find((item: { projectId: string }) => item.projectId === poisoned);
      },
      15_000,
      'the poisoned job to be parked',
    );
    expect(parked).toMatchObject({ projectId: poisoned, attempts: 3, queue: 'projections' });
    expect(parked.error).toMatch(/MilestoneView|not found/i);
    await eventually(async () => (await viewVersion(healthy)) === 2, 5_000, 'the healthy project to go on');
    expect(await viewVersion(poisoned)).toBe(1);
    // Commands go on being recorded on it (the decider reads the stream, not the view), through batches
    // and reconciles: they wait behind the one dead letter instead of parking one more each.
    for (const name of ['Later one', 'Later two']) {
      await system.http.post(`/projects/${poisoned}/components`).set(auth(admin)).send({ name, kind: 'industry' }).expect(201);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const letters = (await system.http.get('/admin/dead-letters').set(auth(admin)).expect(200)).body.items;
    expect(letters.filter((item: { projectId: string }) => item.projectId === poisoned).map((item: { jobId: string }) => item.jobId)).toEqual([parked.jobId]);
    expect(parked.jobId).toBe(`${poisoned}-v2`);

    // The operator repairs what the projection needed, then replays.
    await db.query(
      `INSERT INTO milestone_views (id, project_id, title, due_date, status, document_links, times_rescheduled, position)
       VALUES ($1, $2, 'Repaired by an operator', '2020-01-01', 'planned', '[]', 0, 2)`,
      [ghost, poisoned],
    );
    const replayed = await system.http.post(`/admin/dead-letters/${parked.jobId}/replay`).set(auth(admin)).expect(200);
    expect(replayed.body.jobId).toBe(parked.jobId);
    await eventually(async () => (await viewVersion(poisoned)) === 5, 10_000, 'the poisoned project to catch up, later commands and all');
    await system.http.post(`/admin/dead-letters/${parked.jobId}/replay`).set(auth(admin)).expect((r) => expect([404, 409]).toContain(r.status));
    const after = (await system.http.get('/admin/dead-letters').set(auth(admin)).expect(200)).body.items;
    expect(after.filter((item: { projectId: string }) => item.projectId === poisoned)).toEqual([]);
  });

  it('is for admins only', async () => {
    const manager = (await system.http.post('/api-keys').set(auth(admin)).send({ name: 'm', role: 'manager' }).expect(201)).body.secret;
    await system.http.get('/admin/dead-letters').set(auth(manager)).expect(403);
    await system.http.post('/admin/projections/rebuild').set(auth(manager)).expect(403);
  });
});

describe('a dead letter far past the view', () => {
  it('parks one letter when the events that do not fold lie more than a thousand past the view, and concurrent replays replay it once', async () => {
    const store = new PostgresEventStore(db);
    const poisoned = (await system.http.post('/projects').set(auth(admin)).send(bansuoProposal()).expect(201)).body.id as string;
    await eventually(async () => (await viewVersion(poisoned)) === 1, 5_000, 'first projection');
    const metadata = () => ({ eventId: randomUUID(), actor: { keyId: 'ops', role: 'admin' }, commandType: 'Manual', correlationId: 'far-poison', occurredAt: new Date().toISOString() });
    // With the worker stopped, 1,005 components pile up before the poison: a sync applies a thousand a step.
    await system.stopWorker();
    const ghost = randomUUID();
    try {
      const components = Array.from({ length: 1_005 }, (_, n) => ({
        type: 'ComponentAdded',
        data: { projectId: poisoned, componentId: randomUUID(), name: `Component ${n}`, kind: 'industry' },
        schemaVersion: 1,
        metadata: metadata(),
      }));
      await store.append(poisoned, 1, components, { streamType: 'project' });
      await store.append(
        poisoned,
        1_006,
        [{ type: 'MilestoneReached', data: { projectId: poisoned, milestoneId: ghost, reachedOn: '2020-01-01', evidence: 'x', documentLinks: [] }, schemaVersion: 1, metadata: metadata() }],
        { streamType: 'project' },
      );
    } finally {
      await system.startWorker();
    }
    await system.http.post(`/projects/${poisoned}/components`).set(auth(admin)).send({ name: 'After the poison', kind: 'industry' }).expect(201);

    const lettersOf = async () =>
      (await system.http.get('/admin/dead-letters').set(auth(admin)).expect(200)).body.items.filter((item: { projectId: string }) => item.projectId === poisoned);
    const [parked] = await eventually(async () => {
      const letters = await lettersOf();
      return letters.length > 0 && letters;
    }, 20_000, 'the poisoned project to be parked');
    // The first thousand applied, the rest waits behind one letter named by the first version the view lacks.
    expect(await viewVersion(poisoned)).toBe(1_001);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await lettersOf()).map((letter: { jobId: string }) => letter.jobId)).toEqual([`${poisoned}-v1002`]);
    expect(parked.jobId).toBe(`${poisoned}-v1002`);

    await db.query(
      `INSERT INTO milestone_views (id, project_id, title, due_date, status, document_links, times_rescheduled, position)
       VALUES ($1, $2, 'Repaired by an operator', '2020-01-01', 'planned', '[]', 0, 2)`,
      [ghost, poisoned],
    );
    const replays = await Promise.all(Array.from({ length: 6 }, () => system.http.post(`/admin/dead-letters/${parked.jobId}/replay`).set(auth(admin))));
    // One replays it; the others find it waiting or running (409), or already done and gone (404).
    expect(replays.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replays.filter((r) => r.status !== 200).map((r) => r.body.code)).toEqual(Array(5).fill(expect.stringMatching(/^DEAD_LETTER\.NOT_(PARKED|FOUND)$/)));
    await eventually(async () => (await viewVersion(poisoned)) === 1_008, 15_000, 'the poisoned project to catch up');
    expect(await lettersOf()).toEqual([]);
  }, 60_000);
});

describe('queue board', () => {
  it('asks a browser for an admin key and shows the queues to admins only', async () => {
    const anonymous = await system.http.get('/admin/queues').expect(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic /);
    expect(anonymous.headers['content-type']).toMatch(/problem\+json/);
    // The codes and the request id of every other refusal.
    expect(anonymous.body).toMatchObject({ code: 'HTTP.UNAUTHORIZED', status: 401, instance: '/admin/queues', requestId: anonymous.headers['x-request-id'] });
    expect(anonymous.body.requestId).toEqual(expect.any(String));
    const basic = `Basic ${Buffer.from(`ops:${admin}`).toString('base64')}`;
    const page = await system.http.get('/admin/queues').set('Authorization', basic).expect(200);
    expect(page.text).toMatch(/<html/i);
    const queues = await system.http.get('/admin/queues/api/queues').set(auth(admin)).expect(200);
    expect(JSON.stringify(queues.body)).toContain('projections');
    const auditor = (await system.http.post('/api-keys').set(auth(admin)).send({ name: 'a', role: 'auditor' }).expect(201)).body.secret;
    const refused = await system.http.get('/admin/queues').set(auth(auditor)).expect(403);
    expect(refused.body).toMatchObject({ code: 'HTTP.FORBIDDEN', instance: '/admin/queues', requestId: refused.headers['x-request-id'], detail: 'The queue board is for admin keys.' });
  });

  it("refuses a change sent by another site's page through an admin's browser, and takes the board's own", async () => {
    const basic = `Basic ${Buffer.from(`ops:${admin}`).toString('base64')}`;
    const counts = async () => (await system.http.get('/admin/queues/api/queues').set('Authorization', basic).expect(200)).text;
    const before = await counts();
    const add = () => system.http.post('/admin/queues/api/queues/projections/add').set('Authorization', basic).type('form').send('');
    const crossSite = await add().set('Sec-Fetch-Site', 'cross-site').expect(403);
    expect(crossSite.body).toMatchObject({ code: 'HTTP.FORBIDDEN', detail: expect.stringContaining('not from another site'), requestId: crossSite.headers['x-request-id'] });
    await add().set('Origin', 'http://attacker.example').expect(403);
    await add().set('Origin', 'null').expect(403);
    expect(await counts()).toBe(before);
    // The board's own page asks from the same origin; a retry of a job is such a change.
    const retry = () => system.http.put('/admin/queues/api/queues/projections/retry/failed').set('Authorization', basic);
    await retry().set('Sec-Fetch-Site', 'same-origin').expect((r) => expect(r.status).toBeLessThan(300));
    await retry().set('Host', 'tracker.example.org').set('Origin', 'https://tracker.example.org').expect((r) => expect(r.status).toBeLessThan(300));
    await retry().set('Host', 'tracker.example.org').set('Origin', 'https://elsewhere.example.org').expect(403);
  });
});
