import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApplication } from '../apps/api/src/bootstrap.js';
import { bansuoProposal } from './support/bansuo.js';
import { auth } from './support/api-helpers.js';
import { type RunningApi, expectProblem, startApi } from './support/running-api.js';

let system: RunningApi;
let admin: Record<string, string>;

beforeAll(async () => {
  // Production mode: what a caller on the internet gets to see.
  system = await startApi('http_hygiene', { NODE_ENV: 'production', SECRETS_KEY: randomBytes(32).toString('base64') });
  admin = auth(system.adminKey);
});

afterAll(async () => {
  await system?.stop();
});

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

describe('security headers', () => {
  it('sends them on successes and errors alike, and never X-Powered-By', async () => {
    const answers = [
      await system.http.get('/health'),
      await system.http.get('/projects').set(admin),
      await system.http.get('/projects'),
      await system.http.get('/no-such-route').set(admin),
      await system.http.post('/projects').set(admin).set('Content-Type', 'text/plain').send('x'),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 401, 404, 415]);
    for (const answer of answers) {
      expect(answer.headers).toMatchObject(SECURITY_HEADERS);
      expect(answer.headers['content-security-policy']).toMatch(/default-src 'self'.*upgrade-insecure-requests/);
      expect(answer.headers['x-powered-by']).toBeUndefined();
    }
  });
});

describe('authentication challenges', () => {
  it('tell a 401 how to authenticate, and whether the key sent was refused', async () => {
    const missing = await system.http.get('/projects');
    expectProblem(missing, 401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="Project Tracker"');
    const unknown = await system.http.get('/projects').set(auth('ptk_no_such_key_0123456789abcdef'));
    expectProblem(unknown, 401);
    expect(unknown.headers['www-authenticate']).toBe('Bearer realm="Project Tracker", error="invalid_token"');
    // Credentials of another scheme are no bearer token, so no error is named (RFC 6750 §3.1).
    const basic = await system.http.get('/projects').set('Authorization', 'Basic YWRtaW46c2VjcmV0');
    expectProblem(basic, 401);
    expect(basic.headers['www-authenticate']).toBe('Bearer realm="Project Tracker"');
    expect((await system.http.get('/projects').set(admin).expect(200)).headers['www-authenticate']).toBeUndefined();
  });
});

describe('entity tags', () => {
  it('are project versions where a version is meant (a command\'s answer), and on nothing else (no tags of bodies on errors or lists)', async () => {
    const created = await system.http.post('/projects').set(admin).send(bansuoProposal()).expect(201);
    expect(created.headers.etag).toBe('"1"');
    const problems = [
      [await system.http.get('/projects'), 401],
      [await system.http.post('/projects').set(admin).send({}), 400],
      [await system.http.get(`/projects/${created.body.id}/no-such-thing`).set(admin), 404],
    ] as const;
    for (const [answer, status] of problems) expectProblem(answer, status);
    const lists = [await system.http.get('/projects').set(admin).expect(200), await system.http.get('/api-keys').set(admin).expect(200)];
    for (const answer of [...lists, ...problems.map(([answer]) => answer)]) expect(answer.headers.etag).toBeUndefined();
  });
});

describe('CORS', () => {
  it('is off unless CORS_ORIGINS names origins', async () => {
    const simple = await system.http.get('/projects').set(admin).set('Origin', 'https://evil.example');
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await system.http
      .options('/projects')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('allows exactly the configured origins', async () => {
    let app: INestApplication | undefined;
    try {
      app = await createApiApplication({ ...system.env.config, corsOrigins: ['https://dashboard.example'] });
      await app.init();
      const http = request(app.getHttpServer());
      const allowed = await http.options('/projects').set('Origin', 'https://dashboard.example').set('Access-Control-Request-Method', 'POST');
      expect(allowed.status).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://dashboard.example');
      expect(allowed.headers['access-control-allow-headers']).toMatch(/Authorization.*Idempotency-Key.*If-Match/);
      const read = await http.get('/projects').set(admin).set('Origin', 'https://dashboard.example').expect(200);
      expect(read.headers['access-control-expose-headers']).toMatch(/ETag.*X-Request-Id/);
      const other = await http.get('/projects').set(admin).set('Origin', 'https://evil.example');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app?.close();
    }
  });
});

describe('error bodies in production', () => {
  it('never carry a stack trace, SQL or an internal message, only the request id to look them up', async () => {
    const id = (await system.http.post('/projects').set(admin).send(bansuoProposal()).expect(201)).body.id;
    // Break the idempotency table so a command with an Idempotency-Key fails inside SQL.
    await system.db.query('ALTER TABLE idempotency_records RENAME TO idempotency_records_moved');
    try {
      const failed = await system.http.post(`/projects/${id}/approve`).set(admin).set('Idempotency-Key', 'k-1').send({});
      const problem = expectProblem(failed, 500);
      expect(problem).toEqual({
        type: 'https://project-tracker.example/problems/server-error',
        title: 'Internal Server Error',
        status: 500,
        detail: 'Something went wrong on our side; the error has been logged.',
        code: 'SERVER.ERROR',
        instance: `/projects/${id}/approve`,
        requestId: failed.headers['x-request-id'],
      });
      expect(failed.text).not.toMatch(/idempotency_records|relation|SELECT|INSERT|\bat\s+\S+\s+\(|\.ts:\d+|node_modules/);
    } finally {
      await system.db.query('ALTER TABLE idempotency_records_moved RENAME TO idempotency_records');
    }
  });

  it('does not name internal servers in readiness', async () => {
    const ready = await system.http.get('/health/ready').expect(200);
    expect(ready.body.checks).toEqual({ postgres: { status: 'up' }, redis: { status: 'up' }, projections: { status: 'up' } });
  });
});

describe('request ids', () => {
  it('are on every answer, in the header and in problem bodies', async () => {
    const answers = [
      await system.http.get('/health'),
      await system.http.get('/metrics'),
      await system.http.post('/projects').set(admin).send(bansuoProposal()),
      await system.http.get('/projects'),
      await system.http.get('/no-such-route'),
      await system.http.post('/projects').set(admin).send({}),
      await system.http.post('/projects').set(admin).set('Content-Type', 'application/json').send('{"x":'),
      await system.http.post('/projects').set(admin).set('Content-Type', 'application/json').send(`{"d":"${'x'.repeat(2 * 1024 * 1024)}"}`),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 201, 401, 404, 400, 400, 413]);
    const ids = answers.map((a) => a.headers['x-request-id']);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(ids.length);
    for (const answer of answers.filter((a) => a.status >= 400)) expect(answer.body.requestId).toBe(answer.headers['x-request-id']);
  });

  it("keep a caller's sane X-Request-Id and replace one that is not", async () => {
    const kept = await system.http.get('/projects').set('X-Request-Id', 'field-office-42');
    expect(kept.headers['x-request-id']).toBe('field-office-42');
    expect(kept.body.requestId).toBe('field-office-42');
    const replaced = await system.http.get('/health').set('X-Request-Id', 'x'.repeat(500));
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('methods', () => {
  it('answers a method a path does not take with 405 and the methods it does take in Allow', async () => {
    const id = (await system.http.post('/projects').set(admin).send(bansuoProposal()).expect(201)).body.id;
    const put = await system.http.put(`/projects/${id}`).set(admin).send({ title: 'Renamed' });
    expect(expectProblem(put, 405)).toMatchObject({
      code: 'HTTP.METHOD_NOT_ALLOWED',
      detail: `/projects/${id} takes GET, HEAD, not PUT.`,
      instance: `/projects/${id}`,
    });
    expect(put.headers.allow).toBe('GET, HEAD, OPTIONS');
    // Without a key too: which methods a path takes is no secret, and nothing ran.
    const deleteProject = await system.http.delete(`/projects/${id}`);
    expectProblem(deleteProject, 405);
    expect(deleteProject.headers.allow).toBe('GET, HEAD, OPTIONS');
    const getCommand = await system.http.get(`/projects/${id}/approve`).set(admin);
    expectProblem(getCommand, 405);
    expect(getCommand.headers.allow).toBe('POST, OPTIONS');
    // HEAD too (no body to check): Express hands it to the POST route, which does not take it.
    const headCommand = await system.http.head(`/projects/${id}/approve`).set(admin);
    expect(headCommand.status).toBe(405);
    expect(headCommand.headers.allow).toBe('POST, OPTIONS');
    await system.http.head('/projects').set(admin).expect(200);
    // A path served with several methods by several routes lists them all.
    const patchKeys = await system.http.patch('/api-keys').set(admin).send({});
    expect(patchKeys.headers.allow).toBe('POST, GET, HEAD, OPTIONS');
    const events = await system.http.get(`/projects/${id}/events`).set(admin).expect(200);
    expect(events.body.items).toHaveLength(1);
  });

  it('keeps 404 for a path nothing serves and for an unknown project on a real route', async () => {
    const unknownPath = await system.http.put('/no-such-route').set(admin);
    expectProblem(unknownPath, 404);
    expect(unknownPath.headers.allow).toBeUndefined();
    const unknownProject = await system.http.get('/projects/6f1c0f0e-1111-4222-8333-944445555666').set(admin);
    expect(expectProblem(unknownProject, 404).code).not.toBe('HTTP.NOT_FOUND');
  });

  it('answers OPTIONS with the methods of the path, and 404 where nothing is served', async () => {
    const options = await system.http.options('/subscriptions/6f1c0f0e-1111-4222-8333-944445555666').expect(204);
    expect(options.headers.allow).toBe('GET, HEAD, DELETE, OPTIONS');
    expect(options.text).toBe('');
    expectProblem(await system.http.options('/no-such-route'), 404);
  });
});
