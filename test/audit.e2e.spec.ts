import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PostgresEventStore } from '@app/event-store';
import { SEED_PROJECTS } from '../seeds/index.js';
import { bansuo } from '../seeds/projects/bansuo.seed.js';
import { seedProjects } from '../seeds/seed-runner.js';
import { auth, createKey, isoDate } from './support/api-helpers.js';
import { bansuoProposal } from './support/bansuo.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { eventually } from './support/test-environment.js';
import { validateIati } from './support/xmllint.js';

let system: RunningSystem;
let db: pg.Pool;
let admin: string;
let manager: string;
let auditor: string;
/** Where the export specs write the files the offline verifier reads; removed at the end. */
const exportDir = mkdtempSync(join(tmpdir(), 'pt-export-'));

async function propose(body: object = bansuoProposal()): Promise<string> {
  return (await system.http.post('/projects').set(auth(manager)).send(body).expect(201)).body.id as string;
}

const post = (id: string, path: string, body: object = {}) => system.http.post(`/projects/${id}${path}`).set(auth(manager)).send(body);

/** A project with a lifecycle, a component, a milestone reached and a measurement corrected: 10 events. */
async function richProject(): Promise<{ id: string; indicatorId: string; measurementId: string; correctionId: string }> {
  const id = await propose();
  await post(id, '/approve', { date: '2017-08-20' }).expect(200);
  await post(id, '/start', { date: '2017-09-15' }).expect(200);
  const { componentId } = (await post(id, '/components', { name: 'Weaving group', kind: 'industry' }).expect(201)).body;
  const { milestoneId } = (await post(id, '/milestones', { title: 'Looms delivered', dueDate: '2018-03-31', componentId }).expect(201)).body;
  await post(id, `/milestones/${milestoneId}/reach`, { date: '2018-03-20', evidence: 'Delivery note' }).expect(200);
  const { indicatorId } = (
    await post(id, '/indicators', {
      title: 'People trained',
      unit: 'people',
      measure: 1,
      resultLevel: 1,
      baseline: { value: 0, date: '2017-09-15' },
      target: { value: 40, date: '2019-12-31' },
      componentId,
    }).expect(201)
  ).body;
  const { measurementId } = (
    await post(id, `/indicators/${indicatorId}/measurements`, { value: 20, date: '2018-06-30', disaggregation: { female: 7 } }).expect(201)
  ).body;
  const { measurementId: correctionId } = (
    await post(id, `/indicators/${indicatorId}/measurements/${measurementId}/correct`, {
      value: 25,
      disaggregation: { female: 9, male: 16 },
      reason: 'Five late registrations were left out',
    }).expect(201)
  ).body;
  await post(id, '/suspend', { reason: 'Flooding' }).expect(200);
  return { id, indicatorId, measurementId, correctionId };
}

beforeAll(async () => {
  system = await startSystem('audit_e2e');
  db = new pg.Pool({ connectionString: system.env.config.databaseUrl });
  db.on('error', () => undefined);
  admin = system.adminKey;
  manager = await createKey(system, 'manager');
  auditor = await createKey(system, 'auditor');
});

afterAll(async () => {
  rmSync(exportDir, { recursive: true, force: true });
  await db?.end();
  await system?.stop();
});

describe('history', () => {
  it('lists versions 1..N with full metadata, and filters by type and time', async () => {
    const id = await propose();
    await system.http
      .post(`/projects/${id}/approve`)
      .set(auth(manager))
      .set('Idempotency-Key', 'approve-once')
      .set('X-Correlation-Id', 'corr-42')
      .set('X-Causation-Id', 'notification-7')
      .send({ date: '2017-08-20', reason: 'Board meeting 12' })
      .expect(200);
    const started = await post(id, '/start', { date: '2017-09-15' }).expect(200);
    await post(id, '/suspend', { reason: 'Flooding' }).expect(200);

    const page = await system.http.get(`/projects/${id}/events`).set(auth(auditor)).expect(200);
    expect(page.body).toMatchObject({ projectId: id, version: 4, nextFromVersion: null });
    const items = page.body.items;
    expect(items.map((event: { version: number }) => event.version)).toEqual([1, 2, 3, 4]);
    expect(items.map((event: { type: string }) => event.type)).toEqual(['ProjectProposed', 'ProjectApproved', 'ProjectStarted', 'ProjectSuspended']);
    for (const [index, event] of items.entries()) {
      expect(event).toMatchObject({
        position: expect.any(Number),
        transactionId: expect.any(String),
        streamId: id,
        schemaVersion: 1,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        previousHash: index === 0 ? '0'.repeat(64) : items[index - 1].hash,
        metadata: {
          eventId: expect.any(String),
          actor: { keyId: expect.any(String), role: 'manager' },
          commandType: expect.any(String),
          correlationId: expect.any(String),
          causationId: expect.any(String),
          occurredAt: expect.any(String),
          recordedAt: expect.any(String),
        },
      });
    }
    expect(items[1].metadata).toMatchObject({
      idempotencyKey: 'approve-once',
      correlationId: 'corr-42',
      causationId: 'notification-7',
      commandType: 'ApproveProject',
    });
    // Without the headers: the request's own id is the cause, and the correlation.
    expect(items[2].metadata).toMatchObject({ causationId: started.headers['x-request-id'], correlationId: started.headers['x-request-id'] });
    expect(items[1].metadata.occurredAt).toBe('2017-08-20T00:00:00.000Z');
    expect(items[1].data.reason).toBe('Board meeting 12');
    expect(items[3].data.reason).toBe('Flooding');

    const paged = await system.http.get(`/projects/${id}/events?limit=3`).set(auth(auditor)).expect(200);
    expect(paged.body.nextFromVersion).toBe(4);
    const rest = await system.http.get(`/projects/${id}/events?fromVersion=4`).set(auth(auditor)).expect(200);
    expect(rest.body.items.map((event: { version: number }) => event.version)).toEqual([4]);

    const byType = await system.http.get(`/projects/${id}/events?types=ProjectSuspended,ProjectApproved`).set(auth(auditor)).expect(200);
    expect(byType.body.items.map((event: { version: number }) => event.version)).toEqual([2, 4]);
    const byOccurred = await system.http.get(`/projects/${id}/events?occurredFrom=2017-01-01&occurredTo=2017-12-31`).set(auth(auditor));
    expect(byOccurred.body.items.map((event: { version: number }) => event.version)).toEqual([2, 3]);
    const v3 = items[2].metadata.recordedAt;
    const byRecorded = await system.http.get(`/projects/${id}/events?from=${v3}&to=${v3}`).set(auth(auditor)).expect(200);
    expect(byRecorded.body.items.map((event: { version: number }) => event.version)).toContain(3);
    expect(byRecorded.body.items.every((event: { metadata: { recordedAt: string } }) => event.metadata.recordedAt === v3)).toBe(true);

    const bad = await system.http.get(`/projects/${id}/events?types=Nope&from=yesterday`).set(auth(auditor)).expect(400);
    expect(bad.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['from', 'types']);
    // A range that ends before it starts is a mistake, not a range with nothing in it, on the stream and the feed.
    for (const [query, field] of [
      ['from=2027-01-01&to=2026-01-01', 'to'],
      ['occurredFrom=2018-01-02&occurredTo=2018-01-01', 'occurredTo'],
    ]) {
      for (const path of [`/projects/${id}/events?${query}`, `/events?${query}`]) {
        const backwards = await system.http.get(path).set(auth(auditor)).expect(400);
        expect(backwards.body.errors).toEqual([{ field, message: `must not be before ${field === 'to' ? 'from' : 'occurredFrom'}` }]);
      }
    }
    // One day is a range: from and to the same date.
    await system.http.get(`/projects/${id}/events?from=2026-01-01&to=2026-01-01`).set(auth(auditor)).expect(200);
  });

  it('keeps the global feed ordered and complete while many projects write at once', async () => {
    const start = (await system.http.get('/events?limit=1000').set(auth(auditor)).expect(200)).body;
    let after = start.next as number;
    for (let page = start; page.count === 1000; after = page.next) {
      page = (await system.http.get(`/events?after=${after}&limit=1000`).set(auth(auditor)).expect(200)).body;
    }
    const seen: { position: number; transactionId: string; streamId: string; version: number }[] = [];
    let projects: string[] = [];
    let writing = true;
    const deadline = Date.now() + 15_000;
    // The feed shows an event once every transaction older than it has finished (the worker's syncs
    // included): keep polling after the writers are done until all 40 have come, or the deadline.
    const reader = (async () => {
      for (;;) {
        const page = (await system.http.get(`/events?after=${after}&limit=50`).set(auth(auditor)).expect(200)).body;
        seen.push(...page.items);
        after = page.next;
        const mine = seen.filter((event) => projects.includes(event.streamId)).length;
        if ((!writing && mine >= 40) || Date.now() > deadline) return;
      }
    })();
    projects = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const id = await propose();
        for (let n = 0; n < 4; n++) await post(id, '/components', { name: `Component ${n}`, kind: 'infrastructure' }).expect(201);
        return id;
      }),
    );
    writing = false;
    await reader;
    const mine = seen.filter((event) => projects.includes(event.streamId));
    const stored = await db.query('SELECT position FROM events WHERE stream_id = ANY($1::uuid[])', [projects]);
    expect(mine).toHaveLength(40);
    expect(new Set(mine.map((event) => Number(event.position)))).toEqual(new Set(stored.rows.map((row) => Number(row.position))));
    for (const id of projects) expect(mine.filter((event) => event.streamId === id).map((event) => event.version)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      expect(BigInt(a.transactionId) < BigInt(b.transactionId) || (a.transactionId === b.transactionId && a.position < b.position)).toBe(true);
    }

    const proposals = (await system.http.get(`/events?types=ProjectProposed&after=${start.next}&limit=1000`).set(auth(auditor)).expect(200)).body;
    expect(proposals.items.every((event: { type: string }) => event.type === 'ProjectProposed')).toBe(true);
    expect(proposals.items.filter((event: { streamId: string }) => projects.includes(event.streamId))).toHaveLength(8);
    await system.http.get('/events?after=999999999').set(auth(auditor)).expect(400);
  });
});

describe('time travel', () => {
  it('rebuilds the project at a version and as known at a time between two events', async () => {
    const { id, indicatorId, measurementId, correctionId } = await richProject();
    const events = (await system.http.get(`/projects/${id}/events`).set(auth(auditor)).expect(200)).body.items;
    const recorded = (version: number) => events[version - 1].metadata.recordedAt as string;

    const atVersion3 = await system.http.get(`/projects/${id}/state?version=3`).set(auth(auditor)).expect(200);
    expect(atVersion3.body.asOf).toMatchObject({ basis: 'version', version: 3, currentVersion: 10, recordedAt: recorded(3) });
    expect(atVersion3.body.state).toMatchObject({ status: 'implementation', actualStart: '2017-09-15', components: {} });

    // Between the measurement (version 8) and its correction (version 9): what was known then.
    const before = Date.parse(recorded(8));
    const after = Date.parse(recorded(9));
    expect(after).toBeGreaterThan(before);
    const between = new Date(before + Math.floor((after - before) / 2)).toISOString();
    const known = await system.http.get(`/projects/${id}/state?at=${between}`).set(auth(auditor)).expect(200);
    expect(known.body.asOf).toMatchObject({ basis: 'recorded', version: 8, at: between });
    expect(known.body.state.indicators[indicatorId].measurements).toEqual([
      { measurementId, value: 20, date: '2018-06-30', disaggregation: { female: 7, unknown: 13 } },
    ]);
    const atVersion8 = await system.http.get(`/projects/${id}/state?version=8`).set(auth(auditor)).expect(200);
    expect(known.body.state).toEqual(atVersion8.body.state);

    // Today both stand in the history: the corrected value, superseded, and its correction.
    const now = await system.http.get(`/projects/${id}/state`).set(auth(auditor)).expect(200);
    expect(now.body.asOf).toMatchObject({ basis: 'current', version: 10 });
    expect(now.body.state.status).toBe('suspended');
    expect(now.body.state.indicators[indicatorId].measurements).toEqual([
      expect.objectContaining({ measurementId, value: 20, supersededBy: correctionId }),
      expect.objectContaining({ measurementId: correctionId, value: 25, correctsMeasurementId: measurementId, reason: expect.any(String) }),
    ]);

    // By business date: the approval (2017-08-20) had occurred by 2017-08-31, the start (2017-09-15) had not;
    // the proposal, which names no date of its own, always counts.
    const occurred = await system.http.get(`/projects/${id}/state?at=2017-08-31&basis=occurred`).set(auth(auditor)).expect(200);
    expect(occurred.body.asOf).toMatchObject({ basis: 'occurred', eventsFolded: 2 });
    expect(occurred.body.state.status).toBe('approved');

    await system.http.get(`/projects/${id}/state?version=11`).set(auth(auditor)).expect(404);
    await system.http.get(`/projects/${id}/state?at=2000-01-01T00:00:00Z`).set(auth(auditor)).expect(404);
    await system.http.get(`/projects/${id}/state?version=2&at=2020-01-01`).set(auth(auditor)).expect(400);
    await system.http.get(`/projects/${id}/state?at=soon`).set(auth(auditor)).expect(400);
  });

  it('counts by business date a fact entered late with the milestone or indicator it needs, entered later still', async () => {
    const id = await propose();
    await post(id, '/approve', { date: isoDate(-400) }).expect(200);
    await post(id, '/start', { date: isoDate(-300) }).expect(200);
    // Entered today: the milestone and the indicator, then what happened to them weeks ago.
    const { milestoneId } = (await post(id, '/milestones', { title: 'Bridge done', dueDate: isoDate(200) }).expect(201)).body;
    const { indicatorId } = (await post(id, '/indicators', { title: 'Cattle distributed', unit: 'head', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 120 } }).expect(201)).body;
    const { indicatorId: unused } = (await post(id, '/indicators', { title: 'Weavers trained', unit: 'people', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 40 } }).expect(201)).body;
    await post(id, `/milestones/${milestoneId}/reach`, { date: isoDate(-3), evidence: 'Inspection report' }).expect(200);
    await post(id, `/indicators/${indicatorId}/measurements`, { value: 66, date: isoDate(-30) }).expect(201);
    await post(id, `/indicators/${indicatorId}/measurements`, { value: 90, date: isoDate(-2) }).expect(201);

    const asOf = async (day: string) => (await system.http.get(`/projects/${id}/state?at=${day}&basis=occurred`).set(auth(auditor)).expect(200)).body;
    const state = async (day: string) => (await asOf(day)).state;
    const weekAgo = await state(isoDate(-7));
    // The latest business date folded by then: the measurement of a month ago, not the indicator entered today.
    expect((await asOf(isoDate(-7))).asOf.occurredAt).toBe(`${isoDate(-30)}T00:00:00.000Z`);
    expect(weekAgo.indicators[indicatorId].measurements.map((m: { value: number }) => m.value)).toEqual([66]);
    // A part no fact of that time needs is not in it: the milestone and the other indicator were entered today.
    expect(weekAgo.milestones).toEqual({});
    expect(Object.keys(weekAgo.indicators)).toEqual([indicatorId]);
    const yesterday = await state(isoDate(-1));
    expect(yesterday.milestones[milestoneId]).toMatchObject({ status: 'reached', reachedOn: isoDate(-3) });
    expect(yesterday.indicators[indicatorId].measurements.map((m: { value: number }) => m.value)).toEqual([66, 90]);
    expect(yesterday.indicators[unused]).toBeUndefined();
  });

  it('dates a correction by the value it gives, given or inherited: as known today, that date holds the corrected value', async () => {
    const id = await propose();
    await post(id, '/approve', { date: isoDate(-400) }).expect(200);
    await post(id, '/start', { date: isoDate(-300) }).expect(200);
    const { indicatorId } = (await post(id, '/indicators', { title: 'People trained', unit: 'people', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 80 } }).expect(201)).body;
    const { measurementId } = (await post(id, `/indicators/${indicatorId}/measurements`, { value: 530, date: isoDate(-30) }).expect(201)).body;
    // Corrected today without a date: the correction is a value for the date of what it corrects.
    const { measurementId: correctionId } = (
      await post(id, `/indicators/${indicatorId}/measurements/${measurementId}/correct`, { value: 53, reason: 'Typing error: one zero too many' }).expect(201)
    ).body;

    const weekAgo = (await system.http.get(`/projects/${id}/state?at=${isoDate(-7)}&basis=occurred`).set(auth(auditor)).expect(200)).body.state;
    expect(weekAgo.indicators[indicatorId].measurements.map((m: { measurementId: string; value: number; supersededBy?: string }) => [m.measurementId, m.value, m.supersededBy ?? null])).toEqual([
      [measurementId, 530, correctionId],
      [correctionId, 53, null],
    ]);
    const thatDay = await system.http.get(`/projects/${id}/events?occurredFrom=${isoDate(-30)}&occurredTo=${isoDate(-30)}`).set(auth(auditor)).expect(200);
    expect(thatDay.body.items.map((e: { type: string; metadata: { occurredAt: string } }) => [e.type, e.metadata.occurredAt])).toEqual([
      ['MeasurementRecorded', `${isoDate(-30)}T00:00:00.000Z`],
      ['MeasurementCorrected', `${isoDate(-30)}T00:00:00.000Z`],
    ]);
  });

  it('lists what changed between two points in domain terms', async () => {
    const { id, indicatorId } = await richProject();
    const diff = await system.http.get(`/projects/${id}/diff?from=3&to=10`).set(auth(auditor)).expect(200);
    expect(diff.body).toMatchObject({ projectId: id, from: { version: 3 }, to: { version: 10 }, events: 7 });
    const types = diff.body.changes.map((change: { type: string }) => change.type);
    expect(types).toEqual([
      'StatusChanged',
      'ComponentAdded',
      'MilestonePlanned',
      'MilestoneReached',
      'IndicatorDefined',
      'MeasurementRecorded',
      'MeasurementCorrected',
      'LatestActualChanged',
    ]);
    expect(diff.body.changes[0]).toMatchObject({ from: 'implementation', to: 'suspended', reason: 'Flooding' });
    expect(diff.body.changes[6]).toMatchObject({ indicatorId, from: 20, to: 25, reason: 'Five late registrations were left out' });
    expect(diff.body.changes[7]).toMatchObject({ from: null, to: { value: 25, date: expect.any(String) } });

    const correctionOnly = await system.http.get(`/projects/${id}/diff?from=8&to=9`).set(auth(auditor)).expect(200);
    expect(correctionOnly.body.changes.map((change: { type: string }) => change.type)).toEqual(['MeasurementCorrected', 'LatestActualChanged']);
    expect(correctionOnly.body.changes[1]).toMatchObject({ from: { value: 20 }, to: { value: 25 } });

    // A suspension resumed within the range changes no status from end to end, yet each step is named.
    await post(id, '/resume', {}).expect(200);
    const interrupted = await system.http.get(`/projects/${id}/diff?from=9&to=11`).set(auth(auditor)).expect(200);
    expect(interrupted.body.changes).toEqual([
      expect.objectContaining({ type: 'StatusChanged', from: 'implementation', to: 'suspended', reason: 'Flooding', date: isoDate(0) }),
      expect.objectContaining({ type: 'StatusChanged', from: 'suspended', to: 'implementation', date: isoDate(0) }),
    ]);

    const byTime = await system.http.get(`/projects/${id}/diff?to=2999-01-01`).set(auth(auditor)).expect(200);
    expect(byTime.body).toMatchObject({ from: { version: 0 }, to: { version: 11 } });
    expect(byTime.body.changes[0].type).toBe('ProjectProposed');
    await system.http.get(`/projects/${id}/diff?from=9&to=3`).set(auth(auditor)).expect(400);
    // A version past the project's, up to the largest a version can be, is one it does not have (as state?version= says); beyond, no version.
    expect((await system.http.get(`/projects/${id}/diff?to=2147483647`).set(auth(auditor)).expect(404)).body.code).toBe('PROJECT.VERSION_NOT_FOUND');
    expect((await system.http.get(`/projects/${id}/state?version=2147483647`).set(auth(auditor)).expect(404)).body.code).toBe('PROJECT.VERSION_NOT_FOUND');
    await system.http.get(`/projects/${id}/diff?to=2147483648`).set(auth(auditor)).expect(400);
  });

  it('compares two business dates with basis=occurred, for a history recorded long after it happened', async () => {
    const { id, indicatorId } = await richProject();
    const path = (query: string) => `/projects/${id}/diff?${query}`;
    // All of it was recorded today: by recorded time, nothing had happened in 2018.
    const recorded = await system.http.get(path('from=2017-12-31&to=2018-12-31')).set(auth(auditor)).expect(200);
    expect(recorded.body).toMatchObject({ from: { version: 0 }, to: { version: 0 }, events: 0, changes: [] });

    const occurred = await system.http.get(path('from=2017-12-31&to=2018-12-31&basis=occurred')).set(auth(auditor)).expect(200);
    // By the end of 2017 it was proposed, approved and started; by the end of 2018 everything but today's
    // suspension had happened (the parts a fact needs, its component, milestone and indicator, with it).
    expect(occurred.body).toMatchObject({
      basis: 'occurred',
      from: { version: 3, eventsFolded: 3, at: expect.stringMatching(/^2017-12-31T/) },
      to: { version: 9, eventsFolded: 9, at: expect.stringMatching(/^2018-12-31T/) },
      events: 6,
    });
    const types = occurred.body.changes.map((change: { type: string }) => change.type);
    expect(types).toEqual(expect.arrayContaining(['ComponentAdded', 'MilestonePlanned', 'MilestoneReached', 'IndicatorDefined', 'LatestActualChanged']));
    expect(types).not.toContain('StatusChanged');
    expect(occurred.body.changes.find((change: { type: string }) => change.type === 'LatestActualChanged')).toMatchObject({ indicatorId, from: null, to: { value: 25 } });

    // Before anything had happened the project was not there, as its state then is not (404): a diff from then starts from nothing.
    await system.http.get(`/projects/${id}/state?at=2010-01-01&basis=occurred`).set(auth(auditor)).expect(404);
    const fromNothing = await system.http.get(path('from=2010-01-01&to=2017-12-31&basis=occurred')).set(auth(auditor)).expect(200);
    expect(fromNothing.body).toMatchObject({ from: { version: 0, eventsFolded: 0 }, to: { version: 3, eventsFolded: 3 }, events: 3 });
    expect(fromNothing.body.changes[0]).toMatchObject({ type: 'ProjectProposed' });
    const beforeAll = await system.http.get(path('from=2009-01-01&to=2010-01-01&basis=occurred')).set(auth(auditor)).expect(200);
    expect(beforeAll.body).toMatchObject({ from: { version: 0 }, to: { version: 0, eventsFolded: 0 }, events: 0, changes: [] });

    const toToday = await system.http.get(path('from=2018-12-31&basis=occurred')).set(auth(auditor)).expect(200);
    expect(toToday.body).toMatchObject({ events: 1, changes: [expect.objectContaining({ type: 'StatusChanged', to: 'suspended' })] });
    const version = await system.http.get(path('from=3&basis=occurred')).set(auth(auditor)).expect(400);
    expect(version.body).toMatchObject({ errors: [{ field: 'from' }] });
    await system.http.get(path('from=2019-01-01&to=2018-01-01&basis=occurred')).set(auth(auditor)).expect(400);
  });
});

describe('exports', () => {
  it('exports the stream as NDJSON that the offline script verifies, and catches an edited file', async () => {
    const { id } = await richProject();
    const response = await system.http.get(`/projects/${id}/events.ndjson`).set(auth(auditor)).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(response.headers['x-stream-version']).toBe('10');
    const lines = response.text.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(lines.map((line) => line.type)).toContain('MeasurementCorrected');
    expect(lines.map((line) => line.type)).toContain('MeasurementRecorded');
    expect(response.headers['x-stream-head-hash']).toBe(lines[9].hash);

    const file = join(exportDir, `${id}.ndjson`);
    writeFileSync(file, response.text);
    const ok = spawnSync(process.execPath, ['scripts/verify-ndjson.mjs', file], { encoding: 'utf8' });
    expect(ok.stdout).toContain(`OK: 10 events of project ${id}`);
    expect(ok.status).toBe(0);

    const edited = readFileSync(file, 'utf8').replace('"value":25', '"value":52');
    writeFileSync(file, edited);
    const broken = spawnSync(process.execPath, ['scripts/verify-ndjson.mjs', file], { encoding: 'utf8' });
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/^BROKEN at line 9, version 9/);
  });

  it('verifies offline a history whose text holds line separators, which JSON strings carry as they are', async () => {
    const { id, indicatorId } = await richProject();
    // A note pasted from a word processor: U+2028 and U+2029 (readline ends a line at each), and \r.
    await post(id, `/indicators/${indicatorId}/measurements`, { value: 30, date: '2018-09-30', note: 'Counted\u2028at the\u2029village hall\r\n(second session)' }).expect(201);
    const response = await system.http.get(`/projects/${id}/events.ndjson`).set(auth(auditor)).expect(200);
    expect(response.text).toContain('\u2028');
    const file = join(exportDir, `${id}.ndjson`);
    writeFileSync(file, response.text);
    const ok = spawnSync(process.execPath, ['scripts/verify-ndjson.mjs', file], { encoding: 'utf8' });
    expect({ status: ok.status, stdout: ok.stdout }).toEqual({ status: 0, stdout: `OK: 11 events of project ${id}, versions 1-11; head hash ${response.headers['x-stream-head-hash']}\n` });
    // Written with CRLF line ends, as a Windows editor saves it, it is the same history.
    writeFileSync(file, response.text.replaceAll('\n', '\r\n'));
    expect(spawnSync(process.execPath, ['scripts/verify-ndjson.mjs', file], { encoding: 'utf8' }).status).toBe(0);
  });

  it('exports the seeded Bansuo project as IATI 2.03 that passes the official schema', async () => {
    await seedProjects(new PostgresEventStore(db), [bansuo]);
    const response = await system.http.get(`/projects/${bansuo.projectId}/iati`).set(auth(auditor)).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/xml/);
    const xml = response.text;
    const lint = validateIati(xml);
    expect(lint.output).toContain('validates');
    expect(lint.status).toBe(0);
    expect(xml).toContain('<iati-identifier>XI-IATI-PROJECT-TRACKER-CN-LA-BANSUO</iati-identifier>');
    expect(xml).toContain('<activity-status code="2"/>');
    expect(xml).toContain('<activity-date type="2" iso-date="2017-09-01"/>');
    expect(xml).toContain('<recipient-country code="LA" percentage="100"/>');
    expect(xml).toContain('<sector vocabulary="1" code="43040" percentage="100"/>');
    expect(xml).toContain('<participating-org role="3">');
    expect(xml).toContain('<participating-org role="4">');
    expect(xml.match(/<indicator /g)).toHaveLength(6);
    expect(xml).toContain('<actual value="120">');
  });

  it('exports every other seed project as IATI 2.03 that passes the official schema, but the Ghana pilot, which has no date', async () => {
    await seedProjects(new PostgresEventStore(db), SEED_PROJECTS);
    const refused: string[] = [];
    const invalid: [string, string][] = [];
    for (const seed of SEED_PROJECTS) {
      const response = await system.http.get(`/projects/${seed.projectId}/iati`).set(auth(auditor));
      if (response.status === 409) {
        refused.push(seed.code);
        continue;
      }
      expect(response.status).toBe(200);
      expect(response.text).toContain(`<iati-identifier>XI-IATI-PROJECT-TRACKER-${seed.code}</iati-identifier>`);
      const lint = validateIati(response.text);
      if (lint.status !== 0) invalid.push([seed.code, lint.output]);
    }
    expect(invalid).toEqual([]);
    // Approved and never started, and its source gives no planned dates: IATI needs an activity date.
    expect(refused).toEqual(['CN-GH-PILOT']);
  });

  it('exports corrections and sex disaggregation, many projects by country, and refuses codes IATI would refuse', async () => {
    const { id, correctionId, measurementId } = await richProject();
    const single = await system.http.get(`/projects/${id}/iati`).set(auth(manager)).expect(200);
    expect(validateIati(single.text).status).toBe(0);
    expect(single.text).toContain('<dimension name="sex" value="female"/>');
    expect(single.text).toContain('<actual value="9">');
    expect(single.text).toContain(`Corrects 20 for 2018-06-30 (measurement ${measurementId}): Five late registrations were left out.`);
    expect(single.text).not.toMatch(/<actual value="20"[ />]/);
    expect(single.text).toContain('<activity-status code="6"/>');
    expect(correctionId).toBeDefined();

    const asKnownEarlier = await system.http.get(`/projects/${id}/iati?version=8`).set(auth(manager)).expect(200);
    expect(asKnownEarlier.text).toContain('<actual value="20"/>');
    expect(asKnownEarlier.text).toContain('<activity-status code="2"/>');

    // A code IATI would refuse no longer gets in (propose checks the same codelists); what can still be
    // missing is an activity date: proposed without a planned start and never started.
    await system.http.post('/projects').set(auth(manager)).send({ ...bansuoProposal(), country: 'XX' }).expect(400);
    // Nor does a filter take a code no project can have: 400 naming it, not an empty list or 404 IATI.NO_PROJECTS.
    for (const path of ['/iati?country=ZZ', '/projects?country=ZZ']) {
      expect((await system.http.get(path).set(auth(auditor)).expect(400)).body.errors).toEqual([
        { field: 'country', message: 'country must be an ISO 3166-1 alpha-2 country code in capitals, like LA' },
      ]);
    }
    const { plannedStart: _left, ...undated } = bansuoProposal();
    const bad = await propose({ ...undated, country: 'MN' });
    const refused = await system.http.get(`/projects/${bad}/iati`).set(auth(manager)).expect(409);
    expect(refused.body).toMatchObject({ code: 'IATI.NOT_EXPORTABLE' });
    expect(refused.body.errors.map((error: { field: string }) => error.field)).toEqual(['activity-date']);

    const country = await system.http.get('/iati?country=LA&limit=500').set(auth(auditor)).expect(200);
    expect(validateIati(country.text).status).toBe(0);
    expect(country.text).toContain('CN-LA-BANSUO');
    expect(country.text).toContain('</iati-activities>');
    // Projects proposed without a planned start and never started have no activity date: left out, and named.
    expect(country.headers['x-iati-skipped']).toBeUndefined();
    const count = Number(country.headers['x-total-count']);
    expect(country.text.match(/<iati-activity /g)).toHaveLength(count);
    // A page past the last project is no document (IATI asks one activity at least), and says why.
    const past = await system.http.get(`/iati?country=LA&offset=${count}`).set(auth(auditor)).expect(404);
    expect(past.headers['x-total-count']).toBe(String(count));
    expect(past.body).toMatchObject({
      code: 'IATI.PAGE_EMPTY',
      detail: `The page starting at offset ${count} is past the last of the ${count} projects with the recipient country LA.`,
    });
    await system.http.get('/iati?country=MN').set(auth(auditor)).expect(409);
    // A country no project is in.
    expect((await system.http.get('/iati?country=IS').set(auth(auditor)).expect(404)).body.code).toBe('IATI.NO_PROJECTS');
    await system.http.get('/iati?country=XX').set(auth(auditor)).expect(400);
    await system.http.get('/iati?country=la').set(auth(auditor)).expect(400);

    // Without a country, the publisher's whole activity file: every project, the undated one named and left out.
    const proposals = Number((await db.query(`SELECT count(*)::int AS n FROM events WHERE type = 'ProjectProposed'`)).rows[0].n);
    const all = await system.http.get('/iati?limit=500').set(auth(auditor)).expect(200);
    expect(validateIati(all.text).status).toBe(0);
    expect(all.headers['x-total-count']).toBe(String(proposals));
    const skipped = String(all.headers['x-iati-skipped']).split(',');
    expect(skipped).toContain(undated.code);
    expect(all.text.match(/<iati-activity /g)).toHaveLength(proposals - skipped.length);
    for (const country of ['LA', 'CN']) expect(all.text).toContain(`<recipient-country code="${country}" percentage="100"/>`);
  });
});

describe('roles and the access log', () => {
  it('lets team keys read only their projects, keeps the feed and country exports from them, and logs every read', async () => {
    const mine = await propose();
    const other = await propose();
    const team = await createKey(system, 'team', [mine]);
    await system.http.get(`/projects/${mine}/events`).set(auth(team)).expect(200);
    await system.http.get(`/projects/${mine}/audit`).set(auth(team)).expect(200);
    await system.http.get(`/projects/${mine}/state?version=1`).set(auth(team)).expect(200);
    await system.http.get(`/projects/${mine}/events.ndjson`).set(auth(team)).expect(200);
    await system.http.get(`/projects/${other}/events`).set(auth(team)).expect(403);
    await system.http.get(`/projects/${other}/iati`).set(auth(team)).expect(403);
    await system.http.get(`/projects/${other}/diff`).set(auth(team)).expect(403);
    await system.http.get('/events').set(auth(team)).expect(403);
    await system.http.get('/iati?country=LA').set(auth(team)).expect(403);
    await system.http.get('/audit/checkpoints').set(auth(team)).expect(403);
    await system.http.get('/audit/access-log').set(auth(auditor)).expect(403);
    await system.http.get('/events').set(auth(manager)).expect(200);

    const teamKeyId = (await db.query(`SELECT id FROM api_keys WHERE role = 'team' ORDER BY created_at DESC LIMIT 1`)).rows[0].id;
    const log = await eventually(async () => {
      const response = await system.http.get(`/audit/access-log?keyId=${teamKeyId}`).set(auth(admin)).expect(200);
      return response.body.items.length >= 7 ? response.body.items : undefined;
    }, 5_000, 'the team key reads in the access log');
    expect(log.map((entry: { action: string; status: number }) => [entry.action, entry.status])).toEqual([
      ['project.events', 200],
      ['project.audit', 200],
      ['project.state', 200],
      ['project.export.ndjson', 200],
      ['project.events', 403],
      ['project.export.iati', 403],
      ['project.diff', 403],
    ]);
    expect(log[1]).toMatchObject({ keyId: teamKeyId, role: 'team', projectId: mine, outcome: { valid: true, events: 1 } });
    expect(log[4]).toMatchObject({ projectId: other, request: `GET /projects/${other}/events` });
    await expect(db.query('UPDATE audit_access_log SET status = 200')).rejects.toThrow(/append-only/);
  });
});
