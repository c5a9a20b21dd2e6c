import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type request from 'supertest';
import { COMPONENT_KINDS, INDICATOR_MEASURES, ORGANISATION_ROLES, RESULT_LEVELS, SEX_BREAKDOWNS } from '@app/domain';
import { BOOTSTRAP_ADMIN_KEY_ID } from '../apps/api/src/auth/api-keys.service.js';
import { bansuoProposal } from './support/bansuo.js';
import { auth } from './support/api-helpers.js';
import { type RunningApi, startApi } from './support/running-api.js';

/**
 * Property-based tests over every write endpoint. Each generated request starts clean (a valid body,
 * ids that exist, an admin or manager key, JSON) and has at most one thing made wrong: the body
 * mutated or replaced, an id made a stranger, another key or none, another content type, a strange
 * header, or the request replayed with one Idempotency-Key. Whatever comes, the API must:
 * - never answer 5xx;
 * - answer every error as problem+json, naming the fields when the input is at fault, and never refuse
 *   a clean request as invalid input;
 * - store exactly one event per command answered 2xx (none for a replay), and nothing otherwise;
 * - stay ready.
 *
 * Seeded and reproducible: the seed is printed; FC_SEED=<seed> replays the same requests. FC_RUNS sets
 * the requests per endpoint (default 52: 21 endpoints make 1,092 requests per run, replays counted once).
 */
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = Number(process.env.FC_RUNS ?? 52);

let system: RunningApi;
const keys: Record<'admin' | 'manager' | 'team' | 'auditor', string> = { admin: '', manager: '', team: '', auditor: '' };
/** Keys the generators may revoke and rotate (never the ones they send requests with). */
const victimKeys: string[] = [];

/** A project and the things in it, as the paths of the commands name them. */
interface Site {
  project: string;
  component?: string;
  milestone?: string;
  indicator?: string;
  measurement?: string;
}
/** Made afresh before each endpoint's run, so that every endpoint meets projects in every state. */
let sites: Site[] = [];

let requestsSent = 0;
/** Answers per endpoint and status, printed at the end, so a run shows what it exercised. */
const answers = new Map<string, Map<number, number>>();

const pick = <T>(items: readonly T[], index: number): T => items[index % items.length]!;

async function makeSites(): Promise<Site[]> {
  const admin = auth(keys.admin);
  const post = async (path: string, body: object) => {
    const response = await system.http.post(path).set(admin).send(body);
    if (response.status >= 300) throw new Error(`fixture ${path}: ${response.status} ${response.text}`);
    return response.body;
  };
  const made: Site[] = [];
  for (const status of ['proposed', 'approved', 'implementation', 'implementation', 'suspended', 'finalisation']) {
    const site: Site = { project: (await post('/projects', bansuoProposal())).id };
    made.push(site);
    if (status === 'proposed') continue;
    await post(`/projects/${site.project}/approve`, { date: '2017-12-01' });
    if (status === 'approved') continue;
    await post(`/projects/${site.project}/start`, { date: '2018-01-01' });
    site.component = (await post(`/projects/${site.project}/components`, { name: 'Cattle', kind: 'industry' })).componentId;
    site.milestone = (await post(`/projects/${site.project}/milestones`, { title: 'Cattle given', dueDate: '2019-01-01' })).milestoneId;
    site.indicator = (
      await post(`/projects/${site.project}/indicators`, {
        title: 'Cattle',
        unit: 'head',
        measure: 1,
        resultLevel: 1,
        baseline: { value: 0 },
        target: { value: 120 },
      })
    ).indicatorId;
    site.measurement = (await post(`/projects/${site.project}/indicators/${site.indicator}/measurements`, { value: 10, date: '2018-06-01' }))
      .measurementId;
    if (status === 'suspended') await post(`/projects/${site.project}/suspend`, { reason: 'Flooding' });
    if (status === 'finalisation') await post(`/projects/${site.project}/finalise`, { date: '2020-12-31' });
  }
  return made;
}

beforeAll(async () => {
  system = await startApi('property');
  const bootstrap = auth(system.adminKey);
  const create = async (body: object) => (await system.http.post('/api-keys').set(bootstrap).send(body).expect(201)).body;
  keys.admin = (await create({ name: 'fuzzing admin', role: 'admin' })).secret;
  keys.manager = (await create({ name: 'fuzzing manager', role: 'manager' })).secret;
  keys.auditor = (await create({ name: 'fuzzing auditor', role: 'auditor' })).secret;
  for (let i = 0; i < 3; i++) victimKeys.push((await create({ name: `victim ${i}`, role: 'auditor' })).id);
  victimKeys.push(BOOTSTRAP_ADMIN_KEY_ID);
  sites = await makeSites();
  keys.team = (await create({ name: 'fuzzing team', role: 'team', projectIds: sites.slice(0, 4).map((s) => s.project) })).secret;
  console.info(`write-endpoints property tests: FC_SEED=${SEED} FC_RUNS=${RUNS} (set FC_SEED to replay)`);
});

afterAll(async () => {
  const lines = [...answers].map(([name, tally]) => `  ${name}: ${[...tally].sort(([a], [b]) => a - b).map(([status, n]) => `${status}x${n}`).join(' ')}`);
  console.info(`write-endpoints property tests sent ${requestsSent} generated requests (FC_SEED=${SEED}):\n${lines.join('\n')}`);
  await system?.stop();
});

// ---- generators ----------------------------------------------------------------------------------

const HOSTILE_IDS = ['', ' ', 'not-a-uuid', '../../etc/passwd', '%00', '1', '0b9e7c52-8d4f-4d9b-a7a4-2b7f0c1d2e3', 'null', '__proto__'];
/** An id that exists nowhere, or is no UUID at all. */
const strangerId = fc.oneof(fc.uuid(), fc.constantFrom(...HOSTILE_IDS).map(encodeURIComponent));

const calendarDate = fc.date({ min: new Date('2010-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
/** A required text: the API refuses one that is empty or only spaces. */
const text = (max: number) => fc.string({ minLength: 1, maxLength: Math.min(max, 40) }).filter((value) => value.trim() !== '');
// Decimals as a form would send them (class-validator reads latitudes and longitudes in decimal notation).
const amount = fc.integer({ min: -1e8, max: 1e8 }).map((n) => n / 100);
const datedValue = fc.record({ value: amount, date: calendarDate }, { requiredKeys: ['value'] });

const VALID_BODIES = {
  propose: fc.record(
    {
      code: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/),
      title: text(300),
      description: text(10_000),
      country: fc.constantFrom('LA', 'CN', 'VN', 'KH'),
      location: fc.record({ village: text(200), province: text(200), latitude: fc.integer({ min: -90e4, max: 90e4 }).map((n) => n / 1e4) }, { requiredKeys: [] }),
      sector: fc.constantFrom('31163', '11110', '21020'),
      participatingOrganisations: fc.array(fc.record({ name: text(300), role: fc.constantFrom(...ORGANISATION_ROLES) }), { minLength: 1, maxLength: 3 }),
      plannedStart: calendarDate,
      plannedEnd: calendarDate,
    },
    { requiredKeys: ['code', 'title', 'description', 'country', 'location', 'sector', 'participatingOrganisations'] },
  ),
  lifecycle: fc.record({ reason: text(2000), date: calendarDate }, { requiredKeys: [] }),
  plannedDates: fc
    .record({ plannedStart: calendarDate, plannedEnd: calendarDate, reason: text(2000) }, { requiredKeys: ['reason'] })
    // A revision names at least one date (the domain refuses neither, 400 naming both).
    .filter((body) => body.plannedStart !== undefined || body.plannedEnd !== undefined),
  component: fc.record({ name: text(300), kind: fc.constantFrom(...COMPONENT_KINDS), description: fc.string({ maxLength: 40 }) }, { requiredKeys: ['name', 'kind'] }),
  milestone: fc.record(
    { title: text(300), dueDate: calendarDate, componentId: fc.nat().map((i) => pick(sites, i).component ?? pick(sites, 0).project) },
    { requiredKeys: ['title', 'dueDate'] },
  ),
  reach: fc.record(
    { evidence: text(5000), date: calendarDate, documentLinks: fc.array(fc.webUrl({ validSchemes: ['https'] }), { maxLength: 3 }) },
    { requiredKeys: ['evidence'] },
  ),
  reschedule: fc.record({ dueDate: calendarDate, reason: text(2000) }),
  waive: fc.record({ reason: text(2000) }),
  indicator: fc.record(
    {
      title: text(300),
      unit: text(100),
      measure: fc.constantFrom(...INDICATOR_MEASURES),
      resultLevel: fc.constantFrom(...RESULT_LEVELS),
      baseline: datedValue,
      target: datedValue,
      sexBreakdown: fc.constantFrom(...SEX_BREAKDOWNS),
    },
    { requiredKeys: ['title', 'unit', 'measure', 'resultLevel', 'baseline', 'target'] },
  ),
  target: fc.record({ target: datedValue, reason: text(2000) }),
  measurement: fc.record(
    {
      value: amount,
      date: calendarDate,
      periodStart: calendarDate,
      disaggregation: fc.record({ female: fc.nat(50), male: fc.nat(50), unknown: fc.nat(50) }, { requiredKeys: [] }),
      note: fc.string({ maxLength: 40 }),
    },
    { requiredKeys: ['value'] },
  )
    // A period is given whole: a period start comes with its end, the date.
    .map(({ periodStart, ...body }) => (body.date !== undefined && periodStart !== undefined ? { ...body, periodStart } : body)),
  correction: fc.record({ value: amount, reason: text(2000), date: calendarDate }, { requiredKeys: ['value', 'reason'] }),
  createKey: fc.record(
    {
      name: text(200),
      role: fc.constantFrom('admin', 'manager', 'team', 'auditor'),
      projectIds: fc.array(fc.nat().map((i) => pick(sites, i).project), { minLength: 1, maxLength: 2 }),
      expiresAt: fc.integer({ min: 1, max: 5 * 365 }).map((days) => new Date(Date.now() + days * 86_400_000).toISOString()),
    },
    { requiredKeys: ['name', 'role'] },
  ),
  rotate: fc.record({ gracePeriodSeconds: fc.integer({ min: 0, max: 30 * 86400 }) }, { requiredKeys: [] }),
  none: fc.constant({}),
} as const;

/** Values that are wrong for nearly every field, and keys that must never reach a prototype. */
const hostileValue = fc.oneof(
  fc.constantFrom('2019-02-30', '2021-13-01', '2020-02-29T25:00:00Z', '0000-01-01', '0201-09-01', '2030-01-01T00:00:00+23:00'),
  fc.constantFrom('', 'null', 'NaN', '1e999', '<script>', "'; DROP TABLE events; --", 'Ban\u0000suo', '\u0000', 'Ban\ud83dsuo', '\udc04'),
  fc.integer({ min: 201, max: 12_000 }).map((n) => 'x'.repeat(n)),
  fc.oneof(fc.integer(), fc.double(), fc.constant(1e308), fc.constant(-0), fc.constant(2 ** 53 + 1)),
  fc.constantFrom(null, true, false),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 20, max: 60 }).map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown),
);
const hostileKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', '', 'a.b', 'location', 'vil\u0000lage', 'vil\ud800lage'), fc.string({ maxLength: 12 }));

function withOwn(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  // Own property even for "__proto__", as JSON.parse would make it; plain assignment would set the prototype.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/** A valid body with one thing broken: a field dropped, replaced by a hostile value, or a hostile key added (also one level down). */
const mutated = (valid: fc.Arbitrary<Record<string, unknown>>) =>
  fc.tuple(valid, fc.nat(), hostileKey, hostileValue, fc.constantFrom('drop', 'replace', 'add', 'nested')).map(([body, index, key, value, how]) => {
    const copy: Record<string, unknown> = JSON.parse(JSON.stringify(body));
    const fields = Object.keys(copy);
    const field = fields.length > 0 ? fields[index % fields.length]! : key;
    switch (how) {
      case 'drop':
        delete copy[field];
        return copy;
      case 'replace':
        return withOwn(copy, field, value);
      case 'add':
        return withOwn(copy, key, value);
      case 'nested': {
        const inner = copy[field];
        return inner && typeof inner === 'object' && !Array.isArray(inner)
          ? withOwn(copy, field, withOwn({ ...(inner as object) }, key, value))
          : withOwn(copy, field, { [key]: value });
      }
    }
  });

type Body = { kind: 'json'; value: unknown } | { kind: 'raw'; text: string };

const printable = (maxLength: number) => fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength });

/** One thing wrong with an otherwise clean request, or nothing. */
type Perturbation =
  | { kind: 'none' }
  | { kind: 'body'; body: Body }
  | { kind: 'path'; field: keyof Site | 'apiKey'; id: string }
  | { kind: 'key'; key: 'team' | 'auditor' | 'unknown' | 'none' }
  | { kind: 'contentType'; contentType: string }
  | { kind: 'header'; name: 'If-Match' | 'Idempotency-Key' | 'X-Correlation-Id' | 'X-Causation-Id'; value: string }
  | { kind: 'replay'; idempotencyKey: string };

const perturbation = (valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Perturbation> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 6, arbitrary: mutated(valid).map((value) => ({ kind: 'body' as const, body: { kind: 'json' as const, value } })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ kind: 'body' as const, body: { kind: 'json' as const, value } })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((text) => ({ kind: 'body' as const, body: { kind: 'raw' as const, text } })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom('project', 'component', 'milestone', 'indicator', 'measurement', 'apiKey') as fc.Arbitrary<keyof Site | 'apiKey'>, strangerId)
        .map(([field, id]) => ({ kind: 'path' as const, field, id })),
    },
    { weight: 2, arbitrary: fc.constantFrom('team', 'auditor', 'unknown', 'none').map((key) => ({ kind: 'key' as const, key })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'application/xml', 'application/json; charset=utf-8')
        .map((contentType) => ({ kind: 'contentType' as const, contentType })),
    },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.integer({ min: 0, max: 12 }).map((v) => ({ kind: 'header' as const, name: 'If-Match' as const, value: `"${v}"` })),
        printable(20).map((value) => ({ kind: 'header' as const, name: 'If-Match' as const, value })),
        // One key for many different requests: the first is answered, the others are 422.
        fc.constant({ kind: 'header' as const, name: 'Idempotency-Key' as const, value: 'shared-key' }),
        printable(250).map((value) => ({ kind: 'header' as const, name: 'Idempotency-Key' as const, value })),
        printable(250).map((value) => ({ kind: 'header' as const, name: 'X-Correlation-Id' as const, value })),
        printable(250).map((value) => ({ kind: 'header' as const, name: 'X-Causation-Id' as const, value })),
      ),
    },
    { weight: 2, arbitrary: fc.uuid().map((idempotencyKey) => ({ kind: 'replay' as const, idempotencyKey })) },
  );

interface GeneratedRequest {
  path: string;
  body: Body;
  key: 'admin' | 'manager' | 'team' | 'auditor' | 'unknown' | 'none';
  contentType: string;
  headers: Record<string, string>;
  /** Nothing was made wrong on purpose: a 400 may only come from the domain, never from input checks. */
  clean: boolean;
  /** Sent twice with the same Idempotency-Key. */
  replay: boolean;
}

/** Where a path points: one site, with an API key to revoke or rotate. */
type Target = Site & { apiKey: string };

/** A clean request (valid body, existing ids, an admin or manager key, JSON), then at most one thing made wrong. */
const generatedRequest = (endpoint: Endpoint): fc.Arbitrary<GeneratedRequest> =>
  fc
    .tuple(perturbation(endpoint.body), fc.nat(), fc.nat(), endpoint.body, fc.constantFrom('admin' as const, 'manager' as const))
    .map(([p, siteIndex, keyIndex, valid, key]) => {
      // Sites are read when a value is drawn, after the run's fixtures were made.
      const target: Target = { ...pick(sites, siteIndex), apiKey: pick(victimKeys, keyIndex) };
      const request: GeneratedRequest = {
        path: endpoint.path(p.kind === 'path' ? { ...target, [p.field]: p.id } : target),
        body: { kind: 'json', value: valid },
        key,
        contentType: 'application/json',
        headers: {},
        clean: p.kind === 'none' || p.kind === 'replay',
        replay: false,
      };
      switch (p.kind) {
        case 'none':
        case 'path':
          return request;
        case 'body':
          return { ...request, body: p.body };
        case 'key':
          return { ...request, key: p.key };
        case 'contentType':
          return { ...request, contentType: p.contentType };
        case 'header':
          return { ...request, headers: { [p.name]: p.value } };
        case 'replay':
          return { ...request, headers: { 'Idempotency-Key': p.idempotencyKey }, replay: true };
      }
    });

// ---- the endpoints -------------------------------------------------------------------------------

interface Endpoint {
  name: string;
  method: 'post' | 'delete';
  /** Writes to the event store (one event per accepted command) rather than to api_keys. */
  command: boolean;
  path: (target: Target) => string;
  body: fc.Arbitrary<Record<string, unknown>>;
}

/** Children a project lacks (a proposal has no milestone) are borrowed from another site: the domain says 404. */
const child = (target: Target, field: 'component' | 'milestone' | 'indicator' | 'measurement') => target[field] ?? sites[2]![field]!;
const LIFECYCLE = ['approve', 'start', 'suspend', 'resume', 'finalise', 'close', 'cancel'];

const ENDPOINTS: Endpoint[] = [
  { name: 'POST /projects', method: 'post', command: true, path: () => '/projects', body: VALID_BODIES.propose },
  ...LIFECYCLE.map((action) => ({
    name: `POST /projects/{id}/${action}`,
    method: 'post' as const,
    command: true,
    path: (t: Target) => `/projects/${t.project}/${action}`,
    body: VALID_BODIES.lifecycle,
  })),
  {
    name: 'POST /projects/{id}/planned-dates',
    method: 'post',
    command: true,
    path: (t) => `/projects/${t.project}/planned-dates`,
    body: VALID_BODIES.plannedDates,
  },
  { name: 'POST /projects/{id}/components', method: 'post', command: true, path: (t) => `/projects/${t.project}/components`, body: VALID_BODIES.component },
  { name: 'POST /projects/{id}/milestones', method: 'post', command: true, path: (t) => `/projects/${t.project}/milestones`, body: VALID_BODIES.milestone },
  ...(['reach', 'reschedule', 'waive'] as const).map((action) => ({
    name: `POST /projects/{id}/milestones/{mid}/${action}`,
    method: 'post' as const,
    command: true,
    path: (t: Target) => `/projects/${t.project}/milestones/${child(t, 'milestone')}/${action}`,
    body: VALID_BODIES[action],
  })),
  { name: 'POST /projects/{id}/indicators', method: 'post', command: true, path: (t) => `/projects/${t.project}/indicators`, body: VALID_BODIES.indicator },
  {
    name: 'POST /projects/{id}/indicators/{iid}/target',
    method: 'post',
    command: true,
    path: (t) => `/projects/${t.project}/indicators/${child(t, 'indicator')}/target`,
    body: VALID_BODIES.target,
  },
  {
    name: 'POST /projects/{id}/indicators/{iid}/measurements',
    method: 'post',
    command: true,
    path: (t) => `/projects/${t.project}/indicators/${child(t, 'indicator')}/measurements`,
    body: VALID_BODIES.measurement,
  },
  {
    name: 'POST /projects/{id}/indicators/{iid}/measurements/{mid}/correct',
    method: 'post',
    command: true,
    path: (t) => `/projects/${t.project}/indicators/${child(t, 'indicator')}/measurements/${child(t, 'measurement')}/correct`,
    body: VALID_BODIES.correction,
  },
  { name: 'POST /api-keys', method: 'post', command: false, path: () => '/api-keys', body: VALID_BODIES.createKey },
  { name: 'DELETE /api-keys/{id}', method: 'delete', command: false, path: (t) => `/api-keys/${t.apiKey}`, body: VALID_BODIES.none },
  { name: 'POST /api-keys/{id}/rotate', method: 'post', command: false, path: (t) => `/api-keys/${t.apiKey}/rotate`, body: VALID_BODIES.rotate },
];

// ---- the invariants ------------------------------------------------------------------------------

async function counts(): Promise<{ events: number; keys: number }> {
  const result = await system.db.query<{ events: number; keys: number }>(
    'SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM api_keys)::int AS keys',
  );
  return result.rows[0]!;
}

function secretOf(name: string): string | undefined {
  if (name === 'unknown') return 'ptk_unknownunknownunknownunknownunknownunknown1';
  return name === 'none' ? undefined : keys[name as keyof typeof keys];
}

/** Fails the property with the request and its answer, so fast-check's report says what broke. */
function check(holds: boolean, what: string, response: { status: number; text: string }, path: string): void {
  if (!holds) throw new Error(`${what}: ${path} answered ${response.status} ${response.text.slice(0, 300)}`);
}

/** Sends one generated request and checks every invariant on its answer. */
async function sendAndCheck(endpoint: Endpoint, generated: GeneratedRequest): Promise<request.Response> {
  const { path, body: payload } = generated;
  const before = await counts();
  let call = system.http[endpoint.method](path).set('Content-Type', generated.contentType);
  const secret = secretOf(generated.key);
  if (secret) call = call.set('Authorization', `Bearer ${secret}`);
  for (const [name, value] of Object.entries(generated.headers)) call = call.set(name, value);
  const response = await call.send(payload.kind === 'json' ? (JSON.stringify(payload.value) ?? 'null') : payload.text);
  const after = await counts();
  requestsSent++;
  const tally = answers.get(endpoint.name) ?? new Map<number, number>();
  tally.set(response.status, (tally.get(response.status) ?? 0) + 1);
  answers.set(endpoint.name, tally);
  const at = `${endpoint.method.toUpperCase()} ${path}`;

  check(response.status < 500, 'a 5xx', response, at);
  if (response.status >= 400) {
    const problem = response.body as { status?: unknown; type?: unknown; title?: unknown; detail?: unknown; code?: unknown; errors?: { field?: unknown }[] };
    check(/^application\/problem\+json/.test(response.headers['content-type'] ?? ''), 'an error that is not problem+json', response, at);
    check(problem.status === response.status, 'a problem whose status differs', response, at);
    const complete = [problem.type, problem.title, problem.detail, problem.code].every((member) => typeof member === 'string');
    check(complete, 'a problem without type, title, detail or code', response, at);
    if (generated.clean) check(!String(problem.code).startsWith('REQUEST.'), 'a clean request refused as invalid input', response, at);
    if (String(problem.code).startsWith('REQUEST.')) {
      const named = Array.isArray(problem.errors) && problem.errors.length > 0 && problem.errors.every((e) => typeof e.field === 'string');
      check(named, 'an input error that names no field', response, at);
    }
  }
  const replayed = response.headers['idempotent-replayed'] === 'true';
  const stored = endpoint.command && response.status < 300 && !replayed ? 1 : 0;
  check(after.events - before.events === stored, `the event store grew by ${after.events - before.events}, not ${stored}`, response, at);
  if (stored) {
    // Every reader of the log (read models, notifier, rebuild) parses it as jsonb: an event it cannot
    // parse (a lone surrogate kept in the json column) would stop them for good.
    const readable = await system.db.query('SELECT data::jsonb, metadata::jsonb FROM events ORDER BY position DESC LIMIT 1').then(() => true, () => false);
    check(readable, 'an event stored that PostgreSQL cannot read as jsonb', response, at);
  }
  const created = endpoint.name === 'POST /api-keys' && response.status === 201 && !replayed ? 1 : 0;
  check(after.keys - before.keys === created, `api_keys grew by ${after.keys - before.keys}, not ${created}`, response, at);
  return response;
}

describe('every write endpoint, under generated requests', () => {
  it.each(ENDPOINTS.map((endpoint, index) => [endpoint.name, endpoint, index] as const))('%s', async (_name, endpoint, index) => {
    sites = await makeSites();
    const property = fc.asyncProperty(generatedRequest(endpoint), async (generated) => {
      const first = await sendAndCheck(endpoint, generated);
      if (!generated.replay) return;
      const again = await sendAndCheck(endpoint, generated);
      if (endpoint.command && first.status < 300) {
        // A replay answers the first answer and stores nothing (checked above: the store did not grow).
        check(again.status === first.status && isDeepStrictEqual(again.body, first.body), 'a replay answered differently', again, generated.path);
        check(again.headers['idempotent-replayed'] === 'true', 'a replay not marked Idempotent-Replayed', again, generated.path);
      }
    });
    await fc.assert(property, { seed: SEED + index, numRuns: RUNS, endOnFailure: true });

    const ready = await system.http.get('/health/ready');
    expect(ready.status).toBe(200);
  }, 10_000 + RUNS * 200);

  it('sent at least 1,000 generated requests and got past validation often', () => {
    expect(ENDPOINTS).toHaveLength(21);
    expect(requestsSent).toBeGreaterThanOrEqual(Math.min(1_000, RUNS * ENDPOINTS.length));
    // Input that is all refused at the door would test only the door: a good share must be accepted.
    const accepted = [...answers.values()].reduce((sum, tally) => sum + [...tally].filter(([status]) => status < 300).reduce((n, [, c]) => n + c, 0), 0);
    expect(accepted).toBeGreaterThan(requestsSent / 20);
  });
});
