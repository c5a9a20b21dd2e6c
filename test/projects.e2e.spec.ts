import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import pg from 'pg';
import { viewUpdatesChannel } from '@app/read-models';
import { auth, createKey, isoDate, latestActualDate, ProjectClient, startedProject } from './support/api-helpers.js';
import { bansuoProposal } from './support/bansuo.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { eventually } from './support/test-environment.js';
import { validateIati } from './support/xmllint.js';

let system: RunningSystem;
let db: pg.Pool;
let admin: string;
let manager: string;
let auditor: string;

async function propose(key = manager, body: object = bansuoProposal()): Promise<string> {
  const response = await system.http.post('/projects').set(auth(key)).send(body).expect(201);
  return response.body.id as string;
}

async function eventCount(projectId: string): Promise<number> {
  const result = await db.query('SELECT count(*)::int AS n FROM events WHERE stream_id = $1', [projectId]);
  return result.rows[0].n as number;
}

async function readModelVersion(projectId: string): Promise<number | undefined> {
  const response = await system.http.get(`/projects/${projectId}`).set(auth(admin));
  return response.status === 200 ? (response.body.version as number) : undefined;
}

beforeAll(async () => {
  system = await startSystem('projects_e2e');
  db = new pg.Pool({ connectionString: system.env.config.databaseUrl });
  db.on('error', () => undefined);
  admin = system.adminKey;
  manager = await createKey(system, 'manager');
  auditor = await createKey(system, 'auditor');
});

afterAll(async () => {
  await db?.end();
  await system?.stop();
});

describe('a project from proposal to closure', () => {
  it('runs the lifecycle, milestones and indicators, and the read model follows', async () => {
    const id = await propose();
    const post = (path: string, body: object = {}) => system.http.post(`/projects/${id}${path}`).set(auth(manager)).send(body);

    expect((await post('/approve', { date: '2017-08-20' }).expect(200)).body).toEqual({ version: 2 });
    expect((await post('/start', { date: '2017-09-15' }).expect(200)).body).toEqual({ version: 3 });
    const component = (await post('/components', { name: 'Cattle-raising group', kind: 'industry' }).expect(201)).body;
    expect(component).toEqual({ componentId: expect.any(String), version: 4 });
    const milestone = (
      await post('/milestones', { title: '120 cattle distributed', dueDate: '2018-06-30', componentId: component.componentId }).expect(201)
    ).body;
    const overdue = (await post('/milestones', { title: 'Bridge completed', dueDate: '2019-01-31' }).expect(201)).body;
    await post(`/milestones/${milestone.milestoneId}/reach`, { date: '2018-05-20', evidence: 'Distribution record' }).expect(200);
    const indicator = (
      await post('/indicators', {
        title: 'Cattle distributed',
        unit: 'head',
        measure: 1,
        resultLevel: 1,
        baseline: { value: 0 },
        target: { value: 120 },
      }).expect(201)
    ).body;
    const measurement = (await post(`/indicators/${indicator.indicatorId}/measurements`, { value: 60, date: '2018-01-10' }).expect(201))
      .body;
    await post(`/indicators/${indicator.indicatorId}/measurements/${measurement.measurementId}/correct`, {
      value: 90,
      reason: 'Second delivery was left out',
    }).expect(201);
    await post('/suspend', {}).expect(400);
    await post('/suspend', { reason: 'Flooding', date: '2019-07-01' }).expect(200);
    await post('/resume', { date: '2019-09-01' }).expect(200);
    await post('/finalise', { date: '2020-12-31' }).expect(200);
    await eventually(async () => (await readModelVersion(id)) === 13, 5_000, 'read model at version 13');
    const finalising = await system.http.get(`/projects/${id}`).set(auth(auditor)).expect(200);
    expect(finalising.body.milestones[1]).toMatchObject({ id: overdue.milestoneId, status: 'planned', overdue: true });
    const closed = (await post('/close').expect(200)).body;
    expect(closed.version).toBe(14);

    await eventually(async () => (await readModelVersion(id)) === 14, 5_000, 'read model at version 14');
    const view = await system.http.get(`/projects/${id}`).set(auth(auditor)).expect(200);
    expect(view.headers.etag).toBe('"14"');
    expect(view.body).toMatchObject({
      id,
      status: 'closed',
      version: 14,
      actualStart: '2017-09-15',
      actualEnd: '2020-12-31',
      components: [{ id: component.componentId, kind: 'industry' }],
    });
    expect(view.body.milestones).toEqual([
      expect.objectContaining({ id: milestone.milestoneId, status: 'reached', reachedOn: '2018-05-20', overdue: false }),
      // Closed, the project has nothing overdue any more: its missed date no longer matters.
      expect.objectContaining({ id: overdue.milestoneId, status: 'planned', overdue: false }),
    ]);
    expect(view.body.indicators[0]).toMatchObject({
      latestActual: { value: 90, date: '2018-01-10' },
      progress: 0.75,
    });
    expect(view.body.indicators[0].measurements).toHaveLength(2);
  });

  it('refuses commands that make no sense in the current state, storing nothing', async () => {
    const id = await propose();
    const before = await eventCount(id);
    const closing = await system.http.post(`/projects/${id}/close`).set(auth(manager)).send({}).expect(409);
    expect(closing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(closing.body).toMatchObject({ status: 409, code: 'PROJECT.INVALID_TRANSITION' });
    // An indicator the project has: not measured before the start. One it does not have: not found, first.
    const indicator = (
      await system.http
        .post(`/projects/${id}/indicators`)
        .set(auth(manager))
        .send({ title: 'Cattle', unit: 'head', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 120 } })
        .expect(201)
    ).body.indicatorId;
    const early = await system.http.post(`/projects/${id}/indicators/${indicator}/measurements`).set(auth(manager)).send({ value: 3 }).expect(409);
    expect(early.body).toMatchObject({ code: 'PROJECT.NOT_STARTED' });
    const unknown = await system.http
      .post(`/projects/${id}/indicators/7d0f0f44-93a4-4c57-9b1e-8f3a6f1f4a10/measurements`)
      .set(auth(manager))
      .send({ value: 3 })
      .expect(404);
    expect(unknown.body).toMatchObject({ code: 'INDICATOR.NOT_FOUND' });
    expect(await eventCount(id)).toBe(before + 1);
  });

  it('answers 404 for unknown projects and milestones', async () => {
    const unknown = '0b9e7c52-8d4f-4d9b-a7a4-2b7f0c1d2e3f';
    const response = await system.http.post(`/projects/${unknown}/approve`).set(auth(manager)).send({}).expect(404);
    expect(response.body.code).toBe('PROJECT.NOT_FOUND');
    await system.http.get(`/projects/${unknown}`).set(auth(manager)).expect(404);
    const id = await propose();
    await system.http.post(`/projects/${id}/milestones/${unknown}/waive`).set(auth(manager)).send({ reason: 'x' }).expect(404);
  });

  it('refuses a second project with the same code (409) and stores nothing', async () => {
    const body = bansuoProposal();
    await propose(manager, body);
    const response = await system.http.post('/projects').set(auth(manager)).send(body).expect(409);
    expect(response.body.code).toBe('PROJECT.CODE_TAKEN');
    const codes = await db.query('SELECT count(*)::int AS n FROM project_codes WHERE code = $1', [body.code]);
    expect(codes.rows[0].n).toBe(1);
  });

  it('refuses a code that differs from a used one only in case (409) and stores nothing', async () => {
    const code = `CN-LA-CASE-${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
    await propose(manager, bansuoProposal(code));
    const events = await db.query('SELECT count(*)::int AS n FROM events');
    const response = await system.http.post('/projects').set(auth(manager)).send(bansuoProposal(code.toLowerCase())).expect(409);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 409, code: 'PROJECT.CODE_TAKEN' });
    const codes = await db.query('SELECT code FROM project_codes WHERE lower(code) = lower($1)', [code]);
    expect(codes.rows).toEqual([{ code }]);
    expect((await db.query('SELECT count(*)::int AS n FROM events')).rows[0].n).toBe(events.rows[0].n);
  });
});

describe('GET /projects paged by code', () => {
  it('pages with after = the nextAfter of the page before, skipping and repeating nothing while projects change', async () => {
    // A country of their own, so that the other specs' projects stay out of this list.
    const codes = ['PAGE-B', 'PAGE-D', 'PAGE-F', 'PAGE-H', 'PAGE-J'].map((code) => `${code}-${Math.random().toString(36).slice(2, 6)}`);
    const ids = new Map<string, string>();
    for (const code of codes) ids.set(code, await propose(manager, { ...bansuoProposal(code), country: 'TZ' }));
    const list = (query: string, limit = 2) => system.http.get(`/projects?country=TZ&status=proposed&limit=${limit}${query}`).set(auth(manager)).expect(200);
    await eventually(async () => (await list('', 500)).body.total === 5, 5_000, 'the list');

    const first = (await list('')).body;
    expect(first.items.map((p: { code: string }) => p.code)).toEqual(codes.slice(0, 2));
    expect(first).toMatchObject({ total: 5, nextAfter: codes[1] });
    // Meanwhile one already listed leaves the filter and one sorts in before the page: an offset would
    // now skip codes[2] and repeat codes[1].
    await system.http.post(`/projects/${ids.get(codes[0])}/approve`).set(auth(manager)).send({}).expect(200);
    await propose(manager, { ...bansuoProposal(`PAGE-A-${Math.random().toString(36).slice(2, 6)}`), country: 'TZ' });
    await eventually(async () => (await list('', 500)).body.items[0].code.startsWith('PAGE-A') === true, 5_000, 'the list');

    const second = (await list(`&after=${first.nextAfter}`)).body;
    expect(second.items.map((p: { code: string }) => p.code)).toEqual(codes.slice(2, 4));
    const third = (await list(`&after=${second.nextAfter}`)).body;
    expect(third).toMatchObject({ items: [expect.objectContaining({ code: codes[4] })], nextAfter: null });
    // A full last page is the last: no nextAfter pointing to an empty page.
    const whole = (await list('', 3)).body;
    expect(whole.items).toHaveLength(3);
    expect((await list(`&after=${whole.nextAfter}`, 3)).body).toMatchObject({ items: [expect.anything(), expect.anything()], nextAfter: null });
    expect((await list(`&after=${whole.nextAfter}`, 2)).body.nextAfter).toBeNull();

    const both = await system.http.get(`/projects?after=${first.nextAfter}&offset=2`).set(auth(manager)).expect(400);
    expect(both.body).toMatchObject({ code: 'REQUEST.INVALID', errors: [{ field: 'offset' }] });
  });
});

describe('validation', () => {
  it('answers 400 problem+json naming every field at fault', async () => {
    const response = await system.http
      .post('/projects')
      .set(auth(manager))
      .send({ ...bansuoProposal(), country: 'Laos', plannedStart: '2019-02-30', extra: true })
      .expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const fields = (response.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['country', 'extra', 'plannedStart']);
  });

  /** Proposes `body`, expects 400 problem+json REQUEST.INVALID, and that nothing was stored (no event, no code reserved). */
  async function refusedProposal(body: ReturnType<typeof bansuoProposal>): Promise<{ errors: unknown }> {
    const eventsBefore = (await db.query('SELECT count(*)::int AS n FROM events')).rows[0].n;
    const response = await system.http.post('/projects').set(auth(manager)).send(body).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, code: 'REQUEST.INVALID' });
    expect((await db.query('SELECT count(*)::int AS n FROM events')).rows[0].n).toBe(eventsBefore);
    expect((await db.query('SELECT count(*)::int AS n FROM project_codes WHERE code = $1', [body.code])).rows[0].n).toBe(0);
    return response.body;
  }

  // Each was accepted with 201 and then refused by the IATI export (409), and no command amends a
  // project's identity: refused at propose, against the export's own codelists, the project never exists.
  it.each([
    ['a country outside ISO 3166-1', { country: 'AB' }, 'country'],
    ['a sector outside the DAC purpose codes', { sector: '99999' }, 'sector'],
    ['no participating organisation', { participatingOrganisations: [] }, 'participatingOrganisations'],
    ['an organisation role outside IATI OrganisationRole', { participatingOrganisations: [{ name: 'CIPRC', role: 5 }] }, 'participatingOrganisations.0.role'],
  ])('refuses a proposal with %s (400 naming the field) and stores nothing', async (_what, change, field) => {
    const body = { ...bansuoProposal(), ...change };
    const problem = await refusedProposal(body);
    expect((problem.errors as { field: string }[]).map((e) => e.field)).toEqual([field]);
    // A proposal after it reaches the list, the refused one does not.
    const after = await propose(manager, { ...bansuoProposal(), country: 'KH' });
    const listed = await eventually(async () => {
      const list = await system.http.get('/projects?country=KH&limit=500').set(auth(manager)).expect(200);
      const items = list.body.items as { id: string; code: string }[];
      return items.some((item) => item.id === after) ? items : undefined;
    }, 5_000, 'the later proposal in GET /projects');
    expect(listed.map((item) => item.code)).not.toContain(body.code);
    const all = await system.http.get('/projects?limit=500').set(auth(manager)).expect(200);
    expect((all.body.items as { code: string }[]).map((item) => item.code)).not.toContain(body.code);
  });

  it('accepts XK (Kosovo, user-assigned), which the IATI export also accepts', async () => {
    await propose(manager, { ...bansuoProposal(), country: 'XK' });
  });

  it.each([
    ['title', { title: '   ' }, 'title'],
    ['description', { description: ' \n ' }, 'description'],
    ['organisation name', { participatingOrganisations: [{ name: '\t', role: 1 }] }, 'participatingOrganisations.0.name'],
    ['village', { location: { village: '  ', province: 'Vientiane' } }, 'location.village'],
  ])('refuses a proposal whose %s is blank, as a blank reason is refused, and stores nothing', async (_what, change, field) => {
    const problem = await refusedProposal({ ...bansuoProposal(), ...change });
    expect(problem.errors).toEqual([{ field, message: expect.stringMatching(/must not be empty or only spaces/) }]);
  });

  it('refuses blank names, titles, units and evidence in a project as it refuses a blank reason, storing nothing', async () => {
    const id = await propose();
    const post = (path: string, body: object) => system.http.post(`/projects/${id}${path}`).set(auth(manager)).send(body);
    await post('/approve', {}).expect(200);
    await post('/start', {}).expect(200);
    const milestoneId = (await post('/milestones', { title: 'Bridge completed', dueDate: '2018-06-30' }).expect(201)).body.milestoneId;
    const before = await eventCount(id);
    const indicator = { title: 'Cattle distributed', unit: 'head', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 120 } };
    const refusals: [string, object, string][] = [
      ['/components', { name: '   ', kind: 'industry' }, 'name'],
      ['/milestones', { title: '\u00a0', dueDate: '2018-06-30' }, 'title'],
      ['/indicators', { ...indicator, title: ' ' }, 'title'],
      ['/indicators', { ...indicator, unit: '  ' }, 'unit'],
      [`/milestones/${milestoneId}/reach`, { evidence: '   ' }, 'evidence'],
    ];
    for (const [path, body, field] of refusals) {
      const response = await post(path, body);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((response.body.errors as { field: string }[]).map((e) => e.field)).toEqual([field]);
    }
    const waived = await post(`/milestones/${milestoneId}/waive`, { reason: '   ' }).expect(400);
    expect(waived.body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
    expect(await eventCount(id)).toBe(before);
  });

  it('refuses a blank API key name and creates no key', async () => {
    const keysBefore = (await db.query('SELECT count(*)::int AS n FROM api_keys')).rows[0].n;
    const response = await system.http.post('/api-keys').set(auth(admin)).send({ name: '   ', role: 'auditor' }).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(['name']);
    expect((await db.query('SELECT count(*)::int AS n FROM api_keys')).rows[0].n).toBe(keysBefore);
  });

  it('answers 400 for a non-UUID id in the path and for malformed JSON', async () => {
    await system.http.post('/projects/not-a-uuid/approve').set(auth(manager)).send({}).expect(400);
    const malformed = await system.http
      .post('/projects')
      .set(auth(manager))
      .set('Content-Type', 'application/json')
      .send('{"code": ')
      .expect(400);
    expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('refuses a query parameter on a command, which takes none, before it runs (400), storing nothing', async () => {
    const id = await propose();
    const refused = await system.http.post(`/projects/${id}/cancel?dryRun=true`).set(auth(manager)).send({ reason: 'Testing' }).expect(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'REQUEST.INVALID', errors: [{ field: 'dryRun', message: 'dryRun should not exist' }] });
    await system.http.post(`/projects?code=X`).set(auth(manager)).send(bansuoProposal()).expect(400);
    expect(await eventCount(id)).toBe(1);
    // Who may not run the command hears that first.
    await system.http.post(`/projects/${id}/cancel?dryRun=true`).set(auth(auditor)).send({ reason: 'Testing' }).expect(403);
  });

  it('takes UUIDs written in capitals as the same ids, and the hash chain still verifies', async () => {
    const { id } = await startedProject(system, manager);
    const upper = new ProjectClient(system, manager, id.toUpperCase());
    const { componentId } = await upper.post('/components', { name: 'Weaving group', kind: 'industry' });
    const { milestoneId } = await upper.post('/milestones', { title: 'Looms delivered', dueDate: '2018-06-30', componentId: componentId.toUpperCase() });
    await upper.post(`/milestones/${milestoneId.toUpperCase()}/reach`, { date: '2018-05-20', evidence: 'Delivery note' });
    const indicatorId = await upper.defineIndicator('Looms in use', 0, 40, 'loom');
    const measurementId = await upper.measure(indicatorId.toUpperCase(), 12);
    await upper.post(`/indicators/${indicatorId.toUpperCase()}/measurements/${measurementId.toUpperCase()}/correct`, { value: 14, reason: 'Two looms were counted late' });

    const planned = await db.query<{ text: string }>('SELECT data::text AS text FROM events WHERE stream_id = $1 AND type = $2', [id, 'MilestonePlanned']);
    expect(planned.rows[0]!.text).toContain(`"componentId":"${componentId}"`);
    const audit = await system.http.get(`/projects/${id.toUpperCase()}/audit`).set(auth(auditor)).expect(200);
    expect(audit.body).toMatchObject({ valid: true, events: 9 });
    await system.http.get(`/projects/${id}/audit`).set(auth(auditor)).expect(200, audit.body);

    const team = await createKey(system, 'team', [id.toUpperCase()]);
    await new ProjectClient(system, team, id).planMilestone('Weavers trained', '2018-09-30');
    const keys = await system.http.get('/api-keys').set(auth(admin)).expect(200);
    expect(keys.body.items.some((key: { projectIds: string[] }) => key.projectIds.includes(id))).toBe(true);
  });

  it('refuses a disaggregation whose parts exceed the total', async () => {
    const id = await propose();
    const post = (path: string, body: object = {}) => system.http.post(`/projects/${id}${path}`).set(auth(manager)).send(body);
    await post('/approve').expect(200);
    await post('/start').expect(200);
    const indicator = (
      await post('/indicators', { title: 'Participants', unit: 'people', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 20 } })
    ).body;
    const refused = await post(`/indicators/${indicator.indicatorId}/measurements`, { value: 20, disaggregation: { female: 15, male: 10 } }).expect(
      400,
    );
    expect(refused.body.code).toBe('MEASUREMENT.INVALID_DISAGGREGATION');
    await post(`/indicators/${indicator.indicatorId}/measurements`, { value: 20, disaggregation: { female: 7 } }).expect(201);

    const negative = await post(`/indicators/${indicator.indicatorId}/measurements`, { value: -5, disaggregation: { female: 0, male: 0 } }).expect(400);
    expect(negative.body).toMatchObject({
      code: 'MEASUREMENT.INVALID_DISAGGREGATION',
      detail: 'A negative value (-5) cannot be disaggregated by sex: the parts count people and are zero or more. Record it without a disaggregation.',
    });
    await post(`/indicators/${indicator.indicatorId}/measurements`, { value: -5 }).expect(201);

    const text = await post(`/indicators/${indicator.indicatorId}/measurements`, { value: '10', disaggregation: { female: 'seven' } }).expect(400);
    expect(text.body.errors).toEqual([
      { field: 'value', message: 'value must be a number conforming to the specified constraints' },
      { field: 'disaggregation.female', message: 'female must be a number conforming to the specified constraints' },
    ]);
    const fraction = await post(`/indicators/${indicator.indicatorId}/measurements`, { value: 20, disaggregation: { female: 7.5 } }).expect(400);
    expect(fraction.body).toMatchObject({ code: 'MEASUREMENT.INVALID_DISAGGREGATION', errors: [{ field: 'disaggregation.female' }] });
  });

  it('takes a sex breakdown per group on an indicator defined so (an average), summing and inferring nothing', async () => {
    const id = await propose();
    const post = (path: string, body: object = {}) => system.http.post(`/projects/${id}${path}`).set(auth(manager)).send(body);
    await post('/approve').expect(200);
    await post('/start').expect(200);
    const income = { title: 'Income per weaver', unit: 'USD a year', measure: 1, resultLevel: 2, baseline: { value: 300 }, target: { value: 900 } };
    await post('/indicators', { ...income, sexBreakdown: 'per-weaver' }).expect(400);
    const perGroup = (await post('/indicators', { ...income, sexBreakdown: 'per-group' }).expect(201)).body.indicatorId;
    const addsUp = (await post('/indicators', { ...income, title: 'Weavers trained', unit: 'people' }).expect(201)).body.indicatorId;
    // Left out on a percentage, there is no breakdown at all: not adds-up, a kind a percentage cannot be given.
    const share = (await post('/indicators', { ...income, title: 'Weavers who are women', unit: '%', measure: 2, baseline: { value: 50 }, target: { value: 60 } }).expect(201)).body.indicatorId;
    await post(`/indicators/${perGroup}/measurements`, { value: 800, date: '2025-06-30', disaggregation: { female: 850, male: 700 } }).expect(201);
    await post(`/indicators/${perGroup}/measurements`, { value: 900, date: '2025-12-31', disaggregation: { female: 900 } }).expect(201);
    // The default still adds up: parts exceeding the total are refused there.
    await post(`/indicators/${addsUp}/measurements`, { value: 800, disaggregation: { female: 850, male: 700 } }).expect(400);

    await eventually(async () => (await readModelVersion(id)) === (await eventCount(id)), 5_000, 'read model caught up');
    const view = (await system.http.get(`/projects/${id}`).set(auth(auditor)).expect(200)).body;
    const byId = Object.fromEntries(view.indicators.map((indicator: { id: string }) => [indicator.id, indicator]));
    expect(byId[addsUp]).toMatchObject({ sexBreakdown: 'adds-up' });
    expect(byId[share]).toMatchObject({ sexBreakdown: null });
    expect(byId[perGroup]).toMatchObject({ sexBreakdown: 'per-group', latestActual: { value: 900, date: '2025-12-31', disaggregation: { female: 900 } } });
    expect(byId[perGroup].measurements.map((measurement: { disaggregation: unknown }) => measurement.disaggregation)).toEqual([{ female: 850, male: 700 }, { female: 900 }]);

    const iati = await system.http.get(`/projects/${id}/iati`).set(auth(auditor)).expect(200);
    expect(validateIati(iati.text).status).toBe(0);
    expect(iati.text).toMatch(/<actual value="850">\s*<dimension name="sex" value="female"\/>/);
    expect(iati.text).not.toMatch(/<actual value="0">\s*<dimension name="sex"/);
  });
});

describe('actual dates', () => {
  /** A project's commands, and a check that a command is refused as 400 problem+json on `field` and stores nothing. */
  async function project(...steps: [string, object][]) {
    const id = await propose();
    const post = (path: string, body: object = {}) => system.http.post(`/projects/${id}${path}`).set(auth(manager)).send(body);
    for (const [path, body] of steps) await post(path, body).expect((response) => expect(response.status).toBeLessThan(300));
    const refused = async (path: string, body: object, code: string, field = 'date') => {
      const before = await eventCount(id);
      const response = await post(path, body).expect(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 400, code, errors: [expect.objectContaining({ field })] });
      expect(response.body.detail).toEqual(expect.any(String));
      expect(await eventCount(id)).toBe(before);
      return response.body as { detail: string };
    };
    return { id, post, refused };
  }
  const started: [string, object][] = [
    ['/approve', { date: '2025-02-01' }],
    ['/start', { date: '2025-03-01' }],
  ];

  it('refuses a lifecycle step dated before the step before it (400), storing nothing', async () => {
    const approved = await project(['/approve', { date: '2025-05-01' }]);
    const start = await approved.refused('/start', { date: '2025-03-01' }, 'PROJECT.INVALID_DATES');
    expect(start.detail).toContain('it was approved on 2025-05-01');

    const suspended = await project(...started, ['/suspend', { date: '2025-08-01', reason: 'Floods' }]);
    await suspended.refused('/resume', { date: '2025-07-01' }, 'PROJECT.INVALID_DATES');
    await suspended.refused('/cancel', { date: '2025-07-31', reason: 'Funding ended' }, 'PROJECT.INVALID_DATES');
    await suspended.post('/resume', { date: '2025-09-01' }).expect(200);
    await suspended.refused('/suspend', { date: '2025-08-15', reason: 'Floods again' }, 'PROJECT.INVALID_DATES');
    await suspended.refused('/finalise', { date: '2025-08-31' }, 'PROJECT.INVALID_DATES');
    await suspended.post('/finalise', { date: '2025-10-01' }).expect(200);
    await suspended.refused('/close', { date: '2025-09-30' }, 'PROJECT.INVALID_DATES');
    await suspended.post('/close', { date: '2025-10-01' }).expect(200);
  });

  it("refuses an indicator's target dated before its baseline (400 on target.date), at definition and at revision", async () => {
    const { post, refused } = await project();
    const indicator = { title: 'Cattle', unit: 'head', measure: 1, resultLevel: 1 };
    await refused('/indicators', { ...indicator, baseline: { value: 0, date: '2020-01-01' }, target: { value: 120, date: '2019-01-01' } }, 'PROJECT.INVALID_DATES', 'target.date');
    const defined = (await post('/indicators', { ...indicator, baseline: { value: 0, date: '2020-01-01' }, target: { value: 120, date: '2020-01-01' } }).expect(201)).body;
    await refused(`/indicators/${defined.indicatorId}/target`, { target: { value: 150, date: '2019-12-31' }, reason: 'More funding' }, 'PROJECT.INVALID_DATES', 'target.date');
    await post(`/indicators/${defined.indicatorId}/target`, { target: { value: 150, date: '2021-12-31' }, reason: 'More funding' }).expect(200);
  });

  it('refuses a period start without the date the period ends (400 on date), in a recording and a correction', async () => {
    const { post, refused } = await project(...started);
    const indicator = (
      await post('/indicators', { title: 'Cattle', unit: 'head', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 120 } }).expect(201)
    ).body.indicatorId;
    const withoutEnd = await refused(`/indicators/${indicator}/measurements`, { value: 5, periodStart: '2019-02-01' }, 'REQUEST.INVALID');
    expect(withoutEnd).toMatchObject({ errors: [{ field: 'date', message: 'date must be given with periodStart: it is the last day of the period' }] });
    const measured = (await post(`/indicators/${indicator}/measurements`, { value: 5, periodStart: '2019-02-01', date: '2019-02-28' }).expect(201)).body;
    await refused(`/indicators/${indicator}/measurements/${measured.measurementId}/correct`, { value: 6, periodStart: '2019-02-02', reason: 'Miscounted' }, 'REQUEST.INVALID');
    // Null is "not given", as in every body: the recording is for today, the correction for the corrected period.
    await post(`/indicators/${indicator}/measurements`, { value: 7, date: null, periodStart: null }).expect(201);
    await post(`/indicators/${indicator}/measurements/${measured.measurementId}/correct`, { value: 6, date: null, reason: 'Miscounted' }).expect(201);
  });

  it('refuses an actual date after today in UTC+14 (400), storing nothing, and takes one up to it', async () => {
    const { id, post, refused } = await project(...started);
    for (const date of [latestActualDate(1), '2150-01-01']) await refused('/suspend', { date, reason: 'Floods' }, 'PROJECT.DATE_IN_FUTURE');

    const milestone = (await post('/milestones', { title: 'Bridge completed', dueDate: '2150-01-01' }).expect(201)).body.milestoneId;
    await refused(`/milestones/${milestone}/reach`, { date: '2100-01-01', evidence: 'Report' }, 'PROJECT.DATE_IN_FUTURE');

    const indicator = (
      await post('/indicators', { title: 'Cattle', unit: 'head', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 120, date: '2150-01-01' } }).expect(201)
    ).body.indicatorId;
    await refused(`/indicators/${indicator}/measurements`, { value: 500, date: '2150-01-01' }, 'PROJECT.DATE_IN_FUTURE');
    await refused(`/indicators/${indicator}/measurements`, { value: 500, date: latestActualDate(1), periodStart: '2025-06-01' }, 'PROJECT.DATE_IN_FUTURE');
    // A measurement before the project's start (a baseline survey) is an actual date all the same.
    const measured = (await post(`/indicators/${indicator}/measurements`, { value: 10, date: '2024-12-01' }).expect(201)).body.measurementId;
    await refused(`/indicators/${indicator}/measurements/${measured}/correct`, { value: 12, date: '2150-01-01', reason: 'Miscounted' }, 'PROJECT.DATE_IN_FUTURE');

    const latest = latestActualDate();
    await post(`/indicators/${indicator}/measurements`, { value: 60, date: latest }).expect(201);
    await post(`/milestones/${milestone}/reach`, { date: latest, evidence: 'Report' }).expect(200);
    await post('/suspend', { date: latest, reason: 'Floods' }).expect(200);
    // Then a step without a date is dated today in UTC. From 10:00 UTC, when the day after has begun in
    // UTC+14, that is before the suspension and the refusal says so; earlier it is the suspension's day.
    if (latest > isoDate(0)) {
      const undated = await refused('/resume', {}, 'PROJECT.INVALID_DATES');
      expect(undated.detail).toMatch(new RegExp(`${latest}.* No date was given, so today's in UTC \\(${isoDate(0)}\\) was taken: give the step's date\\.$`));
    } else {
      await post('/resume', {}).expect(200);
    }
    await eventually(async () => (await readModelVersion(id)) === (await eventCount(id)), 5_000, 'read model caught up');
    const view = (await system.http.get(`/projects/${id}`).set(auth(auditor)).expect(200)).body;
    expect(view.indicators[0]).toMatchObject({ latestActual: { value: 60, date: latest } });
  });
});

describe('reading one\'s own write (minVersion)', () => {
  const read = (path: string, minVersion: unknown, key = manager) => system.http.get(path).query({ minVersion }).set(auth(key));

  it('waits for the view to hold the version a write answered, then answers it; 503 with Retry-After when it does not come', async () => {
    const id = await propose();
    await eventually(async () => (await readModelVersion(id)) === 1, 5_000, 'the proposal in the view');
    // With the worker stopped, the view cannot move: a read with minVersion waits for it.
    await system.stopWorker();
    try {
      const approved = (await system.http.post(`/projects/${id}/approve`).set(auth(manager)).send({ date: '2017-08-20' }).expect(200)).body.version as number;
      expect((await system.http.get(`/projects/${id}`).set(auth(manager)).expect(200)).body).toMatchObject({ version: 1, status: 'proposed' });

      const started = Date.now();
      const waiting = read(`/projects/${id}`, approved);
      const waitingTimeline = read(`/projects/${id}/timeline`, approved);
      await new Promise((resolve) => setTimeout(resolve, 600));
      await system.startWorker();
      const [project, timeline] = await Promise.all([waiting, waitingTimeline]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(600);
      expect({ status: project.status, version: project.body.version, projectStatus: project.body.status, etag: project.headers.etag }).toEqual({
        status: 200,
        version: 2,
        projectStatus: 'approved',
        etag: '"2"',
      });
      expect({ status: timeline.status, version: timeline.body.version }).toEqual({ status: 200, version: 2 });
      // Once there, it answers at once; an older version is held already.
      expect((await read(`/projects/${id}`, 1).expect(200)).body.version).toBe(2);
    } finally {
      if (system.workers.length === 0) await system.startWorker();
    }

    await system.stopWorker();
    try {
      const startedVersion = (await system.http.post(`/projects/${id}/start`).set(auth(manager)).send({ date: '2017-09-15' }).expect(200)).body.version as number;
      const started = Date.now();
      const behind = await read(`/projects/${id}`, startedVersion);
      expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
      expect({ status: behind.status, code: behind.body.code, retryAfter: behind.headers['retry-after'] }).toEqual({ status: 503, code: 'READ_MODEL.BEHIND', retryAfter: '1' });
      expect(behind.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(behind.body.detail).toContain('is at version 2 and did not reach version 3');
    } finally {
      await system.startWorker();
    }
    expect((await read(`/projects/${id}`, 3).expect(200)).body).toMatchObject({ version: 3, status: 'implementation' });
  }, 30_000);

  it("hears of the view's update from the worker, which announces each project's views on the deployment's own channel", async () => {
    const listener = new Redis(system.env.config.redisUrl);
    const heard: string[] = [];
    try {
      listener.on('message', (_channel: string, message: string) => heard.push(...message.split(' ')));
      await listener.subscribe(viewUpdatesChannel(system.env.config.queuePrefix));
      const id = await propose();
      const approved = (await system.http.post(`/projects/${id}/approve`).set(auth(manager)).send({ date: '2017-08-20' }).expect(200)).body.version as number;
      expect((await read(`/projects/${id}`, approved).expect(200)).body).toMatchObject({ version: approved, status: 'approved' });
      // Each notice is `<project>:<version its views reached>:`, the version committed to the views.
      await eventually(async () => heard.some((notice) => notice.startsWith(`${id}:${approved}:`)), 5_000, "the views' update announced");
    } finally {
      listener.disconnect();
    }
  });

  it('refuses a version never written (400), an unknown project (404), a bad minVersion (400) and a project out of scope (403), at once', async () => {
    const id = await propose();
    await eventually(async () => (await readModelVersion(id)) === 1, 5_000, 'the proposal in the view');
    const started = Date.now();
    for (const path of [`/projects/${id}`, `/projects/${id}/timeline`]) {
      const beyond = await read(path, 2);
      expect({ status: beyond.status, code: beyond.body.code, errors: beyond.body.errors }).toEqual({
        status: 400,
        code: 'REQUEST.INVALID',
        errors: [{ field: 'minVersion', message: "is beyond the project's version, 1: no such version was written" }],
      });
      for (const bad of [0, -1, 1.5, 'latest', '']) {
        const response = await read(path, bad);
        expect({ bad, status: response.status, fields: response.body.errors?.map((e: { field: string }) => e.field) }).toEqual({ bad, status: 400, fields: ['minVersion'] });
      }
    }
    expect((await read(`/projects/${randomUUID()}`, 1)).body.code).toBe('PROJECT.NOT_FOUND');
    expect((await read(`/projects/${randomUUID()}/timeline`, 1)).status).toBe(404);
    const team = await createKey(system, 'team', [await propose()]);
    expect((await read(`/projects/${id}`, 1, team)).status).toBe(403);
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});

describe("revising a project's planned dates", () => {
  const revise = (id: string, body: object, key = manager) => system.http.post(`/projects/${id}/planned-dates`).set(auth(key)).send(body);

  it('moves the planned end of a started project, and the list, the project, the timeline, the diff, the state and IATI follow', async () => {
    const id = await propose();
    const team = await createKey(system, 'team', [id]);
    await system.http.post(`/projects/${id}/approve`).set(auth(manager)).send({ date: '2017-08-20' }).expect(200);
    await system.http.post(`/projects/${id}/start`).set(auth(team)).send({ date: '2017-09-15' }).expect(200);

    const revised = await revise(id, { plannedEnd: '2021-06-30', reason: 'No-cost extension of six months' }, team).expect(200);
    expect(revised.body).toEqual({ version: 4 });
    expect(revised.headers.etag).toBe('"4"');
    const [event] = (await db.query('SELECT type, data FROM events WHERE stream_id = $1 AND stream_version = 4', [id])).rows;
    expect(event).toEqual({ type: 'PlannedDatesRevised', data: { projectId: id, plannedEnd: '2021-06-30', reason: 'No-cost extension of six months' } });

    await eventually(async () => (await readModelVersion(id)) === 4, 5_000, 'read model at version 4');
    const project = await system.http.get(`/projects/${id}`).set(auth(auditor)).expect(200);
    expect(project.body).toMatchObject({ plannedStart: '2017-09-01', plannedEnd: '2021-06-30' });
    const list = await system.http.get('/projects?limit=500').set(auth(team)).expect(200);
    expect(list.body.items).toEqual([expect.objectContaining({ id, plannedStart: '2017-09-01', plannedEnd: '2021-06-30' })]);
    const timeline = await system.http.get(`/projects/${id}/timeline`).set(auth(manager)).expect(200);
    expect(timeline.body.plannedDateRevisions).toEqual([
      {
        version: 4,
        plannedStart: '2017-09-01',
        plannedEnd: '2021-06-30',
        previousPlannedStart: '2017-09-01',
        previousPlannedEnd: null,
        reason: 'No-cost extension of six months',
        occurredAt: expect.any(String),
      },
    ]);
    const diff = await system.http.get(`/projects/${id}/diff?from=3&to=4`).set(auth(auditor)).expect(200);
    expect(diff.body.changes).toEqual([
      expect.objectContaining({
        type: 'PlannedDatesRevised',
        from: { plannedStart: '2017-09-01', plannedEnd: null },
        to: { plannedStart: '2017-09-01', plannedEnd: '2021-06-30' },
        reason: 'No-cost extension of six months',
      }),
    ]);
    const before = await system.http.get(`/projects/${id}/state?version=3`).set(auth(auditor)).expect(200);
    expect(before.body.state.plannedEnd).toBeUndefined();
    const after = await system.http.get(`/projects/${id}/state?version=4`).set(auth(auditor)).expect(200);
    expect(after.body.state).toMatchObject({ plannedEnd: '2021-06-30', plannedDatesReason: 'No-cost extension of six months' });
    const iati = await system.http.get(`/projects/${id}/iati`).set(auth(auditor)).expect(200);
    expect(validateIati(iati.text).status).toBe(0);
    expect(iati.text).toContain('<activity-date type="3" iso-date="2021-06-30"/>');

    // The start happened: its planned date stands, and nothing is stored.
    const started = await revise(id, { plannedStart: '2017-10-01', reason: 'Later' }).expect(409);
    expect(started.body).toMatchObject({ code: 'PROJECT.ALREADY_STARTED', errors: [expect.objectContaining({ field: 'plannedStart' })] });
    expect(await eventCount(id)).toBe(4);
  });

  it('makes a project proposed without a planned start exportable to IATI once it is given one, under Idempotency-Key and If-Match', async () => {
    const { plannedStart: _none, ...undated } = bansuoProposal();
    const id = await propose(manager, undated);
    const refused = await system.http.get(`/projects/${id}/iati`).set(auth(auditor)).expect(409);
    expect(refused.body).toMatchObject({ code: 'IATI.NOT_EXPORTABLE' });

    const body = { plannedStart: '2018-01-01', plannedEnd: '2020-12-31', reason: 'Dates agreed with the funder' };
    const first = await revise(id, body).set('Idempotency-Key', `plan-${id}`).set('If-Match', '"1"').expect(200);
    expect(first.body).toEqual({ version: 2 });
    const replay = await revise(id, body).set('Idempotency-Key', `plan-${id}`).set('If-Match', '"1"').expect(200);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const stale = await revise(id, { plannedEnd: '2021-12-31', reason: 'Later' }).set('If-Match', '"1"').expect(412);
    expect(stale.body.code).toBe('PROJECT.VERSION_MISMATCH');
    expect(await eventCount(id)).toBe(2);

    const exported = await system.http.get(`/projects/${id}/iati`).set(auth(auditor)).expect(200);
    expect(validateIati(exported.text).status).toBe(0);
    expect(exported.text).toContain('<activity-date type="1" iso-date="2018-01-01"/>');
    expect(exported.text).toContain('<activity-date type="3" iso-date="2020-12-31"/>');
  });

  it('refuses a revision without a date or a reason, with dates out of order or unchanged, or from a key that may not, storing nothing', async () => {
    const id = await propose();
    const other = await propose();
    const team = await createKey(system, 'team', [other]);
    const refusals: [object, number, string, string[], string?][] = [
      [{ plannedEnd: '2021-06-30' }, 400, 'REQUEST.INVALID', ['reason']],
      [{ plannedEnd: '2021-02-30', reason: 'Extension' }, 400, 'REQUEST.INVALID', ['plannedEnd']],
      [{ reason: 'Nothing to say' }, 400, 'PROJECT.PLANNED_DATES_REQUIRED', ['plannedStart', 'plannedEnd']],
      [{ plannedEnd: '2021-06-30', reason: '   ' }, 400, 'PROJECT.REASON_REQUIRED', ['reason']],
      [{ plannedStart: '2017-09-01', reason: 'Same again' }, 400, 'PROJECT.SAME_PLANNED_DATES', ['plannedStart']],
      [{ plannedEnd: '2017-08-31', reason: 'Typo' }, 400, 'PROJECT.INVALID_DATES', ['plannedEnd']],
      [{ plannedEnd: '2021-06-30', reason: 'Extension' }, 403, 'HTTP.FORBIDDEN', [], team],
      [{ plannedEnd: '2021-06-30', reason: 'Extension' }, 403, 'HTTP.FORBIDDEN', [], auditor],
    ];
    for (const [body, status, code, fields, key] of refusals) {
      const response = await revise(id, body, key).expect(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.code).toBe(code);
      if (fields.length > 0) expect((response.body.errors as { field: string }[]).map((e) => e.field)).toEqual(fields);
    }
    expect(await eventCount(id)).toBe(1);

    await system.http.post(`/projects/${other}/approve`).set(auth(manager)).send({ date: '2017-08-20' }).expect(200);
    await system.http.post(`/projects/${other}/start`).set(auth(manager)).send({ date: '2017-09-15' }).expect(200);
    await system.http.post(`/projects/${other}/finalise`).set(auth(manager)).send({ date: '2020-12-31' }).expect(200);
    const ended = await revise(other, { plannedEnd: '2021-06-30', reason: 'Too late' }, team).expect(409);
    expect(ended.body.code).toBe('PROJECT.ALREADY_ENDED');
    await system.http.post(`/projects/${other}/close`).set(auth(manager)).send({ date: '2020-12-31' }).expect(200);
    expect((await revise(other, { plannedEnd: '2021-06-30', reason: 'Too late' }).expect(409)).body.code).toBe('PROJECT.FINAL');
    expect(await eventCount(other)).toBe(5);
  });
});

describe('keys, roles and scope', () => {
  it('answers 401 without a key or with an unknown one', async () => {
    const missing = await system.http.get('/projects').expect(401);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    await system.http.get('/projects').set(auth('ptk_unknown')).expect(401);
  });

  it('lets only admins create keys', async () => {
    await system.http.post('/api-keys').set(auth(manager)).send({ name: 'x', role: 'auditor' }).expect(403);
  });

  it('keeps a team key to its projects and to the commands a team may run', async () => {
    const mine = await propose();
    const other = await propose();
    const team = await createKey(system, 'team', [mine]);
    await system.http.post(`/projects/${mine}/approve`).set(auth(team)).send({}).expect(403);
    await system.http.post(`/projects/${mine}/approve`).set(auth(manager)).send({}).expect(200);
    await system.http.post(`/projects/${mine}/start`).set(auth(team)).send({}).expect(200);
    await system.http.post(`/projects/${other}/components`).set(auth(team)).send({ name: 'Weaving', kind: 'industry' }).expect(403);
    await system.http.post('/projects').set(auth(team)).send(bansuoProposal()).expect(403);
    await system.http.get(`/projects/${other}`).set(auth(team)).expect(403);
    await eventually(async () => (await readModelVersion(mine)) === 3, 5_000, 'read model');
    const list = await system.http.get('/projects').set(auth(team)).expect(200);
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([mine]);
  });

  it('refuses a key without permission with 403 before it looks at the body', async () => {
    const mine = await propose();
    const other = await propose();
    const team = await createKey(system, 'team', [mine]);
    const refused = await system.http.post(`/projects/${mine}/components`).set(auth(auditor)).send({}).expect(403);
    expect(refused.body).toMatchObject({ status: 403, detail: 'An auditor key reads; it records nothing.' });
    expect(refused.body.errors).toBeUndefined();
    await system.http.post('/projects').set(auth(auditor)).send({ code: 7 }).expect(403);
    const outOfScope = await system.http.post(`/projects/${other}/components`).set(auth(team)).send({}).expect(403);
    expect(outOfScope.body.detail).toBe(`This team key is not scoped to project ${other}.`);
    await system.http.post(`/projects/${mine}/approve`).set(auth(team)).send({ date: 'soon' }).expect(403);
    const invalid = await system.http.post(`/projects/${mine}/components`).set(auth(team)).send({}).expect(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['name', 'kind']));
    expect(await eventCount(other)).toBe(1);
  });

  it('lets auditors read but record nothing', async () => {
    const id = await propose();
    await system.http.post(`/projects/${id}/approve`).set(auth(auditor)).send({}).expect(403);
    await system.http.get(`/projects/${id}/events`).set(auth(auditor)).expect(200);
  });
});

describe('concurrency, preconditions and idempotency', () => {
  it('reads a project of one version while the worker writes it: its version, measurements and latest actual agree', async () => {
    const id = await propose();
    await system.http.post(`/projects/${id}/approve`).set(auth(manager)).send({ date: '2024-01-02' }).expect(200);
    await system.http.post(`/projects/${id}/start`).set(auth(manager)).send({ date: '2024-01-03' }).expect(200);
    const indicator = { title: 'Households', unit: 'households', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 100 } };
    const indicatorId = (await system.http.post(`/projects/${id}/indicators`).set(auth(manager)).send(indicator).expect(201)).body.indicatorId;
    // Every version from here on is one measurement more, recorded with a value equal to its count.
    const before = 4;
    await eventually(async () => (await readModelVersion(id)) === before, 5_000, 'the indicator in the read model');
    let writing = true;
    const writes = (async () => {
      for (let n = 1; n <= 60; n++) {
        await system.http.post(`/projects/${id}/indicators/${indicatorId}/measurements`).set(auth(manager)).send({ value: n, date: '2024-06-30' }).expect(201);
      }
      writing = false;
    })();
    const torn: unknown[] = [];
    let reads = 0;
    const reader = async () => {
      while (writing) {
        const view = (await system.http.get(`/projects/${id}`).set(auth(manager)).expect(200)).body;
        const measured = view.indicators[0]?.measurements.length ?? 0;
        const latest = view.indicators[0]?.latestActual?.value ?? 0;
        reads += 1;
        if (view.version - before !== measured || latest !== measured) torn.push({ version: view.version, measured, latest });
      }
    };
    await Promise.all([writes, reader(), reader()]);
    expect(reads).toBeGreaterThan(20);
    expect(torn).toEqual([]);
  });

  it('lands ten concurrent commands on one project with ten distinct contiguous versions', async () => {
    const id = await propose();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        system.http.post(`/projects/${id}/components`).set(auth(manager)).send({ name: `Component ${i}`, kind: 'infrastructure' }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(answers.map((a) => a.body.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const events = await system.http.get(`/projects/${id}/events`).set(auth(auditor)).expect(200);
    expect(events.body.items.map((e: { version: number }) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('answers 412 for a stale If-Match and stores nothing', async () => {
    const id = await propose();
    await system.http.post(`/projects/${id}/approve`).set(auth(manager)).set('If-Match', '"1"').send({}).expect(200);
    const stale = await system.http.post(`/projects/${id}/start`).set(auth(manager)).set('If-Match', '"1"').send({}).expect(412);
    expect(stale.body.code).toBe('PROJECT.VERSION_MISMATCH');
    expect(await eventCount(id)).toBe(2);
    await system.http.post(`/projects/${id}/start`).set(auth(manager)).set('If-Match', 'not-a-version').send({}).expect(400);
    // A project that is not there is not found, whatever version the caller names.
    const unknown = await system.http.post(`/projects/${randomUUID()}/start`).set(auth(manager)).set('If-Match', '"1"').send({}).expect(404);
    expect(unknown.body.code).toBe('PROJECT.NOT_FOUND');
  });

  it('compares If-Match strongly: a weak tag never matches, * matches any version, an unquoted version is not a tag', async () => {
    const id = await propose();
    const weak = await system.http.post(`/projects/${id}/approve`).set(auth(manager)).set('If-Match', 'W/"1"').send({}).expect(412);
    expect(weak.body).toMatchObject({ code: 'PROJECT.VERSION_MISMATCH', detail: expect.stringMatching(/weak tag \(W\/"1"\) never matches.*like "1"/) });
    const unquoted = await system.http.post(`/projects/${id}/approve`).set(auth(manager)).set('If-Match', '1').send({}).expect(400);
    expect(unquoted.body.errors).toEqual([expect.objectContaining({ field: 'header:If-Match' })]);
    expect(await eventCount(id)).toBe(1);
    await system.http.post(`/projects/${id}/approve`).set(auth(manager)).set('If-Match', '*').send({}).expect(200);
    expect(await eventCount(id)).toBe(2);
  });

  it('takes a list of tags in If-Match, any of which may match, and answers 412 for tags no version has', async () => {
    const id = await propose();
    const command = (path: string, ifMatch: string) => system.http.post(`/projects/${id}${path}`).set(auth(manager)).set('If-Match', ifMatch).send({});
    // Well-formed tags of no version: a number past any version, a word, and a list of only such tags.
    for (const tag of ['"9999999999"', '"abc"', '"02", W/"1"']) {
      expect((await command('/approve', tag).expect(412)).body).toMatchObject({ code: 'PROJECT.VERSION_MISMATCH', detail: expect.stringContaining(tag.includes(',') ? 'None of the tags' : 'the tag of no version') });
    }
    // A list that names versions the project is not at.
    expect((await command('/approve', '"5", "6"').expect(412)).body.detail).toBe('The project is at version 1, not any of the versions 5, 6 given in If-Match.');
    expect(await eventCount(id)).toBe(1);
    // One of them is its version: it runs (RFC 9110 §13.1.1).
    await command('/approve', '"7", "1"').expect(200);
    await command('/start', ' W/"2" , "2" ,').expect(200);
    expect(await eventCount(id)).toBe(3);
    // Not a list of tags: 400.
    for (const header of ['"1" "2"', '"1", 2']) expect((await command('/suspend', header).expect(400)).body.errors).toEqual([expect.objectContaining({ field: 'header:If-Match' })]);
  });

  it('answers a conditional GET in full, never 304: the same version can be overdue tomorrow', async () => {
    const id = await propose();
    await eventually(async () => (await readModelVersion(id)) === 1, 5_000, 'read model');
    for (const path of [`/projects/${id}`, `/projects/${id}/timeline`]) {
      const first = await system.http.get(path).set(auth(manager)).expect(200);
      expect(first.headers.etag).toBe('"1"');
      const again = await system.http.get(path).set(auth(manager)).set('If-None-Match', '"1"').expect(200);
      expect(again.body).toEqual(first.body);
    }
  });

  it('compares If-Match character by character: "02" is not the ETag "2", whatever number it spells', async () => {
    const id = await propose();
    await system.http.post(`/projects/${id}/approve`).set(auth(manager)).send({}).expect(200);
    for (const tag of ['"02"', '"0002"']) {
      const padded = await system.http.post(`/projects/${id}/start`).set(auth(manager)).set('If-Match', tag).send({}).expect(412);
      expect(padded.body).toMatchObject({ code: 'PROJECT.VERSION_MISMATCH', detail: expect.stringContaining('"2"') });
    }
    expect(await eventCount(id)).toBe(2);
    await system.http.post(`/projects/${id}/start`).set(auth(manager)).set('If-Match', '"2"').send({}).expect(200);
  });

  it('answers a replayed Idempotency-Key with the first answer and stores nothing new', async () => {
    const key = `propose-${Math.random()}`;
    const body = bansuoProposal();
    const first = await system.http.post('/projects').set(auth(manager)).set('Idempotency-Key', key).send(body).expect(201);
    const again = await system.http.post('/projects').set(auth(manager)).set('Idempotency-Key', key).send(body).expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers.location).toBe(`/projects/${first.body.id}`);
    expect(again.headers.location).toBe(first.headers.location);
    const streams = await db.query("SELECT count(*)::int AS n FROM events WHERE data->>'code' = $1", [body.code]);
    expect(streams.rows[0].n).toBe(1);

    const other = await system.http
      .post('/projects')
      .set(auth(manager))
      .set('Idempotency-Key', key)
      .send({ ...body, title: 'Another request' })
      .expect(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY.REUSED');
  });

  it('takes a retry sent to the same route spelt another way (case, trailing slash) for the same request', async () => {
    const id = await propose();
    const key = `component-spelling-${Math.random()}`;
    const body = { name: 'Road', kind: 'infrastructure' };
    const first = await system.http.post(`/projects/${id}/components`).set(auth(manager)).set('Idempotency-Key', key).send(body).expect(201);
    for (const path of [`/projects/${id}/components/`, `/PROJECTS/${id.toUpperCase()}/Components`]) {
      const again = await system.http.post(path).set(auth(manager)).set('Idempotency-Key', key).send(body).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
    }
    expect(await eventCount(id)).toBe(2);
  });

  it('keeps an Idempotency-Key to the API key that sent it: another client may pick the same one', async () => {
    const id = await propose();
    const team = await createKey(system, 'team', [id]);
    const key = `delivery-${Math.random()}`;
    const body = { name: 'Cattle shed', kind: 'industry' };
    const byTeam = await system.http.post(`/projects/${id}/components`).set(auth(team)).set('Idempotency-Key', key).send(body).expect(201);
    const byManager = await system.http.post(`/projects/${id}/components`).set(auth(manager)).set('Idempotency-Key', key).send(body).expect(201);
    expect(byManager.headers['idempotent-replayed']).toBeUndefined();
    expect(byManager.body.componentId).not.toBe(byTeam.body.componentId);
    expect(byManager.body.version).toBe(byTeam.body.version + 1);
    // Each key's replay answers its own first answer.
    const replayed = await system.http.post(`/projects/${id}/components`).set(auth(team)).set('Idempotency-Key', key).send(body).expect(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(byTeam.body);
  });

  it('answers every 201 with the Location of the project that holds what it created, replays too', async () => {
    const proposed = await system.http.post('/projects').set(auth(manager)).send(bansuoProposal()).expect(201);
    const id = proposed.body.id as string;
    expect(proposed.headers.location).toBe(`/projects/${id}`);
    const post = (path: string, body: object, key?: string) => {
      const request = system.http.post(`/projects/${id}${path}`).set(auth(manager));
      return (key ? request.set('Idempotency-Key', key) : request).send(body);
    };
    await post('/approve', {}).expect(200);
    const started = await post('/start', {}).expect(200);
    expect(started.headers.location).toBeUndefined();
    const indicator = await post('/indicators', { title: 'Cattle', unit: 'head', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 120 } }).expect(201);
    const created = [
      await post('/components', { name: 'Road', kind: 'infrastructure' }, 'location-component').expect(201),
      await post('/components', { name: 'Road', kind: 'infrastructure' }, 'location-component').expect(201),
      await post('/milestones', { title: 'Road built', dueDate: '2030-01-31' }).expect(201),
      indicator,
      await post(`/indicators/${indicator.body.indicatorId}/measurements`, { value: 10 }).expect(201),
    ];
    expect(created.map((answer) => answer.headers.location)).toEqual(Array(created.length).fill(`/projects/${id}`));
    expect(created[1]!.headers['idempotent-replayed']).toBe('true');
    // The very bytes of the first answer, not the same JSON in another key order.
    expect(created[1]!.text).toBe(created[0]!.text);
    await system.http.get(created[0]!.headers.location!).set(auth(manager)).expect(200);
  });

  it('answers concurrent requests with one Idempotency-Key once', async () => {
    const id = await propose();
    const key = `component-${Math.random()}`;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        system.http.post(`/projects/${id}/components`).set(auth(manager)).set('Idempotency-Key', key).send({ name: 'Road', kind: 'infrastructure' }),
      ),
    );
    expect(new Set(answers.map((a) => a.body.componentId)).size).toBe(1);
    expect(await eventCount(id)).toBe(2);
  });

  it('answers concurrent retries with the first answer even where running again would be refused', async () => {
    // A retry that waited its turn behind the first request would be refused by what that request did:
    // the code is taken, the project approved, the version moved on. It gets the first answer instead.
    const proposal = bansuoProposal();
    const proposeKey = `propose-${Math.random()}`;
    const proposed = await Promise.all(
      Array.from({ length: 5 }, () => system.http.post('/projects').set(auth(manager)).set('Idempotency-Key', proposeKey).send(proposal)),
    );
    expect(proposed.map((a) => a.status)).toEqual(Array(5).fill(201));
    const id = proposed[0]!.body.id as string;
    expect(proposed.map((a) => a.body)).toEqual(Array(5).fill({ id, version: 1 }));

    const approveKey = `approve-${Math.random()}`;
    const approved = await Promise.all(
      Array.from({ length: 8 }, () => system.http.post(`/projects/${id}/approve`).set(auth(manager)).set('Idempotency-Key', approveKey).send({})),
    );
    expect(approved.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(approved.map((a) => a.body)).toEqual(Array(8).fill({ version: 2 }));

    const componentKey = `component-if-match-${Math.random()}`;
    const added = await Promise.all(
      Array.from({ length: 8 }, () =>
        system.http
          .post(`/projects/${id}/components`)
          .set(auth(manager))
          .set('Idempotency-Key', componentKey)
          .set('If-Match', '"2"')
          .send({ name: 'Road', kind: 'infrastructure' }),
      ),
    );
    expect(added.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(new Set(added.map((a) => a.body.componentId)).size).toBe(1);
    expect(await eventCount(id)).toBe(3);
    // A different request under a key already used is still refused as such, not answered as the first.
    const other = await system.http.post(`/projects/${id}/approve`).set(auth(manager)).set('Idempotency-Key', componentKey).send({});
    expect(other.status).toBe(422);
  });
});

describe('history and metadata', () => {
  it('records the actor, correlation id and idempotency key of every event, paged by version', async () => {
    const id = await propose();
    await system.http
      .post(`/projects/${id}/approve`)
      .set(auth(manager))
      .set('X-Correlation-Id', 'corr-123')
      .set('Idempotency-Key', 'approve-1')
      .send({ reason: 'Board decision' })
      .expect(200);
    const page = await system.http.get(`/projects/${id}/events?fromVersion=2&limit=1`).set(auth(auditor)).expect(200);
    expect(page.body.items).toHaveLength(1);
    const [event] = page.body.items;
    expect(event).toMatchObject({ version: 2, type: 'ProjectApproved', data: { reason: 'Board decision' } });
    expect(event.metadata).toMatchObject({
      actor: { role: 'manager' },
      correlationId: 'corr-123',
      idempotencyKey: 'approve-1',
      commandType: 'ApproveProject',
    });
    expect(event.metadata.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('operations', () => {
  it('reports liveness, readiness, metrics and the OpenAPI document', async () => {
    await system.http.get('/health').expect(200, { status: 'ok' });
    const ready = await system.http.get('/health/ready').expect(200);
    expect(ready.body.checks).toEqual({ postgres: { status: 'up' }, redis: { status: 'up' }, projections: { status: 'up', deadLetters: 0 } });
    const metrics = await system.http.get('/metrics').expect(200);
    expect(metrics.text).toContain('project_tracker_http_request_duration_seconds');
    const docs = await system.http.get('/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/projects', '/projects/{projectId}', '/projects/{projectId}/events', '/api-keys', '/health/ready']),
    );
    // Endpoints that refuse every query parameter document none.
    const queryOf = (path: string) => (docs.body.paths[path].get.parameters ?? []).filter((p: { in: string }) => p.in === 'query');
    expect(queryOf('/projects/{projectId}').map((p: { name: string; schema: object }) => [p.name, p.schema])).toEqual([
      ['minVersion', expect.objectContaining({ type: 'integer', minimum: 1 })],
    ]);
    expect(queryOf('/portfolio')).toEqual([]);
    expect(queryOf('/projects').map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['country', 'status']));
  });

  it('documents the problem+json answers of every write, and the bearer key as an opaque API key', async () => {
    const docs = (await system.http.get('/docs-json').expect(200)).body;
    expect(docs.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'API key (ptk_...)' });
    expect(docs.components.schemas.Problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']));
    const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
    const projectCommands = Object.entries(docs.paths as Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>)
      .filter(([path, operations]) => path.startsWith('/projects') && operations.post)
      .map(([path, operations]) => [path, operations.post!.responses] as const);
    expect(projectCommands).toHaveLength(18);
    for (const [path, responses] of projectCommands) {
      const expected = path === '/projects' ? ['400', '401', '403', '409', '412', '413', '415', '422', '429', '503'] : ['400', '401', '403', '404', '409', '412', '413', '415', '422', '429', '503'];
      expect({ path, statuses: Object.keys(responses).filter((status) => status >= '400').sort() }).toEqual({ path, statuses: expected });
      for (const status of expected) expect((responses[status] as { content?: unknown }).content).toEqual(problem);
    }
    const created = docs.paths['/projects/{projectId}/components'].post.responses['201'];
    expect(created.headers.Location).toBeDefined();
    expect(Object.keys(docs.paths['/api-keys'].post.responses).sort()).toEqual(['201', '400', '401', '403', '409', '413', '415', '422', '429', '503']);
    expect(docs.paths['/subscriptions'].post.responses['201'].headers.Location).toBeDefined();
  });

  it('documents, for every POST, that it honours Idempotency-Key or is idempotent by nature', async () => {
    const docs = (await system.http.get('/docs-json').expect(200)).body;
    type Operation = { parameters?: { in: string; name: string; description?: string }[]; description?: string };
    const posts = Object.entries(docs.paths as Record<string, { post?: Operation }>).filter(([, operations]) => operations.post);
    const idempotencyKeyOf = (operation: Operation) => operation.parameters?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
    const honours = posts.filter(([, operations]) => idempotencyKeyOf(operations.post!)).map(([path]) => path);
    const byNature = posts.filter(([, operations]) => /idempotent by nature/i.test(operations.post!.description ?? '')).map(([path]) => path);
    const showingSecrets = ['/subscriptions', '/subscriptions/{subscriptionId}/rotate-secret', '/api-keys', '/api-keys/{keyId}/rotate'];
    expect(honours).toEqual(expect.arrayContaining(['/projects', ...showingSecrets]));
    expect(honours).toHaveLength(posts.length - byNature.length);
    expect(byNature.filter((path) => honours.includes(path))).toEqual([]);
    expect(byNature.sort()).toEqual([
      '/admin/dead-letters/{jobId}/replay',
      '/admin/projections/rebuild',
      '/admin/projections/verify',
      '/notifications/read-all',
      '/notifications/{notificationId}/read',
      '/subscriptions/{subscriptionId}/enable',
    ]);
    for (const path of showingSecrets) {
      expect(idempotencyKeyOf(docs.paths[path].post)!.description).toContain('IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE');
    }
  });

  it('brings an idle read model to the last version within a second', async () => {
    const id = await propose();
    const started = Date.now();
    await eventually(async () => (await readModelVersion(id)) === 1, 1_000, 'read model within a second');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
