import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type INestApplication, Logger } from '@nestjs/common';
import request from 'supertest';
import { createApiApplication } from '../apps/api/src/bootstrap.js';
import { hashApiKeySecret } from '../apps/api/src/auth/api-key-secrets.js';
import { BOOTSTRAP_ADMIN_KEY_ID } from '../apps/api/src/auth/api-keys.service.js';
import { auth } from './support/api-helpers.js';
import { bansuoProposal } from './support/bansuo.js';
import { type RunningApi, countEvents, expectProblem, startApi } from './support/running-api.js';
import { eventually } from './support/test-environment.js';

let system: RunningApi;
let admin: Record<string, string>;
/** Every secret this spec saw, to prove none is stored or listed in clear. */
const secrets: string[] = [];

interface CreatedKey {
  id: string;
  secret: string;
}

async function createKey(body: Record<string, unknown>): Promise<CreatedKey> {
  const response = await system.http.post('/api-keys').set(admin).send(body).expect(201);
  expect(response.body.secret).toMatch(/^ptk_[A-Za-z0-9_-]{43}$/);
  secrets.push(response.body.secret);
  return response.body as CreatedKey;
}

const status = async (secret: string) => (await system.http.get('/projects').set(auth(secret))).status;

beforeAll(async () => {
  system = await startApi('api_keys', { API_KEY_ROTATION_GRACE_SECONDS: '3600' });
  admin = auth(system.adminKey);
  secrets.push(system.adminKey);
});

afterAll(async () => {
  await system?.stop();
});

describe('listing keys', () => {
  it('shows admins name, role, scope, status, creation, last use and expiry, and never a secret or hash', async () => {
    const auditor = await createKey({ name: 'Evaluation team', role: 'auditor', expiresAt: '2030-01-01T00:00:00Z' });
    const scope = [(await system.http.post('/projects').set(admin).send(bansuoProposal()).expect(201)).body.id as string];
    const team = await createKey({ name: 'Bansuo field office', role: 'team', projectIds: scope });
    await system.http.get('/projects').set(auth(auditor.secret)).expect(200);

    const listed = await eventually(
      async () => {
        const response = await system.http.get('/api-keys').set(admin).expect(200);
        const row = response.body.items.find((k: { id: string }) => k.id === auditor.id);
        return row?.lastUsedAt ? response : undefined;
      },
      5_000,
      'lastUsedAt of the auditor key',
    );
    const items = listed.body.items as Record<string, unknown>[];
    expect(items.find((k) => k.id === auditor.id)).toEqual({
      id: auditor.id,
      name: 'Evaluation team',
      role: 'auditor',
      projectIds: [],
      status: 'active',
      bootstrap: false,
      createdAt: expect.any(String),
      lastUsedAt: expect.any(String),
      expiresAt: '2030-01-01T00:00:00.000Z',
      revokedAt: null,
      rotatedAt: null,
      previousSecretValidUntil: null,
    });
    expect(items.find((k) => k.id === team.id)).toMatchObject({ role: 'team', projectIds: scope, lastUsedAt: null });
    expect(items.find((k) => k.id === BOOTSTRAP_ADMIN_KEY_ID)).toMatchObject({ role: 'admin', bootstrap: true, status: 'active' });
    for (const secret of secrets) {
      expect(listed.text).not.toContain(secret);
      expect(listed.text).not.toContain(hashApiKeySecret(secret));
    }
    expect(listed.text).not.toMatch(/secret"|hash"/i);
  });

  it('writes last_used_at at most once a minute, however often the key is used', async () => {
    const key = await createKey({ name: 'Busy script', role: 'auditor' });
    await system.http.get('/projects').set(auth(key.secret)).expect(200);
    const first = await eventually(async () => {
      const row = await system.db.query('SELECT last_used_at FROM api_keys WHERE id = $1', [key.id]);
      return row.rows[0].last_used_at as Date | null;
    });
    for (let i = 0; i < 5; i++) await system.http.get('/projects').set(auth(key.secret)).expect(200);
    const after = await system.db.query('SELECT last_used_at FROM api_keys WHERE id = $1', [key.id]);
    expect(after.rows[0].last_used_at).toEqual(first);
  });

  it('lets an auditor read the list, to name the key an event records as its actor, and change nothing', async () => {
    const field = await createKey({ name: 'Xianglong field office', role: 'manager' });
    const id = (await system.http.post('/projects').set(auth(field.secret)).send(bansuoProposal()).expect(201)).body.id as string;
    const auditor = await createKey({ name: 'Evaluation team', role: 'auditor' });
    const asAuditor = auth(auditor.secret);
    const [proposed] = (await system.http.get(`/projects/${id}/events`).set(asAuditor).expect(200)).body.items;
    const keys = (await system.http.get('/api-keys').set(asAuditor).expect(200)).body.items as { id: string; name: string }[];
    expect(keys.find((key) => key.id === proposed.metadata.actor.keyId)?.name).toBe('Xianglong field office');
    expectProblem(await system.http.delete(`/api-keys/${field.id}`).set(asAuditor), 403);
    expectProblem(await system.http.post(`/api-keys/${field.id}/rotate`).set(asAuditor).send({}), 403);
    await system.http.post('/projects').set(auth(field.secret)).send(bansuoProposal()).expect(201);
  });

  it('lets only admins manage keys, and only admins and auditors list them', async () => {
    const manager = await createKey({ name: 'Provincial office', role: 'manager' });
    const asManager = auth(manager.secret);
    expectProblem(await system.http.get('/api-keys').set(asManager), 403);
    expectProblem(await system.http.delete(`/api-keys/${manager.id}`).set(asManager), 403);
    expectProblem(await system.http.post(`/api-keys/${manager.id}/rotate`).set(asManager).send({}), 403);
    expectProblem(await system.http.get('/api-keys'), 401);
    const auditor = await createKey({ name: 'Evaluator', role: 'auditor' });
    const refused = expectProblem(await system.http.post('/api-keys').set(auth(auditor.secret)).send({ name: 'x', role: 'team' }), 403);
    expect(refused.detail).toBe('An auditor key may not do this; it needs one of: admin.');
    expect(expectProblem(await system.http.get('/api-keys').set(asManager), 403).detail).toBe('A manager key may not do this; it needs one of: admin, auditor.');
    const unscoped = expectProblem(await system.http.post('/api-keys').set(admin).send({ name: 'x', role: 'admin', projectIds: [manager.id] }), 400);
    expect(unscoped.detail).toBe('An admin key is not scoped to projects.');
  });

  it('scopes a team key only to projects that exist, whatever the case of their ids', async () => {
    const keysBefore = (await system.db.query('SELECT count(*)::int AS n FROM api_keys')).rows[0].n;
    const nowhere = '0b9e7c52-8d4f-4d9b-a7a4-2b7f0c1d2e3f';
    const refused = expectProblem(await system.http.post('/api-keys').set(admin).send({ name: 'Field office', role: 'team', projectIds: [nowhere] }), 400);
    expect(refused).toMatchObject({ code: 'API_KEY.UNKNOWN_PROJECT', errors: [{ field: 'projectIds', message: `names unknown projects: ${nowhere}` }] });
    // A thousand unknown ids: the first five named and how many more, not a 76 KB answer.
    const many = Array.from({ length: 1_000 }, (_, n) => `0b9e7c52-8d4f-4d9b-a7a4-${String(n).padStart(12, '0')}`);
    const long = expectProblem(await system.http.post('/api-keys').set(admin).send({ name: 'Field office', role: 'team', projectIds: many }), 400);
    expect(long.errors).toEqual([{ field: 'projectIds', message: `names unknown projects: ${many.slice(0, 5).join(', ')} and 995 more` }]);
    expect(long.detail).toBe(`No project has the id ${many.slice(0, 5).join(', ')} and 995 more.`);
    expect((await system.db.query('SELECT count(*)::int AS n FROM api_keys')).rows[0].n).toBe(keysBefore);

    const project = (await system.http.post('/projects').set(admin).send(bansuoProposal()).expect(201)).body.id as string;
    const team = await createKey({ name: 'Field office', role: 'team', projectIds: [project.toUpperCase()] });
    const listed = (await system.http.get('/api-keys').set(admin).expect(200)).body.items.find((key: { id: string }) => key.id === team.id);
    expect(listed.projectIds).toEqual([project]);
    // In scope whichever case the path writes the id in.
    for (const id of [project, project.toUpperCase()]) {
      await system.http.post(`/projects/${id}/components`).set(auth(team.secret)).send({ name: 'Road', kind: 'infrastructure' }).expect(201);
    }
  });
});

describe('revoking keys', () => {
  it('refuses a revoked key from the very next request', async () => {
    const key = await createKey({ name: 'Lost laptop', role: 'manager' });
    expect(await status(key.secret)).toBe(200);
    await system.http.delete(`/api-keys/${key.id}`).set(admin).expect(204);
    const refused = expectProblem(await system.http.get('/projects').set(auth(key.secret)), 401);
    expect(refused.detail).toMatch(/unknown, revoked or expired/);
    // Revoking again changes nothing; the listing says when it happened.
    await system.http.delete(`/api-keys/${key.id}`).set(admin).expect(204);
    const listed = (await system.http.get('/api-keys').set(admin).expect(200)).body.items.find((k: { id: string }) => k.id === key.id);
    expect(listed).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
  });

  it('refuses the commands of a key revoked, expired or rotated away elsewhere from the very next request, whatever they would answer', async () => {
    // Commands recall a key authenticated lately instead of reading api_keys, and confirm it with the
    // append: these keys are known to this process when another one (here, SQL) ends them.
    const [revoked, expired, rotated] = await Promise.all(['Revoked', 'Expired', 'Rotated'].map((name) => createKey({ name, role: 'manager' })));
    const projects: Record<string, string> = {};
    for (const key of [revoked, expired, rotated]) {
      const proposed = await system.http.post('/projects').set(auth(key.secret)).send(bansuoProposal()).expect(201);
      projects[key.id] = proposed.body.id;
      await system.http.post(`/projects/${proposed.body.id}/approve`).set(auth(key.secret)).set('Idempotency-Key', 'approve-1').send({}).expect(200);
    }
    await system.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [revoked.id]);
    await system.db.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired.id]);
    await system.db.query(`UPDATE api_keys SET secret_hash = $2, rotated_at = now() WHERE id = $1`, [rotated.id, hashApiKeySecret('ptk_replaced')]);

    const before = await countEvents(system.db);
    for (const key of [revoked, expired, rotated]) {
      const id = projects[key.id]!;
      const as = auth(key.secret);
      // Would append; would be refused by the rules (409); would be refused as invalid (400); would replay.
      expectProblem(await system.http.post(`/projects/${id}/start`).set(as).send({}), 401);
      expectProblem(await system.http.post(`/projects/${id}/approve`).set(as).send({}), 401);
      expectProblem(await system.http.post(`/projects/${id}/suspend`).set(as).send({ reason: 42 }), 401);
      const replay = expectProblem(await system.http.post(`/projects/${id}/approve`).set(as).set('Idempotency-Key', 'approve-1').send({}), 401);
      expect(replay.detail).toMatch(/unknown, revoked or expired/);
      expectProblem(await system.http.post('/projects').set(as).send(bansuoProposal()), 401);
    }
    expect(await countEvents(system.db)).toBe(before);
  });

  it.each<[string, (id: string) => { path: string; body: object; idempotencyKey?: string }]>([
    ['a body the validation pipe refuses', (id: string) => ({ path: `/projects/${id}/suspend`, body: { reason: 42 } })],
    ['a command the rules refuse', (id: string) => ({ path: `/projects/${id}/approve`, body: {} })],
    ['an idempotent replay', (id: string) => ({ path: `/projects/${id}/approve`, body: {}, idempotencyKey: 'approve-1' })],
    ['a command that would append', (id: string) => ({ path: `/projects/${id}/start`, body: {} })],
  ])('answers 401 to the first request of a key revoked elsewhere while it is remembered, when that request is %s', async (_, request) => {
    // Each scenario its own key: the first refusal makes the process forget a key, and the requests after
    // it are refused by the lookup in the guard, whatever path they would have taken.
    const key = await createKey({ name: 'Remembered', role: 'manager' });
    const id = (await system.http.post('/projects').set(auth(key.secret)).send(bansuoProposal()).expect(201)).body.id as string;
    await system.http.post(`/projects/${id}/approve`).set(auth(key.secret)).set('Idempotency-Key', 'approve-1').send({}).expect(200);
    await system.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [key.id]);

    const { path, body, idempotencyKey } = request(id);
    const sent = system.http.post(path).set(auth(key.secret));
    const response = await (idempotencyKey ? sent.set('Idempotency-Key', idempotencyKey) : sent).send(body);
    expect(expectProblem(response, 401).detail).toMatch(/unknown, revoked or expired/);
    // Nothing of the answer an active key would have had (a replay's version and its mark).
    expect(response.headers.etag).toBeUndefined();
    expect(response.headers['idempotent-replayed']).toBeUndefined();
  });

  it('answers a revoked key 401, not the 403 its role or scope would get, on a command it may not run', async () => {
    const project = (await system.http.post('/projects').set(admin).send(bansuoProposal()).expect(201)).body.id as string;
    const auditor = await createKey({ name: 'Revoked auditor', role: 'auditor' });
    const elsewhere = (await system.http.post('/projects').set(admin).send(bansuoProposal()).expect(201)).body.id as string;
    const team = await createKey({ name: 'Revoked team', role: 'team', projectIds: [elsewhere] });
    // Each key's first command is refused (403) after a lookup, so the next one is answered from memory.
    for (const key of [auditor, team]) {
      expectProblem(await system.http.post(`/projects/${project}/components`).set(auth(key.secret)).send({}), 403);
    }
    await system.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = ANY($1::uuid[])', [[auditor.id, team.id]]);
    for (const key of [auditor, team]) {
      expectProblem(await system.http.post(`/projects/${project}/components`).set(auth(key.secret)).send({}), 401);
      expectProblem(await system.http.post('/projects').set(auth(key.secret)).send({}), 401);
    }
  });

  it('refuses a name of more than one line, which the inbox stream would have sent as lines of its own', async () => {
    const keysBefore = (await system.db.query('SELECT count(*)::int AS n FROM api_keys')).rows[0].n;
    for (const name of ['Field office\n\nid: 999\nevent: notification\ndata: {}', 'Tab\there', 'Bell\u0007']) {
      const problem = expectProblem(await system.http.post('/api-keys').set(admin).send({ name, role: 'manager' }), 400);
      expect(problem.errors).toEqual([{ field: 'name', message: 'name must be one line, without control characters' }]);
    }
    expect((await system.db.query('SELECT count(*)::int AS n FROM api_keys')).rows[0].n).toBe(keysBefore);
    // Letters of any script are names all the same.
    await system.http.post('/api-keys').set(admin).send({ name: 'ຫ້ອງການ Bansuo – field office', role: 'manager' }).expect(201);
  });

  it('answers 404 for an unknown key', async () => {
    const problem = expectProblem(await system.http.delete('/api-keys/0b9e7c52-8d4f-4d9b-a7a4-2b7f0c1d2e3f').set(admin), 404);
    expect(problem.code).toBe('API_KEY.NOT_FOUND');
  });
});

describe('expiry', () => {
  it('refuses a key once its expiry has passed, and refuses expiries in the past', async () => {
    const key = await createKey({ name: 'Visiting evaluator', role: 'auditor', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(await status(key.secret)).toBe(200);
    // Let the hour pass: move the expiry, as the clock would.
    await system.db.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [key.id]);
    expect(await status(key.secret)).toBe(401);
    const listed = (await system.http.get('/api-keys').set(admin).expect(200)).body.items.find((k: { id: string }) => k.id === key.id);
    expect(listed.status).toBe('expired');

    const past = expectProblem(
      await system.http.post('/api-keys').set(admin).send({ name: 'x', role: 'auditor', expiresAt: '2020-01-01T00:00:00Z' }),
      400,
    );
    expect(past.errors).toEqual([{ field: 'expiresAt', message: 'must be in the future' }]);
    const rotated = expectProblem(await system.http.post(`/api-keys/${key.id}/rotate`).set(admin).send({}), 409);
    expect(rotated.code).toBe('API_KEY.EXPIRED');
  });
});

describe('rotation', () => {
  it('gives a new secret and keeps the old one working for the grace period given', async () => {
    const key = await createKey({ name: 'Nightly export', role: 'auditor' });
    const response = await system.http.post(`/api-keys/${key.id}/rotate`).set(admin).send({ gracePeriodSeconds: 600 }).expect(200);
    const rotated = response.body;
    secrets.push(rotated.secret);
    expect(rotated).toMatchObject({ id: key.id, name: 'Nightly export', status: 'active', rotatedAt: expect.any(String) });
    expect(rotated.secret).toMatch(/^ptk_[A-Za-z0-9_-]{43}$/);
    expect(rotated.secret).not.toBe(key.secret);
    const graceLeft = Date.parse(rotated.previousSecretValidUntil) - Date.now();
    expect(graceLeft).toBeGreaterThan(590_000);
    expect(graceLeft).toBeLessThanOrEqual(600_000);

    expect(await status(rotated.secret)).toBe(200);
    expect(await status(key.secret)).toBe(200);
    // The grace period ends.
    await system.db.query(`UPDATE api_keys SET previous_valid_until = now() - interval '1 second' WHERE id = $1`, [key.id]);
    expect(await status(key.secret)).toBe(401);
    expect(await status(rotated.secret)).toBe(200);
  });

  it('takes API_KEY_ROTATION_GRACE_SECONDS when the rotation names no grace, and 0 ends the old secret at once', async () => {
    const key = await createKey({ name: 'Sync script', role: 'auditor' });
    const byDefault = (await system.http.post(`/api-keys/${key.id}/rotate`).set(admin).expect(200)).body;
    secrets.push(byDefault.secret);
    expect(Date.parse(byDefault.previousSecretValidUntil) - Date.now()).toBeGreaterThan(3_590_000);
    expect(await status(key.secret)).toBe(200);

    const immediate = (await system.http.post(`/api-keys/${key.id}/rotate`).set(admin).send({ gracePeriodSeconds: 0 }).expect(200)).body;
    secrets.push(immediate.secret);
    expect(immediate.previousSecretValidUntil).toBeNull();
    expect(await status(key.secret)).toBe(401);
    expect(await status(byDefault.secret)).toBe(401);
    expect(await status(immediate.secret)).toBe(200);
  });

  it('refuses to rotate a revoked key, an unknown key, or the ADMIN_API_KEY key, and bounds the grace', async () => {
    const key = await createKey({ name: 'Old', role: 'auditor' });
    await system.http.delete(`/api-keys/${key.id}`).set(admin).expect(204);
    expect(expectProblem(await system.http.post(`/api-keys/${key.id}/rotate`).set(admin).send({}), 409).code).toBe('API_KEY.REVOKED');
    expectProblem(await system.http.post('/api-keys/0b9e7c52-8d4f-4d9b-a7a4-2b7f0c1d2e3f/rotate').set(admin).send({}), 404);
    const bootstrap = expectProblem(await system.http.post(`/api-keys/${BOOTSTRAP_ADMIN_KEY_ID}/rotate`).set(admin).send({}), 409);
    expect(bootstrap.code).toBe('API_KEY.BOOTSTRAP_ROTATION');
    const tooLong = expectProblem(await system.http.post(`/api-keys/${key.id}/rotate`).set(admin).send({ gracePeriodSeconds: 31 * 86400 }), 400);
    expect(tooLong.errors).toEqual([{ field: 'gracePeriodSeconds', message: expect.stringMatching(/must not be greater than/) }]);
  });
});

describe('secrets at rest', () => {
  it('leaves no secret in clear in a pg_dump of the database', async () => {
    const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', system.env.config.databaseUrl], { maxBuffer: 64 * 1024 * 1024 });
    expect(stdout).toContain(hashApiKeySecret(secrets[1]!));
    for (const secret of secrets) expect(stdout).not.toContain(secret);
  });
});

describe('the ADMIN_API_KEY key', () => {
  // Last: these revoke the bootstrap admin key of this spec's database.
  it('cannot be the last admin key revoked; once revoked it stays revoked across restarts until the setting changes', async () => {
    const solo = expectProblem(await system.http.delete(`/api-keys/${BOOTSTRAP_ADMIN_KEY_ID}`).set(admin), 409);
    expect(solo.code).toBe('API_KEY.LAST_ADMIN');
    // An admin key that runs out in an hour does not stand in for one that never does; it may go itself.
    const passing = await createKey({ name: 'Visiting admin', role: 'admin', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(expectProblem(await system.http.delete(`/api-keys/${BOOTSTRAP_ADMIN_KEY_ID}`).set(admin), 409).code).toBe('API_KEY.LAST_ADMIN');
    await system.http.delete(`/api-keys/${passing.id}`).set(admin).expect(204);

    const second = await createKey({ name: 'Second admin', role: 'admin' });
    await system.http.delete(`/api-keys/${BOOTSTRAP_ADMIN_KEY_ID}`).set(auth(second.secret)).expect(204);
    expect(await status(system.adminKey)).toBe(401);
    // Now the second admin is the last one, and may not revoke itself.
    expect(expectProblem(await system.http.delete(`/api-keys/${second.id}`).set(auth(second.secret)), 409).code).toBe('API_KEY.LAST_ADMIN');

    const restarted = async (adminApiKey: string): Promise<INestApplication> => {
      process.env.ADMIN_API_KEY = adminApiKey;
      const app = await createApiApplication({ ...system.env.config, adminApiKey });
      await app.init();
      return app;
    };
    const sameSetting = await restarted(system.adminKey);
    try {
      await request(sameSetting.getHttpServer()).get('/projects').set(auth(system.adminKey)).expect(401);
    } finally {
      await sameSetting.close();
    }
    const newSetting = await restarted(`${system.adminKey}-replaced`);
    try {
      await request(newSetting.getHttpServer()).get('/projects').set(auth(`${system.adminKey}-replaced`)).expect(200);
      await request(newSetting.getHttpServer()).get('/projects').set(auth(system.adminKey)).expect(401);
    } finally {
      await newSetting.close();
      process.env.ADMIN_API_KEY = system.adminKey;
    }
    // The setting removed does not retire the key its secret opens: a start says so, every time.
    const warned = jest.spyOn(Logger.prototype, 'warn');
    delete process.env.ADMIN_API_KEY;
    const unset = await createApiApplication({ ...system.env.config, adminApiKey: undefined });
    try {
      await unset.init();
      await request(unset.getHttpServer()).get('/projects').set(auth(`${system.adminKey}-replaced`)).expect(200);
      expect(warned.mock.calls.map(([message]) => String(message))).toContainEqual(
        `ADMIN_API_KEY is not set, and the bootstrap admin key it last set is still active: revoke it (DELETE /api-keys/${BOOTSTRAP_ADMIN_KEY_ID}) to retire it.`,
      );
    } finally {
      warned.mockRestore();
      await unset.close();
      process.env.ADMIN_API_KEY = system.adminKey;
    }
    // The ADMIN_API_KEY key is revoked: from here on the second admin manages keys.
    admin = auth(second.secret);
  });

  it('never lets two admins revoke each other at the same moment', async () => {
    const a = await createKey({ name: 'Admin A', role: 'admin' });
    const b = await createKey({ name: 'Admin B', role: 'admin' });
    // Leave A and B as the only active admins.
    const others = await system.db.query<{ id: string }>(
      `SELECT id FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL AND id NOT IN ($1, $2)`,
      [a.id, b.id],
    );
    for (const { id } of others.rows) await system.http.delete(`/api-keys/${id}`).set(auth(a.secret)).expect(204);
    const [byA, byB] = await Promise.all([
      system.http.delete(`/api-keys/${b.id}`).set(auth(a.secret)),
      system.http.delete(`/api-keys/${a.id}`).set(auth(b.secret)),
    ]);
    // One wins; the other is refused as the last admin (409), or finds its own key already revoked (401).
    expect([byA.status, byB.status].filter((s) => s === 204)).toHaveLength(1);
    expect([401, 409]).toContain([byA.status, byB.status].find((s) => s !== 204));
    const active = await system.db.query(`SELECT count(*)::int AS n FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL`);
    expect(active.rows[0].n).toBe(1);
  });
});
