import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { auth } from './support/api-helpers.js';
import { bansuoProposal } from './support/bansuo.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { eventually } from './support/test-environment.js';

let system: RunningSystem;
let admin: string;
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

async function project(country: string): Promise<{ id: string; post: (path: string, body?: object) => Promise<Record<string, string>> }> {
  const id = (await system.http.post('/projects').set(auth(admin)).send({ ...bansuoProposal(), country, plannedStart: '2020-01-01', plannedEnd: inDays(365) }).expect(201)).body.id;
  const post = async (path: string, body: object = {}) => {
    const response = await system.http.post(`/projects/${id}${path}`).set(auth(admin)).send(body);
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as Record<string, string>;
  };
  return { id, post };
}

let la: Awaited<ReturnType<typeof project>>;
let kh: Awaited<ReturnType<typeof project>>;
let overdueId: string;

beforeAll(async () => {
  system = await startSystem('portfolio');
  admin = system.adminKey;
  la = await project('LA');
  const second = await project('LA');
  kh = await project('KH');
  await la.post('/approve', { date: '2019-12-01' });
  await la.post('/start', { date: '2020-01-01' });
  await second.post('/approve');
  // Due before the project was cancelled, and never reached: a cancelled project has nothing overdue,
  // and nothing coming up either.
  await kh.post('/approve', { date: '2018-12-01' });
  await kh.post('/start', { date: '2019-01-01' });
  await kh.post('/milestones', { title: 'Clinic', dueDate: '2019-03-31' });
  await kh.post('/milestones', { title: 'Well', dueDate: inDays(7) });
  // Far behind when it was cancelled: no longer tracked, so not "behind" either.
  const road = (await kh.post('/indicators', { title: 'Road asphalted', unit: 'km', measure: 1, resultLevel: 1, baseline: { value: 0, date: '2019-01-01' }, target: { value: 12, date: '2020-01-01' } })).indicatorId!;
  await kh.post(`/indicators/${road}/measurements`, { value: 3.5, date: '2019-12-31' });
  await kh.post('/cancel', { reason: 'Funding withdrawn' });

  overdueId = (await la.post('/milestones', { title: 'Bridge', dueDate: '2019-06-30' })).milestoneId!;
  const reached = (await la.post('/milestones', { title: 'Road', dueDate: inDays(100) })).milestoneId!;
  await la.post(`/milestones/${reached}/reach`, { date: '2020-05-01', evidence: 'Inspection' });
  const moved = (await la.post('/milestones', { title: 'Training', dueDate: inDays(5) })).milestoneId!;
  await la.post(`/milestones/${moved}/reschedule`, { dueDate: inDays(10), reason: 'Trainer ill' });
  await la.post('/milestones', { title: 'Far away', dueDate: inDays(300) });

  const done = (await la.post('/indicators', { title: 'Cattle', unit: 'head', measure: 1, resultLevel: 1, baseline: { value: 0, date: '2020-01-01' }, target: { value: 120, date: inDays(365) } })).indicatorId!;
  await la.post(`/indicators/${done}/measurements`, { value: 120, date: '2021-01-01' });
  const behind = (await la.post('/indicators', { title: 'Weavers', unit: 'people', measure: 1, resultLevel: 1, baseline: { value: 0, date: '2020-01-01' }, target: { value: 100, date: '2021-01-01' } })).indicatorId!;
  await la.post(`/indicators/${behind}/measurements`, { value: 10, date: '2021-01-01' });
  await la.post('/indicators', { title: 'Income', unit: 'USD', measure: 1, resultLevel: 2, baseline: { value: 0 }, target: { value: 800 } });
  await eventually(async () => {
    const views = await system.http.get('/projects').set(auth(admin));
    const versions = new Map(views.body.items.map((p: { id: string; version: number }) => [p.id, p.version]));
    return views.body.total === 3 && versions.get(la.id) === 14 && versions.get(kh.id) === 8;
  }, 10_000, 'views to catch up');
});

afterAll(async () => {
  await system?.stop();
});

describe('GET /portfolio', () => {
  it('counts projects by country and status, milestones and indicators, from the read model', async () => {
    const portfolio = (await system.http.get('/portfolio').set(auth(admin)).expect(200)).body;
    expect(portfolio.projects).toEqual({
      total: 3,
      byStatus: { implementation: 1, approved: 1, cancelled: 1 },
      byCountry: { LA: { implementation: 1, approved: 1 }, KH: { cancelled: 1 } },
    });
    // The cancelled project's two milestones will not happen, and its indicator is no longer tracked.
    expect(portfolio.milestones).toEqual({ planned: 3, reached: 1, waived: 0, overdue: 1, upcoming: 1 });
    expect(portfolio.indicators).toEqual({ total: 4, measured: 3, onTrack: 1, behind: 1, targetReached: 1 });
  });

  it('shows a team key only its own projects', async () => {
    const team = (await system.http.post('/api-keys').set(auth(admin)).send({ name: 't', role: 'team', projectIds: [la.id] }).expect(201)).body.secret;
    const portfolio = (await system.http.get('/portfolio').set(auth(team)).expect(200)).body;
    expect(portfolio.projects.total).toBe(1);
    expect(portfolio.projects.byCountry).toEqual({ LA: { implementation: 1 } });
  });
});

describe('GET /projects/{id}/timeline', () => {
  it('lists milestones by due date with what happened to each', async () => {
    const response = await system.http.get(`/projects/${la.id}/timeline`).set(auth(admin)).expect(200);
    expect(response.headers.etag).toBe('"14"');
    const titles = response.body.milestones.map((m: { title: string }) => m.title);
    expect(titles).toEqual(['Bridge', 'Training', 'Road', 'Far away']);
    const [bridge, training, road] = response.body.milestones;
    expect(bridge).toMatchObject({ milestoneId: overdueId, overdue: true, status: 'planned' });
    expect(training.history.map((h: { kind: string }) => h.kind)).toEqual(['planned', 'rescheduled']);
    expect(training.history[1]).toMatchObject({ previousDueDate: inDays(5), dueDate: inDays(10), note: 'Trainer ill' });
    expect(road.history.map((h: { kind: string }) => h.kind)).toEqual(['planned', 'reached']);
    expect(road).toMatchObject({ status: 'reached', reachedOn: '2020-05-01', overdue: false });
  });

  it('shows nothing overdue on a cancelled project, there or in the project itself', async () => {
    const timeline = (await system.http.get(`/projects/${kh.id}/timeline`).set(auth(admin)).expect(200)).body;
    expect(timeline.milestones).toEqual([
      expect.objectContaining({ title: 'Clinic', status: 'planned', dueDate: '2019-03-31', overdue: false }),
      expect.objectContaining({ title: 'Well', status: 'planned', dueDate: inDays(7), overdue: false }),
    ]);
    const detail = (await system.http.get(`/projects/${kh.id}`).set(auth(admin)).expect(200)).body;
    expect(detail).toMatchObject({ status: 'cancelled', milestones: [expect.objectContaining({ title: 'Clinic', overdue: false }), expect.objectContaining({ title: 'Well', overdue: false })] });
  });

  it('answers 404 for an unknown project', async () => {
    await system.http.get('/projects/3f1d2c4b-5a6e-4f70-8a9b-0c1d2e3f4a5b/timeline').set(auth(admin)).expect(404);
  });
});
