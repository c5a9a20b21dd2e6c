import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type request from 'supertest';
import { auth } from './support/api-helpers.js';
import { bansuoProposal } from './support/bansuo.js';
import { type RunningApi, expectProblem, startApi } from './support/running-api.js';

/**
 * Idempotency-Key on the writes outside the event store: subscriptions, API keys created and rotated.
 * A retry creates nothing; an answer that showed a secret is not shown again (409 naming what was made)
 * and its secret is stored in clear nowhere.
 */

let system: RunningApi;
let admin: Record<string, string>;
let manager: Record<string, string>;
let otherManager: Record<string, string>;
let projectId: string;
/** Every secret this spec saw, to prove none is stored in clear. */
const secrets: string[] = [];

async function newKey(role: 'admin' | 'manager'): Promise<{ id: string; secret: string }> {
  const response = await system.http.post('/api-keys').set(admin).send({ name: `${role} key`, role }).expect(201);
  secrets.push(response.body.secret);
  return response.body;
}

const subscribe = (key: Record<string, string>, idempotencyKey: string, body: object) =>
  system.http.post('/subscriptions').set(key).set('Idempotency-Key', idempotencyKey).send(body);

const count = async (sql: string, values: unknown[] = []) => (await system.db.query<{ n: number }>(sql, values)).rows[0]!.n;
const subscriptionsOf = (ownerKeyId: string) => count('SELECT count(*)::int AS n FROM subscriptions WHERE owner_key_id = $1', [ownerKeyId]);
const apiKeys = () => count('SELECT count(*)::int AS n FROM api_keys');
const records = (idempotencyKey: string) => count('SELECT count(*)::int AS n FROM idempotency_records WHERE idempotency_key = $1', [idempotencyKey]);
const unique = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

/** Sends `send` `n` times at once. */
const concurrently = (n: number, send: () => request.Test) => Promise.all(Array.from({ length: n }, () => send()));

let managerId: string;
let otherManagerId: string;

beforeAll(async () => {
  system = await startApi('idempotent_posts');
  admin = auth(system.adminKey);
  secrets.push(system.adminKey);
  const m = await newKey('manager');
  const o = await newKey('manager');
  manager = auth(m.secret);
  otherManager = auth(o.secret);
  managerId = m.id;
  otherManagerId = o.id;
  projectId = (await system.http.post('/projects').set(manager).send(bansuoProposal()).expect(201)).body.id;
});

afterAll(async () => {
  await system?.stop();
});

describe('POST /subscriptions with Idempotency-Key', () => {
  it('answers a retry with the first answer and creates nothing; the key with another body is 422', async () => {
    const key = `sub-${unique()}`;
    const body = { channel: 'email', address: 'office@example.org', filter: { projectIds: [projectId] } };
    const before = await subscriptionsOf(managerId);
    const first = await subscribe(manager, key, body).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await subscribe(manager, key, body).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(`/subscriptions/${first.body.id}`);
    expect(await subscriptionsOf(managerId)).toBe(before + 1);

    const other = expectProblem(await subscribe(manager, key, { ...body, address: 'another@example.org' }), 422);
    expect(other.code).toBe('IDEMPOTENCY_KEY.REUSED');
    expect(expectProblem(await subscribe(manager, key, { channel: 'inbox' }), 422).code).toBe('IDEMPOTENCY_KEY.REUSED');
    expect(await subscriptionsOf(managerId)).toBe(before + 1);
    expect(await records(key)).toBe(1);
  });

  it('creates one subscription for concurrent requests with one key, and answers each with the first answer', async () => {
    const key = `sub-${unique()}`;
    const before = await subscriptionsOf(managerId);
    const answers = await concurrently(7, () => subscribe(manager, key, { channel: 'inbox', filter: { countries: ['LA'] } }));
    expect(answers.map((a) => a.status)).toEqual(Array(7).fill(201));
    expect(answers.map((a) => a.body)).toEqual(Array(7).fill(answers[0]!.body));
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    expect(await subscriptionsOf(managerId)).toBe(before + 1);
  });

  it('refuses a retry of a webhook subscription 409, naming it, for its signing secret is shown once', async () => {
    const key = `sub-${unique()}`;
    const body = { channel: 'webhook', url: 'http://127.0.0.1:9/hooks/project-tracker' };
    const before = await subscriptionsOf(managerId);
    const first = await subscribe(manager, key, body).expect(201);
    expect(first.body.secret).toMatch(/^whsec_/);
    secrets.push(first.body.secret);

    const again = await subscribe(manager, key, body);
    const problem = expectProblem(again, 409);
    expect(problem).toMatchObject({ code: 'IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE', resourceId: first.body.id });
    expect(problem.detail).toContain(first.body.id);
    expect(again.headers.location).toBe(`/subscriptions/${first.body.id}`);
    expect(again.text).not.toContain(first.body.secret);
    expect(again.text).not.toContain('whsec_');
    expect(await subscriptionsOf(managerId)).toBe(before + 1);
    // The subscription it names is the one the first answer made, with the secret that answer showed.
    await system.http.get(again.headers.location!).set(manager).expect(200);
    expect(expectProblem(await subscribe(manager, key, { ...body, url: 'http://127.0.0.1:9/other' }), 422).code).toBe('IDEMPOTENCY_KEY.REUSED');

    const concurrentKey = `sub-${unique()}`;
    const answers = await concurrently(6, () => subscribe(manager, concurrentKey, body));
    const created = answers.filter((a) => a.status === 201);
    expect(created).toHaveLength(1);
    secrets.push(created[0]!.body.secret);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused.map((a) => [a.status, a.body.code, a.body.resourceId])).toEqual(
      Array(5).fill([409, 'IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE', created[0]!.body.id]),
    );
    expect(await subscriptionsOf(managerId)).toBe(before + 2);
  });

  it("keeps one API key's Idempotency-Keys apart from another's", async () => {
    const key = `sub-${unique()}`;
    const body = { channel: 'inbox', filter: { countries: ['KH'] } };
    const mine = await subscribe(manager, key, body).expect(201);
    const theirs = await subscribe(otherManager, key, body).expect(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.id).not.toBe(mine.body.id);
    const mineAgain = await subscribe(manager, key, body).expect(201);
    const theirsAgain = await subscribe(otherManager, key, body).expect(201);
    expect([mineAgain.body.id, theirsAgain.body.id]).toEqual([mine.body.id, theirs.body.id]);
    await system.http.get(`/subscriptions/${theirs.body.id}`).set(otherManager).expect(200);
    expect(await records(key)).toBe(2);
    expect(await count('SELECT count(*)::int AS n FROM subscriptions WHERE id = ANY($1) AND owner_key_id = ANY($2)', [
      [mine.body.id, theirs.body.id],
      [managerId, otherManagerId],
    ])).toBe(2);
  });

  it('stores nothing for a refused request: a retry is refused again, and the key stays free', async () => {
    const key = `sub-${unique()}`;
    const before = await subscriptionsOf(managerId);
    const unknownProject = { channel: 'inbox', filter: { projectIds: ['0b9e7c52-8d4f-4d9b-a7a4-2b7f0c1d2e3f'] } };
    expect(expectProblem(await subscribe(manager, key, unknownProject), 400).code).toBe('SUBSCRIPTION.UNKNOWN_PROJECT');
    expect(expectProblem(await subscribe(manager, key, unknownProject), 400).code).toBe('SUBSCRIPTION.UNKNOWN_PROJECT');
    expect(expectProblem(await subscribe(manager, key, { channel: 'pigeon' }), 400).code).toBe('REQUEST.INVALID');
    expect(await records(key)).toBe(0);
    expect(await subscriptionsOf(managerId)).toBe(before);
    const created = await subscribe(manager, key, { channel: 'inbox', filter: { countries: ['VN'] } }).expect(201);
    expect(created.headers['idempotent-replayed']).toBeUndefined();
    expect(await subscriptionsOf(managerId)).toBe(before + 1);

    const malformed = expectProblem(await subscribe(manager, 'not a key', { channel: 'inbox' }), 400);
    expect(malformed.errors).toEqual([{ field: 'header:Idempotency-Key', message: expect.any(String) }]);
    expect(await subscriptionsOf(managerId)).toBe(before + 1);
  });
});

describe('POST /subscriptions/{id}/rotate-secret with Idempotency-Key', () => {
  const rotate = (id: string, idempotencyKey: string, body: object = {}) =>
    system.http.post(`/subscriptions/${id}/rotate-secret`).set(manager).set('Idempotency-Key', idempotencyKey).send(body);
  const sealed = async (id: string) =>
    (await system.db.query('SELECT secret_sealed, previous_secret_sealed, secret_rotated_at FROM subscriptions WHERE id = $1', [id])).rows[0];

  it('rotates once for a retry and for concurrent requests with one key, refusing the others 409 rather than show a secret again', async () => {
    const webhook = await system.http.post('/subscriptions').set(manager).send({ channel: 'webhook', url: 'http://127.0.0.1:9/hooks/rotated' }).expect(201);
    secrets.push(webhook.body.secret);
    const key = `rotate-webhook-${unique()}`;
    const first = await rotate(webhook.body.id, key, { gracePeriodSeconds: 0 }).expect(200);
    expect(first.body.secret).toMatch(/^whsec_/);
    secrets.push(first.body.secret);
    const afterFirst = await sealed(webhook.body.id);

    const again = await rotate(webhook.body.id, key, { gracePeriodSeconds: 0 });
    expect(expectProblem(again, 409)).toMatchObject({ code: 'IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE', resourceId: webhook.body.id });
    expect(again.headers.location).toBe(`/subscriptions/${webhook.body.id}`);
    expect(again.text).not.toContain('whsec_');
    expect(await sealed(webhook.body.id)).toEqual(afterFirst);
    expect(expectProblem(await rotate(webhook.body.id, key, { gracePeriodSeconds: 60 }), 422).code).toBe('IDEMPOTENCY_KEY.REUSED');

    const concurrentKey = `rotate-webhook-${unique()}`;
    const answers = await concurrently(6, () => rotate(webhook.body.id, concurrentKey));
    const rotated = answers.filter((a) => a.status === 200);
    expect(rotated).toHaveLength(1);
    secrets.push(rotated[0]!.body.secret);
    expect(answers.filter((a) => a.status !== 200).map((a) => [a.status, a.body.code, a.body.resourceId])).toEqual(
      Array(5).fill([409, 'IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE', webhook.body.id]),
    );
    // One rotation, not six: the secret the first rotation gave is now the previous one, in its grace.
    const afterConcurrent = await sealed(webhook.body.id);
    expect(afterConcurrent.previous_secret_sealed).toBe(afterFirst.secret_sealed);
    expect(afterConcurrent.secret_sealed).not.toBe(afterFirst.secret_sealed);
  });

  it('stores nothing for a refused rotation: a retry is refused again', async () => {
    const key = `rotate-webhook-${unique()}`;
    const inbox = await system.http.post('/subscriptions').set(manager).send({ channel: 'inbox', filter: { countries: ['TH'] } }).expect(201);
    expect(expectProblem(await rotate(inbox.body.id, key), 409).code).toBe('SUBSCRIPTION.NOT_WEBHOOK');
    expect(expectProblem(await rotate(inbox.body.id, key), 409).code).toBe('SUBSCRIPTION.NOT_WEBHOOK');
    expect(expectProblem(await rotate('0b9e7c52-8d4f-4d9b-a7a4-2b7f0c1d2e3f', key), 404).code).toBe('SUBSCRIPTION.NOT_FOUND');
    expect(await records(key)).toBe(0);
    expect(await sealed(inbox.body.id)).toEqual({ secret_sealed: null, previous_secret_sealed: null, secret_rotated_at: null });
  });
});

describe('POST /api-keys and /api-keys/{id}/rotate with Idempotency-Key', () => {
  const createKey = (by: Record<string, string>, idempotencyKey: string, body: object) =>
    system.http.post('/api-keys').set(by).set('Idempotency-Key', idempotencyKey).send(body);
  const rotate = (id: string, idempotencyKey: string, body: object = {}) =>
    system.http.post(`/api-keys/${id}/rotate`).set(admin).set('Idempotency-Key', idempotencyKey).send(body);
  const status = async (secret: string) => (await system.http.get('/projects').set(auth(secret))).status;

  it('creates one key for a retry, refusing it 409 naming the key rather than show its secret again', async () => {
    const key = `key-${unique()}`;
    const body = { name: 'Xianglong field office', role: 'auditor' };
    const before = await apiKeys();
    const first = await createKey(admin, key, body).expect(201);
    secrets.push(first.body.secret);
    const again = await createKey(admin, key, body);
    expect(expectProblem(again, 409)).toMatchObject({ code: 'IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE', resourceId: first.body.id });
    expect(again.text).not.toContain(first.body.secret);
    expect(again.text).not.toContain('ptk_');
    expect(await apiKeys()).toBe(before + 1);
    expect(await status(first.body.secret)).toBe(200);
    expect(expectProblem(await createKey(admin, key, { ...body, name: 'Another office' }), 422).code).toBe('IDEMPOTENCY_KEY.REUSED');

    const concurrentKey = `key-${unique()}`;
    const answers = await concurrently(6, () => createKey(admin, concurrentKey, body));
    const created = answers.filter((a) => a.status === 201);
    expect(created).toHaveLength(1);
    secrets.push(created[0]!.body.secret);
    expect(answers.filter((a) => a.status !== 201).map((a) => [a.status, a.body.code, a.body.resourceId])).toEqual(
      Array(5).fill([409, 'IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE', created[0]!.body.id]),
    );
    expect(await apiKeys()).toBe(before + 2);
  });

  it("keeps two admins' Idempotency-Keys apart, and stores nothing for a refused creation", async () => {
    const secondAdmin = auth((await newKey('admin')).secret);
    const key = `key-${unique()}`;
    const body = { name: 'Evaluation team', role: 'auditor' };
    const before = await apiKeys();
    const mine = await createKey(admin, key, body).expect(201);
    const theirs = await createKey(secondAdmin, key, body).expect(201);
    secrets.push(mine.body.secret, theirs.body.secret);
    expect(theirs.body.id).not.toBe(mine.body.id);
    // Each admin's retry names the key that admin's first request made.
    expect(expectProblem(await createKey(admin, key, body), 409).resourceId).toBe(mine.body.id);
    expect(expectProblem(await createKey(secondAdmin, key, body), 409).resourceId).toBe(theirs.body.id);
    expect(await apiKeys()).toBe(before + 2);

    const refusedKey = `key-${unique()}`;
    const teamWithoutScope = { name: 'Team', role: 'team' };
    expect(expectProblem(await createKey(admin, refusedKey, teamWithoutScope), 400).code).toBe('API_KEY.SCOPE_REQUIRED');
    expect(expectProblem(await createKey(admin, refusedKey, teamWithoutScope), 400).code).toBe('API_KEY.SCOPE_REQUIRED');
    expect(await records(refusedKey)).toBe(0);
    expect(await apiKeys()).toBe(before + 2);
    // The refusal did not take the key: a request under it runs, and is then answered as done.
    const team = await createKey(admin, refusedKey, { ...teamWithoutScope, projectIds: [projectId] }).expect(201);
    secrets.push(team.body.secret);
    expect(expectProblem(await createKey(admin, refusedKey, { ...teamWithoutScope, projectIds: [projectId] }), 409).resourceId).toBe(team.body.id);
    expect(await apiKeys()).toBe(before + 3);
  });

  it('rotates once for a retry and for concurrent requests with one key; the secret it gave keeps working', async () => {
    const target = await newKey('manager');
    const key = `rotate-${unique()}`;
    const first = await rotate(target.id, key, { gracePeriodSeconds: 0 }).expect(200);
    secrets.push(first.body.secret);
    const hashAfterFirst = (await system.db.query('SELECT secret_hash, rotated_at FROM api_keys WHERE id = $1', [target.id])).rows[0];

    const again = await rotate(target.id, key, { gracePeriodSeconds: 0 });
    expect(expectProblem(again, 409)).toMatchObject({ code: 'IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE', resourceId: target.id });
    expect(again.text).not.toContain('ptk_');
    expect((await system.db.query('SELECT secret_hash, rotated_at FROM api_keys WHERE id = $1', [target.id])).rows[0]).toEqual(hashAfterFirst);
    expect(await status(first.body.secret)).toBe(200);
    expect(await status(target.secret)).toBe(401);
    expect(expectProblem(await rotate(target.id, key, { gracePeriodSeconds: 60 }), 422).code).toBe('IDEMPOTENCY_KEY.REUSED');

    const concurrentKey = `rotate-${unique()}`;
    const answers = await concurrently(8, () => rotate(target.id, concurrentKey, { gracePeriodSeconds: 0 }));
    const rotated = answers.filter((a) => a.status === 200);
    expect(rotated).toHaveLength(1);
    secrets.push(rotated[0]!.body.secret);
    expect(answers.filter((a) => a.status !== 200).map((a) => [a.status, a.body.code, a.body.resourceId])).toEqual(
      Array(7).fill([409, 'IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE', target.id]),
    );
    // One rotation, not eight: the secret it answered is the key's.
    expect(await status(rotated[0]!.body.secret)).toBe(200);
    expect(await status(first.body.secret)).toBe(401);
  });

  it('stores nothing for a refused rotation: a retry is refused again', async () => {
    const key = `rotate-${unique()}`;
    const unknown = '0b9e7c52-8d4f-4d9b-a7a4-2b7f0c1d2e3f';
    expect(expectProblem(await rotate(unknown, key), 404).code).toBe('API_KEY.NOT_FOUND');
    expect(expectProblem(await rotate(unknown, key), 404).code).toBe('API_KEY.NOT_FOUND');
    expect(await records(key)).toBe(0);
    const target = await newKey('manager');
    const revoked = await newKey('manager');
    await system.http.delete(`/api-keys/${revoked.id}`).set(admin).expect(204);
    const revokedKey = `rotate-${unique()}`;
    expect(expectProblem(await rotate(revoked.id, revokedKey), 409).code).toBe('API_KEY.REVOKED');
    expect(await records(revokedKey)).toBe(0);
    // The refusals did not take the key: a rotation under it runs once, and its retry is answered as done.
    const rotated = await rotate(target.id, key).expect(200);
    secrets.push(rotated.body.secret);
    expect(expectProblem(await rotate(target.id, key), 409).resourceId).toBe(target.id);
    expect(await status(rotated.body.secret)).toBe(200);
  });
});

describe('secrets at rest', () => {
  it('keeps no secret in clear in the idempotency records, nor anywhere in a pg_dump', async () => {
    expect(secrets.filter((s) => s.startsWith('whsec_')).length).toBeGreaterThanOrEqual(5);
    expect(secrets.filter((s) => s.startsWith('ptk_')).length).toBeGreaterThanOrEqual(5);
    const stored = await system.db.query<{ response: string; secret_withheld: boolean }>(
      `SELECT response::text, secret_withheld FROM idempotency_records WHERE idempotency_key ~ '^(sub|key|rotate)-'`,
    );
    expect(stored.rows.filter((r) => r.secret_withheld).length).toBeGreaterThanOrEqual(6);
    for (const row of stored.rows) expect(row.response).not.toMatch(/whsec_|ptk_|"secret"/);
    const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', system.env.config.databaseUrl], { maxBuffer: 64 * 1024 * 1024 });
    expect(stdout).toContain('COPY public.idempotency_records');
    for (const secret of secrets) expect(stdout).not.toContain(secret);
  });
});
