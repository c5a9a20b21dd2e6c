import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type request from 'supertest';
import { auth } from './support/api-helpers.js';
import { bansuoProposal } from './support/bansuo.js';
import { OpenApiContract } from './support/openapi-answers.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { appendPoison } from './support/tamper.js';
import { eventually } from './support/test-environment.js';

/**
 * The OpenAPI document at GET /docs-json tells the truth: every route is driven through the real API,
 * and each answer (2xx and a sample of errors) is checked against what the document declares for its
 * route and status. Every operation must have been answered 2xx at least once.
 */

let system: RunningSystem;
let contract: OpenApiContract;
let admin: string;
let manager: string;
let auditor: string;
let db: pg.Pool;

interface Call {
  key?: string | null;
  params?: Record<string, string | number>;
  query?: Record<string, string | number | boolean>;
  body?: object;
  headers?: Record<string, string>;
}

/** Sends `method path` (a template of the document) and checks the answer against the document. */
async function call(method: 'get' | 'post' | 'delete', path: string, options: Call = {}): Promise<request.Response> {
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = options.params?.[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${path}`);
    return encodeURIComponent(String(value));
  });
  let test = system.http[method](url);
  const key = options.key === undefined ? admin : options.key;
  if (key) test = test.set(auth(key));
  for (const [name, value] of Object.entries(options.headers ?? {})) test = test.set(name, value);
  if (options.query) test = test.query(options.query);
  // XML and NDJSON are text too: read them whole.
  if (/iati$|ndjson$/.test(path)) test = test.buffer(true).parse(asText);
  const response = method === 'post' || options.body ? await test.send(options.body ?? {}) : await test;
  return contract.check(method, path, response);
}

async function ok(method: 'get' | 'post' | 'delete', path: string, options: Call = {}): Promise<Record<string, any>> {
  const response = await call(method, path, options);
  if (response.status >= 300) throw new Error(`${method.toUpperCase()} ${path} answered ${response.status}: ${response.text.slice(0, 400)}`);
  return response.body;
}

/** A problem answer, checked against the document, and its status. */
async function problem(status: number, method: 'get' | 'post' | 'delete', path: string, options: Call = {}): Promise<Record<string, any>> {
  const response = await call(method, path, options);
  expect({ path, status: response.status, type: response.headers['content-type'] }).toEqual({
    path,
    status,
    type: expect.stringMatching(/^application\/problem\+json/),
  });
  return response.body;
}

/** Reads an answer whole as text (superagent leaves XML and NDJSON unread); a problem as JSON. */
const asText = ((response: IncomingMessage, callback: (error: Error | null, body: unknown) => void) => {
  let text = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => (text += chunk));
  response.on('end', () => callback(null, /^application\/(problem\+)?json/.test(response.headers['content-type'] ?? '') ? JSON.parse(text) : text));
}) as unknown as (response: request.Response, callback: (error: Error | null, body: unknown) => void) => void;

beforeAll(async () => {
  system = await startSystem('openapi_e2e', { env: { AUDIT_CHECKPOINT_INTERVAL_MS: '200', NOTIFIER_POLL_INTERVAL_MS: '100' } });
  admin = system.adminKey;
  db = new pg.Pool({ connectionString: system.env.config.databaseUrl, max: 1 });
  db.on('error', () => undefined);
  contract = new OpenApiContract((await system.http.get('/docs-json').expect(200)).body);
  manager = (await ok('post', '/api-keys', { body: { name: 'Provincial office', role: 'manager' } })).secret;
  auditor = (await ok('post', '/api-keys', { body: { name: 'Evaluator', role: 'auditor', expiresAt: new Date(Date.now() + 86_400_000).toISOString() } })).secret;
});

afterAll(async () => {
  await db?.end();
  await system?.stop();
});

describe('the OpenAPI document', () => {
  it('declares a schema for every answer with a body, and problem+json for every error', () => {
    for (const operation of contract.operations()) {
      const [method, path] = operation.split(' ') as [string, string];
      const responses = contract.operation(method, path).responses as Record<string, { content?: Record<string, { schema?: unknown }> }>;
      const success = Object.entries(responses).filter(([status]) => status.startsWith('2'));
      expect({ operation, success: success.length > 0 }).toEqual({ operation, success: true });
      for (const [status, response] of success) {
        if (status === '204') continue;
        const schemas = Object.values(response.content ?? {}).map((media) => media.schema);
        expect({ operation, status, schemas: schemas.length > 0 && schemas.every(Boolean) }).toEqual({ operation, status, schemas: true });
      }
      for (const [status, response] of Object.entries(responses).filter(([s]) => Number(s) >= 400)) {
        expect({ operation, status, types: Object.keys(response.content ?? {}) }).toEqual({ operation, status, types: ['application/problem+json'] });
      }
    }
  });

  it('writes every schema as OpenAPI 3.0.3 reads it: nullable only beside a type', () => {
    expect(contract.componentsUnreadAsWritten()).toEqual([]);
  });

  it('describes each request body as the API reads it: closed, optional where none is needed, with its limits', () => {
    const schemas = contract.document.components.schemas as Record<string, Record<string, any>>;
    const named = (schema: { $ref?: string }) => schema.$ref?.replace('#/components/schemas/', '');
    // Every schema a body is read through, nested ones too: the API refuses unknown properties (400).
    const read = new Set<string>();
    const visit = (schema: unknown): void => {
      if (schema === null || typeof schema !== 'object') return;
      const name = named(schema as { $ref?: string });
      if (name && !read.has(name)) {
        read.add(name);
        visit(schemas[name]);
      }
      Object.values(schema).forEach(visit);
    };
    const bodies = contract.operations().flatMap((operation) => {
      const [method, path] = operation.split(' ') as [string, string];
      const body = contract.operation(method, path).requestBody;
      return body ? [{ operation, required: body.required === true, schema: body.content['application/json'].schema }] : [];
    });
    bodies.forEach(({ schema }) => visit(schema));
    expect(read.size).toBeGreaterThan(10);
    for (const name of read) expect({ name, additionalProperties: schemas[name]!.additionalProperties }).toEqual({ name, additionalProperties: false });
    // A command without a body is read as {}.
    const optional = ['approve', 'start', 'suspend', 'resume', 'finalise', 'close', 'cancel'].map((step) => `POST /projects/{projectId}/${step}`);
    expect(bodies.filter(({ required }) => !required).map(({ operation }) => operation).sort()).toEqual([...optional, 'POST /api-keys/{keyId}/rotate', 'POST /subscriptions/{subscriptionId}/rotate-secret'].sort());
    // The limits the validators enforce.
    expect(schemas.CreateApiKeyDto!.properties.name).toMatchObject({ type: 'string', maxLength: 200 });
    expect(schemas.CreateApiKeyDto!.properties.projectIds).toMatchObject({ type: 'array', maxItems: 1000, items: { type: 'string', format: 'uuid' } });
    expect(schemas.RotateApiKeyDto!.properties.gracePeriodSeconds).toMatchObject({ type: 'integer', minimum: 0, maximum: 2_592_000 });
    expect(schemas.ProposeProjectDto!.properties.participatingOrganisations).toMatchObject({ type: 'array', minItems: 1, maxItems: 50 });
    // Written from the validators themselves (validator-limits.ts), nested bodies too.
    expect(schemas.ProposeProjectDto!.properties.title).toMatchObject({ type: 'string', maxLength: 300 });
    expect(schemas.LocationDto!.properties.village).toMatchObject({ type: 'string', maxLength: 200 });
    expect(schemas.RecordMeasurementDto!.properties.value).toMatchObject({ type: 'number', minimum: -1e12, maximum: 1e12 });
    expect(schemas.ReachMilestoneDto!.properties.documentLinks).toMatchObject({ type: 'array', maxItems: 20 });
    expect(schemas.SubscriptionFilterDto!.properties.countries).toMatchObject({ type: 'array', maxItems: 300 });
    expect(schemas.CorrectMeasurementDto!.properties.reason).toMatchObject({ type: 'string', minLength: 1, maxLength: 2000 });
    expect(schemas.RevisePlannedDatesDto!.properties.reason).toMatchObject({ type: 'string', minLength: 1, maxLength: 2000 });
  });

  it('declares each id in a path with its format, and each query parameter with its type', () => {
    for (const operation of contract.operations()) {
      const [method, path] = operation.split(' ') as [string, string];
      const parameters = (contract.operation(method, path).parameters ?? []) as { in: string; name: string; required?: boolean; schema?: Record<string, unknown> }[];
      for (const parameter of parameters.filter((p) => p.in === 'path')) {
        const expected = parameter.name === 'jobId' ? { type: 'string' } : parameter.name === 'checkpointId' ? { type: 'integer', minimum: 1 } : { type: 'string', format: 'uuid' };
        expect({ operation, parameter: parameter.name, required: parameter.required, schema: parameter.schema }).toEqual({
          operation,
          parameter: parameter.name,
          required: true,
          schema: expect.objectContaining(expected),
        });
      }
      for (const parameter of parameters.filter((p) => p.in === 'query')) {
        expect({ operation, parameter: parameter.name, type: parameter.schema?.type }).toEqual({ operation, parameter: parameter.name, type: expect.any(String) });
        if (parameter.schema?.type === 'integer') {
          expect({ operation, parameter: parameter.name, range: [typeof parameter.schema.minimum, typeof parameter.schema.maximum] }).toEqual({
            operation,
            parameter: parameter.name,
            range: ['number', 'number'],
          });
        }
      }
    }
    const iati = contract.operation('get', '/iati').parameters as { name: string; required?: boolean }[];
    expect(iati.find((p) => p.name === 'country')?.required).toBe(false);
  });
});

describe('every route answers as the document says', () => {
  const created: Record<string, string> = {};

  it('subscribes by every channel', async () => {
    created.inboxSubscriptionId = (await ok('post', '/subscriptions', { key: manager, body: { channel: 'inbox' } })).id;
    const webhook = { channel: 'webhook', url: 'http://127.0.0.1:9/hooks/tracker', filter: { countries: ['LA'], types: ['milestone.waived', 'milestone.reached'] } };
    const first = await ok('post', '/subscriptions', { key: manager, body: webhook, headers: { 'Idempotency-Key': 'openapi-webhook' } });
    expect(first.secret).toMatch(/^whsec_/);
    created.webhookSubscriptionId = first.id;
    const retry = await problem(409, 'post', '/subscriptions', { key: manager, body: webhook, headers: { 'Idempotency-Key': 'openapi-webhook' } });
    expect(retry).toMatchObject({ code: 'IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE', resourceId: first.id });
    created.emailSubscriptionId = (await ok('post', '/subscriptions', { key: manager, body: { channel: 'email', address: 'office@example.org', filter: { countries: ['LA'] } } })).id;
  });

  it('records projects through every command', async () => {
    const proposal = bansuoProposal();
    const first = await call('post', '/projects', { key: manager, body: proposal, headers: { 'Idempotency-Key': 'openapi-propose' } });
    const replay = await call('post', '/projects', { key: manager, body: proposal, headers: { 'Idempotency-Key': 'openapi-propose' } });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const projectId = (created.projectId = first.body.id);
    const params = { projectId };
    const post = (path: string, body: object = {}, headers: Record<string, string> = {}) => ok('post', `/projects/{projectId}${path}`, { key: manager, params: { ...params, ...ids }, body, headers });
    const ids: Record<string, string> = {};

    await post('/approve', { date: '2017-08-20', reason: 'Approved by the provincial office' }, { 'If-Match': '"1"' });
    await post('/start', { date: '2017-09-15' });
    const component = await post('/components', { name: 'Cattle-raising group', kind: 'industry' });
    ids.milestoneId = (await post('/milestones', { title: '120 cattle distributed', dueDate: '2018-06-30', componentId: component.componentId })).milestoneId;
    await post('/milestones/{milestoneId}/reach', { date: '2018-05-20', evidence: 'Distribution record', documentLinks: ['https://example.org/record.pdf'] });
    ids.milestoneId = (await post('/milestones', { title: 'Bridge completed', dueDate: '2019-01-31' })).milestoneId;
    await post('/milestones/{milestoneId}/reschedule', { dueDate: '2019-06-30', reason: 'Rainy season' });
    ids.milestoneId = (await post('/milestones', { title: 'Weaving hall', dueDate: '2019-03-31' })).milestoneId;
    await post('/milestones/{milestoneId}/waive', { reason: 'Merged into the community hall' });
    ids.milestoneId = created.overdueMilestoneId = (await post('/milestones', { title: 'Road paved', dueDate: '2018-01-31' })).milestoneId;

    ids.indicatorId = (
      await post('/indicators', {
        title: 'Households in the cattle group',
        unit: 'households',
        measure: 1,
        resultLevel: 1,
        baseline: { value: 0, date: '2017-09-01' },
        target: { value: 40, date: '2019-12-31' },
        componentId: component.componentId,
      })
    ).indicatorId;
    ids.measurementId = (await post('/indicators/{indicatorId}/measurements', { value: 20, date: '2018-06-30', disaggregation: { female: 7 } })).measurementId;
    await post('/indicators/{indicatorId}/measurements/{measurementId}/correct', { value: 22, reason: 'Two households were left out', disaggregation: { female: 7, male: 15 } });
    await post('/indicators/{indicatorId}/measurements', { value: 30, periodStart: '2018-07-01', date: '2018-12-31' });
    await post('/indicators/{indicatorId}/target', { target: { value: 45, date: '2019-12-31' }, reason: 'More households joined' });
    ids.indicatorId = (
      await post('/indicators', {
        title: 'Income per weaver',
        unit: 'USD a year',
        measure: 3,
        resultLevel: 2,
        baseline: { value: 500 },
        target: { value: 900 },
        sexBreakdown: 'per-group',
      })
    ).indicatorId;
    await post('/indicators/{indicatorId}/measurements', { value: 800, date: '2019-06-30', disaggregation: { female: 850, male: 700 } });
    // A percentage defined without a breakdown: it takes none (null in the read model).
    await post('/indicators', { title: 'Weavers who are women', unit: '%', measure: 2, resultLevel: 2, baseline: { value: 50 }, target: { value: 60 } });
    await post('/planned-dates', { plannedEnd: '2020-06-30', reason: 'No-cost extension agreed with the funder' });

    // Another project through the rest of its life, and one cancelled.
    const closing = (await ok('post', '/projects', { key: manager, body: bansuoProposal() })).id;
    for (const [step, body] of [
      ['approve', { date: '2017-01-10' }],
      ['start', { date: '2017-02-01' }],
      ['suspend', { date: '2017-06-01', reason: 'Floods' }],
      ['resume', { date: '2017-09-01' }],
      ['finalise', { date: '2018-12-31' }],
      ['close', { date: '2019-03-31' }],
    ] as const) {
      await ok('post', `/projects/{projectId}/${step}`, { key: manager, params: { projectId: closing }, body });
    }
    const cancelled = (await ok('post', '/projects', { key: manager, body: bansuoProposal() })).id;
    await ok('post', '/projects/{projectId}/cancel', { key: manager, params: { projectId: cancelled }, body: { reason: 'Funding withdrawn' } });

    created.teamKey = (await ok('post', '/api-keys', { body: { name: 'Bansuo field office', role: 'team', projectIds: [projectId] } })).secret;
  });

  it('reads the projects, their history and exports', async () => {
    const params = { projectId: created.projectId! };
    await eventually(async () => (await system.http.get(`/projects/${params.projectId}`).set(auth(admin))).body.version === 20, 10_000, 'the read model');
    const detail = await ok('get', '/projects/{projectId}', { params });
    expect(detail.indicators.map((i: { sexBreakdown: string | null }) => i.sexBreakdown)).toEqual(['adds-up', 'per-group', null]);
    await ok('get', '/projects/{projectId}', { key: created.teamKey, params });
    await ok('get', '/projects', { query: { country: 'LA', limit: 10 } });
    await ok('get', '/projects', { key: created.teamKey });
    await ok('get', '/projects/{projectId}/timeline', { params });
    await ok('get', '/portfolio', { key: manager });
    await ok('get', '/projects/{projectId}/events', { key: auditor, params, query: { limit: 5 } });
    await ok('get', '/projects/{projectId}/events', { key: auditor, params, query: { types: 'MeasurementCorrected,MilestoneWaived' } });
    await ok('get', '/projects/{projectId}/events.ndjson', { key: auditor, params });
    await ok('get', '/projects/{projectId}/state', { key: auditor, params });
    await ok('get', '/projects/{projectId}/state', { key: auditor, params, query: { version: 2 } });
    await ok('get', '/projects/{projectId}/state', { key: auditor, params, query: { at: new Date().toISOString() } });
    await ok('get', '/projects/{projectId}/state', { key: auditor, params, query: { at: '2018-06-30', basis: 'occurred' } });
    const diff = await ok('get', '/projects/{projectId}/diff', { key: auditor, params });
    expect(new Set(diff.changes.map((c: { type: string }) => c.type)).size).toBeGreaterThanOrEqual(10);
    await ok('get', '/projects/{projectId}/diff', { key: auditor, params, query: { from: 2, to: 15 } });
    await ok('get', '/projects/{projectId}/audit', { key: auditor, params });
    await ok('get', '/projects/{projectId}/iati', { key: auditor, params });
    await ok('get', '/iati', { key: auditor, query: { country: 'LA' } });
    await ok('get', '/iati', { key: auditor });
    await ok('get', '/events', { key: auditor, query: { after: 0, limit: 50 } });
    const checkpoints = await eventually(async () => {
      const page = await ok('get', '/audit/checkpoints', { key: auditor });
      return page.items.length > 0 ? page : undefined;
    }, 10_000, 'a checkpoint');
    const checkpointId = checkpoints.items[0].id;
    await ok('get', '/audit/checkpoints/{checkpointId}', { key: auditor, params: { checkpointId } });
    await ok('get', '/audit/checkpoints/{checkpointId}/verify', { key: auditor, params: { checkpointId } });
    const wrong = await ok('get', '/audit/checkpoints/{checkpointId}/verify', { key: auditor, params: { checkpointId }, query: { hash: '0'.repeat(64) } });
    expect(wrong.valid).toBe(false);
    const log = await ok('get', '/audit/access-log', { query: { limit: 100 } });
    expect(log.items.some((entry: { outcome?: unknown }) => entry.outcome !== undefined)).toBe(true);
    await ok('get', '/api-keys', { key: auditor });
  });

  it('delivers notifications to the inbox and records delivery attempts', async () => {
    const inbox = await eventually(async () => {
      const page = await ok('get', '/notifications', { key: manager });
      return page.items.some((item: { type: string }) => item.type === 'milestone.waived') ? page : undefined;
    }, 15_000, 'notifications in the inbox');
    await ok('get', '/notifications', { key: manager, query: { unread: true, limit: 2 } });
    await ok('post', '/notifications/{notificationId}/read', { key: manager, params: { notificationId: inbox.items[0].id } });
    await ok('post', '/notifications/read-all', { key: manager });
    const stream = await contract.check(
      'get',
      '/notifications/stream',
      await system.http
        .get('/notifications/stream')
        .set(auth(manager))
        .buffer(true)
        .parse((response, callback) => {
          // The stream never ends by itself: its first event (the retry interval) is enough.
          let text = '';
          response.on('data', (chunk: Buffer) => {
            text += chunk.toString();
            if (text.includes('\n\n')) {
              (response as unknown as { destroy(): void }).destroy();
              callback(null, text);
            }
          });
        }),
    );
    expect(String(stream.body)).toMatch(/^retry: 3000/);
    await ok('get', '/subscriptions', { key: manager });
    await ok('get', '/subscriptions/{subscriptionId}', { key: manager, params: { subscriptionId: created.webhookSubscriptionId! } });
    await eventually(async () => {
      const page = await ok('get', '/subscriptions/{subscriptionId}/deliveries', { key: manager, params: { subscriptionId: created.webhookSubscriptionId! } });
      return page.items.length > 0;
    }, 15_000, 'a delivery attempt');
    await eventually(async () => {
      const page = await ok('get', '/subscriptions/{subscriptionId}/deliveries', { key: manager, params: { subscriptionId: created.inboxSubscriptionId! }, query: { limit: 1 } });
      return page.items.length > 0;
    }, 15_000, 'an inbox delivery');
    await ok('post', '/subscriptions/{subscriptionId}/enable', { key: manager, params: { subscriptionId: created.webhookSubscriptionId! } });
    await ok('post', '/subscriptions/{subscriptionId}/rotate-secret', { key: manager, params: { subscriptionId: created.webhookSubscriptionId! }, body: { gracePeriodSeconds: 60 } });
    await problem(409, 'post', '/subscriptions/{subscriptionId}/rotate-secret', { key: manager, params: { subscriptionId: created.inboxSubscriptionId! } });
    await ok('delete', '/subscriptions/{subscriptionId}', { key: manager, params: { subscriptionId: created.emailSubscriptionId! } });
  });

  it('runs the operators’ routes', async () => {
    await ok('get', '/health', { key: null });
    await ok('get', '/health/ready', { key: null });
    await ok('get', '/metrics', { key: null });
    await ok('post', '/admin/projections/verify');
    await ok('post', '/admin/projections/rebuild');

    // A dead letter: an event the projection cannot apply, stored behind the decider's back.
    const poisoned = (await ok('post', '/projects', { body: bansuoProposal() })).id as string;
    await eventually(async () => (await system.http.get(`/projects/${poisoned}`).set(auth(admin))).status === 200, 10_000, 'the projection');
    await appendPoison(db, poisoned, 1);
    const parked = await eventually(async () => {
      const page = await ok('get', '/admin/dead-letters', { query: { limit: 10 } });
      return page.items.find((item: { projectId: string }) => item.projectId === poisoned);
    }, 15_000, 'the poisoned job to be parked');
    await ok('post', '/admin/dead-letters/{jobId}/replay', { params: { jobId: parked.jobId } });

    const key = await ok('post', '/api-keys', { body: { name: 'To rotate', role: 'auditor' }, headers: { 'Idempotency-Key': 'openapi-key' } });
    const retry = await problem(409, 'post', '/api-keys', { body: { name: 'To rotate', role: 'auditor' }, headers: { 'Idempotency-Key': 'openapi-key' } });
    expect(retry).toMatchObject({ code: 'IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE', resourceId: key.id });
    await ok('post', '/api-keys/{keyId}/rotate', { params: { keyId: key.id }, body: { gracePeriodSeconds: 0 } });
    await ok('delete', '/api-keys/{keyId}', { params: { keyId: key.id } });
  });

  it('answers errors as the document declares them', async () => {
    const projectId = created.projectId!;
    const invalid = await problem(400, 'post', '/projects/{projectId}/milestones/{milestoneId}/reach', {
      params: { projectId, milestoneId: 'm-1' },
      body: { evidence: 'x' },
    });
    expect(invalid).toMatchObject({ code: 'REQUEST.INVALID_ID', detail: 'milestoneId must be a UUID.', errors: [{ field: 'milestoneId', message: 'must be a UUID' }] });
    expect(await problem(400, 'get', '/projects/{projectId}', { params: { projectId: '123' } })).toMatchObject({ detail: 'projectId must be a UUID.' });
    expect(await problem(400, 'get', '/audit/checkpoints/{checkpointId}', { params: { checkpointId: 0 } })).toMatchObject({
      errors: [{ field: 'checkpointId', message: 'must be a positive integer' }],
    });
    for (const limit of ['abc', '0', '1.5', '1001']) {
      const refused = await problem(400, 'get', '/admin/dead-letters', { query: { limit } });
      expect(refused).toMatchObject({ code: 'REQUEST.INVALID', errors: [expect.objectContaining({ field: 'limit' })] });
    }
    expect(await problem(400, 'get', '/iati', { key: auditor, query: { country: 'la' } })).toMatchObject({ errors: [expect.objectContaining({ field: 'country' })] });
    await problem(400, 'get', '/portfolio', { query: { country: 'LA' } });
    await problem(401, 'get', '/projects', { key: null });
    await problem(401, 'post', '/projects/{projectId}/start', { key: 'ptk_not-a-key', params: { projectId } });
    await problem(403, 'post', '/projects/{projectId}/suspend', { key: auditor, params: { projectId }, body: { reason: 'x' } });
    await problem(403, 'get', '/admin/dead-letters', { key: manager });
    await problem(403, 'get', '/projects/{projectId}/events', { key: created.teamKey, params: { projectId: randomUUID() } });
    await problem(404, 'get', '/projects/{projectId}/audit', { params: { projectId: randomUUID() } });
    await problem(404, 'post', '/projects/{projectId}/milestones/{milestoneId}/waive', { params: { projectId, milestoneId: randomUUID() }, body: { reason: 'x' } });
    await problem(404, 'get', '/subscriptions/{subscriptionId}', { key: manager, params: { subscriptionId: randomUUID() } });
    await problem(404, 'get', '/iati', { query: { country: 'MM' } });
    await problem(409, 'post', '/projects/{projectId}/approve', { params: { projectId }, body: {} });
    await problem(412, 'post', '/projects/{projectId}/components', { params: { projectId }, body: { name: 'Late', kind: 'industry' }, headers: { 'If-Match': '"1"' } });
    await problem(413, 'post', '/projects/{projectId}/components', { params: { projectId }, body: { name: 'x'.repeat(1_100_000), kind: 'industry' } });
    const text = await call('post', '/projects/{projectId}/suspend', { params: { projectId }, headers: { 'Content-Type': 'text/plain' }, body: 'reason' as unknown as object });
    expect(text.status).toBe(415);
    await call('post', '/projects/{projectId}/components', { params: { projectId }, body: { name: 'Once', kind: 'industry' }, headers: { 'Idempotency-Key': 'openapi-reused' } });
    await problem(422, 'post', '/projects/{projectId}/components', { params: { projectId }, body: { name: 'Twice', kind: 'industry' }, headers: { 'Idempotency-Key': 'openapi-reused' } });
    await problem(409, 'delete', '/api-keys/{keyId}', { params: { keyId: (await ok('get', '/api-keys')).items.find((k: { bootstrap: boolean }) => k.bootstrap).id } });
  });

  it('has answered every operation of the document with a 2xx', () => {
    const unanswered = contract.operations().filter((operation) => ![...contract.seen].some((seen) => seen.startsWith(`${operation} 2`)));
    expect(unanswered).toEqual([]);
  });
});

