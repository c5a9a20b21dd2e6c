import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { auth, createKey, type ProjectClient, startedProject } from './support/api-helpers.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { eventually } from './support/test-environment.js';

// Notifications travel through the feed, a queue and a receiver; a busy machine slows each step.
jest.setTimeout(60_000);

let system: RunningSystem;
let db: pg.Pool;
let manager: string;
let otherManager: string;
let project: ProjectClient;

beforeAll(async () => {
  system = await startSystem('notifications_api_e2e');
  db = new pg.Pool({ connectionString: system.env.config.databaseUrl });
  db.on('error', () => undefined);
  manager = await createKey(system, 'manager');
  otherManager = await createKey(system, 'manager');
  project = await startedProject(system, manager);
});

afterAll(async () => {
  await db?.end();
  await system?.stop();
});

const subscribe = (key: string, body: object) => system.http.post('/subscriptions').set(auth(key)).send(body);

describe('subscriptions', () => {
  it('creates webhook, e-mail and inbox subscriptions; the webhook secret is shown once and stored encrypted', async () => {
    const webhook = await subscribe(manager, {
      channel: 'webhook',
      url: 'http://127.0.0.1:9/hooks/project-tracker',
      filter: { projectIds: [project.id], countries: ['LA'], types: ['milestone.reached', 'milestone.overdue'] },
    }).expect(201);
    expect(webhook.body).toEqual({
      id: expect.any(String),
      channel: 'webhook',
      url: 'http://127.0.0.1:9/hooks/project-tracker',
      secretRotatedAt: null,
      previousSecretValidUntil: null,
      filter: { projectIds: [project.id], countries: ['LA'], types: ['milestone.reached', 'milestone.overdue'] },
      status: 'active',
      statusReason: null,
      createdAt: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const stored = await db.query('SELECT secret_sealed FROM subscriptions WHERE id = $1', [webhook.body.id]);
    expect(stored.rows[0].secret_sealed).not.toContain(webhook.body.secret.slice(6));

    const email = await subscribe(manager, { channel: 'email', address: 'office@example.org' }).expect(201);
    expect(email.body).toMatchObject({ channel: 'email', address: 'office@example.org', filter: { projectIds: [], countries: [], types: [] } });
    expect(email.body.secret).toBeUndefined();
    const inbox = await subscribe(manager, { channel: 'inbox' }).expect(201);

    expect(webhook.headers.location).toBe(`/subscriptions/${webhook.body.id}`);
    const fetched = await system.http.get(webhook.headers.location!).set(auth(manager)).expect(200);
    expect(fetched.body.id).toBe(webhook.body.id);
    expect(fetched.body.secret).toBeUndefined();
    const listed = await system.http.get('/subscriptions').set(auth(manager)).expect(200);
    expect(listed.body.items.map((s: any) => s.id)).toEqual([webhook.body.id, email.body.id, inbox.body.id]);
    expect(listed.body.items.every((s: any) => s.secret === undefined)).toBe(true);
    expect(listed.body.total).toBe(3);
  });

  it('answers 400 problem+json for invalid URLs, addresses, unknown types and misplaced fields, storing nothing', async () => {
    const before = (await db.query('SELECT count(*)::int AS n FROM subscriptions')).rows[0].n;
    const cases: [object, string, string][] = [
      [{ channel: 'webhook', url: 'ftp://hooks.example.org/x' }, 'url', 'SUBSCRIPTION.URL_SCHEME'],
      [{ channel: 'webhook', url: 'not a url' }, 'url', 'SUBSCRIPTION.URL_SCHEME'],
      [{ channel: 'webhook', url: 'https://user:secret@hooks.example.org/' }, 'url', 'SUBSCRIPTION.URL_CREDENTIALS'],
      [{ channel: 'webhook', url: 'https://no-such-host.invalid/' }, 'url', 'SUBSCRIPTION.URL_UNRESOLVABLE'],
      [{ channel: 'webhook' }, 'url', 'REQUEST.INVALID'],
      [{ channel: 'email', address: 'not-an-address' }, 'address', 'REQUEST.INVALID'],
      [{ channel: 'email' }, 'address', 'REQUEST.INVALID'],
      // Valid to validator.js as quoted local parts; no mail server takes them (501 at every delivery).
      [{ channel: 'email', address: '"a\r\nBcc: e@example.org"@example.org' }, 'address', 'REQUEST.INVALID'],
      [{ channel: 'email', address: '"<b>x</b>"@example.org' }, 'address', 'REQUEST.INVALID'],
      [{ channel: 'inbox', url: 'https://hooks.example.org/' }, 'url', 'SUBSCRIPTION.FIELD_NOT_ALLOWED'],
      [{ channel: 'webhook', url: 'https://hooks.example.org/', address: 'a@example.org' }, 'address', 'SUBSCRIPTION.FIELD_NOT_ALLOWED'],
      [{ channel: 'pigeon' }, 'channel', 'REQUEST.INVALID'],
      [{ channel: 'inbox', filter: { types: ['milestone.reached', 'project.exploded'] } }, 'filter.types', 'REQUEST.INVALID'],
      [{ channel: 'inbox', filter: { countries: ['Laos'] } }, 'filter.countries', 'REQUEST.INVALID'],
      // Two capitals, but no country: a filter on it would never match a project.
      [{ channel: 'inbox', filter: { countries: ['LA', 'ZZ'] } }, 'filter.countries', 'REQUEST.INVALID'],
      [{ channel: 'inbox', filter: { projectIds: ['not-a-uuid'] } }, 'filter.projectIds', 'REQUEST.INVALID'],
      [{ channel: 'inbox', filter: { projectIds: ['0b9e7c52-8d4f-4d9b-a7a4-2b7f0c1d2e3f'] } }, 'filter.projectIds', 'SUBSCRIPTION.UNKNOWN_PROJECT'],
      [{ channel: 'inbox', filter: { owner: 'me' } }, 'filter.owner', 'REQUEST.INVALID'],
      [{ channel: 'inbox', filter: [] }, 'filter', 'REQUEST.INVALID'],
      [{ channel: 'inbox', filter: [{ types: ['milestone.reached'] }] }, 'filter', 'REQUEST.INVALID'],
    ];
    for (const [body, field, code] of cases) {
      const response = await subscribe(manager, body);
      expect({ body, status: response.status, code: response.body.code }).toEqual({ body, status: 400, code });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.errors.map((error: any) => error.field)).toContain(field);
    }
    expect((await db.query('SELECT count(*)::int AS n FROM subscriptions')).rows[0].n).toBe(before);
  });

  it('refuses a second inbox subscription of the same filter, whose digests the one inbox would show twice', async () => {
    const owner = await createKey(system, 'manager');
    const first = (await subscribe(owner, { channel: 'inbox', filter: { countries: ['LA', 'KH'], types: ['project.digest', 'milestone.reached'] } }).expect(201)).body;
    const count = async () => (await db.query('SELECT count(*)::int AS n FROM subscriptions')).rows[0].n;
    const before = await count();
    // The same filter in another order, with a value repeated.
    const again = await subscribe(owner, { channel: 'inbox', filter: { types: ['milestone.reached', 'project.digest'], countries: ['KH', 'LA', 'KH'] } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'SUBSCRIPTION.EXISTS', resourceId: first.id, detail: expect.stringContaining(`inbox subscription ${first.id}`) });
    expect(again.headers.location).toBe(`/subscriptions/${first.id}`);
    expect(await count()).toBe(before);
    // Another filter is another inbox subscription; an e-mail of the same filter is another channel; once deleted, it may be made again.
    await subscribe(owner, { channel: 'inbox', filter: { countries: ['LA'] } }).expect(201);
    await subscribe(owner, { channel: 'email', address: 'office@example.org', filter: { countries: ['LA', 'KH'], types: ['project.digest', 'milestone.reached'] } }).expect(201);
    await system.http.delete(`/subscriptions/${first.id}`).set(auth(owner)).expect(204);
    await subscribe(owner, { channel: 'inbox', filter: { countries: ['KH', 'LA'], types: ['project.digest', 'milestone.reached'] } }).expect(201);
  });

  it('lets managers and admins subscribe, each seeing only its own', async () => {
    const mine = await subscribe(manager, { channel: 'inbox', filter: { countries: ['MM'] } }).expect(201);
    const theirs = await subscribe(otherManager, { channel: 'inbox' }).expect(201);
    const listed = await system.http.get('/subscriptions').set(auth(otherManager)).expect(200);
    expect(listed.body.items.map((s: any) => s.id)).toEqual([theirs.body.id]);
    await system.http.get(`/subscriptions/${mine.body.id}`).set(auth(otherManager)).expect(404);
    await system.http.delete(`/subscriptions/${mine.body.id}`).set(auth(otherManager)).expect(404);
    await system.http.get(`/subscriptions/${mine.body.id}/deliveries`).set(auth(otherManager)).expect(404);
    await system.http.get(`/subscriptions/${mine.body.id}`).set(auth(system.adminKey)).expect(200);
    await subscribe(system.adminKey, { channel: 'inbox' }).expect(201);

    const team = await createKey(system, 'team', [project.id]);
    const auditor = await createKey(system, 'auditor');
    for (const key of [team, auditor]) {
      expect((await subscribe(key, { channel: 'inbox' })).status).toBe(403);
      expect((await system.http.get('/subscriptions').set(auth(key))).status).toBe(403);
      expect((await system.http.get('/notifications').set(auth(key))).status).toBe(403);
    }
    expect((await system.http.get('/subscriptions')).status).toBe(401);

    await system.http.delete(`/subscriptions/${mine.body.id}`).set(auth(manager)).expect(204);
    await system.http.get(`/subscriptions/${mine.body.id}`).set(auth(manager)).expect(404);
    await system.http.delete(`/subscriptions/${mine.body.id}`).set(auth(manager)).expect(404);
  });

  it("rotates a webhook's secret for its owner or an admin, the old one in a grace period; refuses other channels, other owners and bad grace periods", async () => {
    const rotate = (key: string, id: string, body?: object) => {
      const request = system.http.post(`/subscriptions/${id}/rotate-secret`).set(auth(key));
      return body === undefined ? request : request.send(body);
    };
    const sealed = async (id: string) => (await db.query('SELECT secret_sealed, previous_secret_sealed FROM subscriptions WHERE id = $1', [id])).rows[0];
    const webhook = (await subscribe(manager, { channel: 'webhook', url: 'http://127.0.0.1:9/hooks/rotation' }).expect(201)).body;

    // No body: the default grace of a day.
    const before = Date.now();
    const rotated = await rotate(manager, webhook.id).expect(200);
    expect(rotated.body).toEqual({
      ...webhook,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      secretRotatedAt: expect.any(String),
      previousSecretValidUntil: expect.any(String),
    });
    expect(rotated.body.secret).not.toBe(webhook.secret);
    const rotatedAt = Date.parse(rotated.body.secretRotatedAt);
    expect(rotatedAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(rotated.body.previousSecretValidUntil) - rotatedAt).toBe(86_400_000);
    const fetched = (await system.http.get(`/subscriptions/${webhook.id}`).set(auth(manager)).expect(200)).body;
    expect(fetched).toEqual({ ...rotated.body, secret: undefined });
    const afterFirst = await sealed(webhook.id);
    expect(afterFirst.secret_sealed).not.toContain(rotated.body.secret.slice(6));

    // An admin may rotate it too; a grace of 0 drops the previous secret at once.
    const again = await rotate(system.adminKey, webhook.id, { gracePeriodSeconds: 0 }).expect(200);
    expect(again.body.previousSecretValidUntil).toBeNull();
    expect(await sealed(webhook.id)).toEqual({ secret_sealed: expect.any(String), previous_secret_sealed: null });

    const unchanged = await sealed(webhook.id);
    const refusals: [string, string, object | undefined, number, string | undefined][] = [
      [otherManager, webhook.id, {}, 404, 'SUBSCRIPTION.NOT_FOUND'],
      [manager, '0b9e7c52-8d4f-4d9b-a7a4-2b7f0c1d2e3f', {}, 404, 'SUBSCRIPTION.NOT_FOUND'],
      [manager, webhook.id, { gracePeriodSeconds: -1 }, 400, 'REQUEST.INVALID'],
      [manager, webhook.id, { gracePeriodSeconds: 1.5 }, 400, 'REQUEST.INVALID'],
      [manager, webhook.id, { gracePeriodSeconds: '60' }, 400, 'REQUEST.INVALID'],
      [manager, webhook.id, { gracePeriodSeconds: 30 * 86_400 + 1 }, 400, 'REQUEST.INVALID'],
      [manager, webhook.id, { secret: 'whsec_chosen' }, 400, 'REQUEST.INVALID'],
      [await createKey(system, 'auditor'), webhook.id, {}, 403, undefined],
      [await createKey(system, 'team', [project.id]), webhook.id, {}, 403, undefined],
    ];
    for (const [key, id, body, status, code] of refusals) {
      const response = await rotate(key, id, body);
      expect({ body, status: response.status, code: response.body.code }).toEqual({ body, status, code: code ?? expect.any(String) });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(await sealed(webhook.id)).toEqual(unchanged);
    expect((await system.http.post(`/subscriptions/${webhook.id}/rotate-secret`)).status).toBe(401);

    for (const channel of [{ channel: 'email', address: 'office@example.org' }, { channel: 'inbox', filter: { countries: ['CN'] } }]) {
      const other = (await subscribe(manager, channel).expect(201)).body;
      const refused = await rotate(manager, other.id, {});
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'SUBSCRIPTION.NOT_WEBHOOK' });
      expect(refused.body.detail).toContain('only webhooks have a signing secret');
      expect(await sealed(other.id)).toEqual({ secret_sealed: null, previous_secret_sealed: null });
    }

    await system.http.delete(`/subscriptions/${webhook.id}`).set(auth(manager)).expect(204);
    expect((await rotate(manager, webhook.id, {})).status).toBe(404);
  });

  it('refuses webhooks to private networks when they are not allowed', async () => {
    const guarded = await startSystem('notifications_ssrf_e2e', { env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' }, worker: false });
    try {
      const key = await createKey(guarded, 'manager');
      for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://[::1]/hook', 'http://169.254.169.254/latest/meta-data', 'http://10.1.2.3/']) {
        const response = await guarded.http.post('/subscriptions').set(auth(key)).send({ channel: 'webhook', url });
        expect({ url, status: response.status, code: response.body.code }).toEqual({ url, status: 400, code: 'SUBSCRIPTION.URL_PRIVATE_NETWORK' });
      }
    } finally {
      await guarded.stop();
    }
  });
});

describe('inbox', () => {
  let reader: string;

  beforeAll(async () => {
    reader = await createKey(system, 'manager');
    await subscribe(reader, { channel: 'inbox', filter: { projectIds: [project.id], types: ['project.status_changed'] } }).expect(201);
  });

  async function listInbox(query = ''): Promise<any> {
    return (await system.http.get(`/notifications${query}`).set(auth(reader)).expect(200)).body;
  }

  it("lists the caller's notifications newest first, paged, with the unread count, and marks them read", async () => {
    for (const path of ['/suspend', '/resume', '/suspend', '/resume', '/suspend']) await project.post(path, { reason: 'Inspection' });
    const all = await eventually(async () => {
      const body = await listInbox('?limit=50');
      return body.items.length === 5 && body;
    }, 20_000, 'five inbox entries');
    expect(all.unreadCount).toBe(5);
    expect(all.items.map((item: any) => item.data.to)).toEqual(['suspended', 'implementation', 'suspended', 'implementation', 'suspended']);
    expect(all.items[0].data.event.streamVersion).toBeGreaterThan(all.items[1].data.event.streamVersion);
    expect(all.items[0]).toMatchObject({ read: false, readAt: null, type: 'project.status_changed', projectId: project.id });

    const first = await listInbox('?limit=2');
    expect(first.items.map((item: any) => item.id)).toEqual(all.items.slice(0, 2).map((item: any) => item.id));
    const second = await listInbox(`?limit=2&before=${first.nextBefore}`);
    expect(second.items.map((item: any) => item.id)).toEqual(all.items.slice(2, 4).map((item: any) => item.id));
    const last = await listInbox(`?limit=2&before=${second.nextBefore}`);
    expect(last.items).toHaveLength(1);
    expect(last.nextBefore).toBeNull();

    const read = await system.http.post(`/notifications/${all.items[1].id}/read`).set(auth(reader)).expect(200);
    expect(read.body).toMatchObject({ id: all.items[1].id, read: true, readAt: expect.any(String) });
    expect((await listInbox()).unreadCount).toBe(4);
    expect((await listInbox('?unread=true')).items).toHaveLength(4);
    await system.http.get('/notifications?unread=maybe').set(auth(reader)).expect(400);

    // A notification that is not in the caller's inbox cannot be marked.
    const stranger = await createKey(system, 'manager');
    await system.http.post(`/notifications/${all.items[0].id}/read`).set(auth(stranger)).expect(404);
    expect((await system.http.get('/notifications').set(auth(stranger)).expect(200)).body).toEqual({ items: [], unreadCount: 0, nextBefore: null });

    expect((await system.http.post('/notifications/read-all').set(auth(reader)).expect(200)).body).toEqual({ marked: 4, unreadCount: 0 });
    expect((await listInbox()).unreadCount).toBe(0);
  });

  it('streams new notifications as Server-Sent Events, and resumes from Last-Event-ID', async () => {
    const server = system.api.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notifications/stream`;

    const live = await openStream(url, {});
    try {
      expect(live.status).toBe(200);
      expect(live.contentType).toMatch(/^text\/event-stream/);
      await project.post('/resume', { reason: 'Inspection passed' });
      const [event] = await eventually(async () => live.events.length >= 1 && live.events, 20_000, 'the streamed notification');
      expect(event).toMatchObject({ event: 'notification', data: { type: 'project.status_changed', projectId: project.id, data: { to: 'implementation' } } });
      expect(event!.id).toBe(String(event!.data.seq));
      // Only what arrived after connecting: the entries from before were not replayed.
      expect(live.events).toHaveLength(1);
      expect((await listInbox()).items[0].id).toBe(event!.data.id);
    } finally {
      live.close();
    }

    // Reconnecting with the id of the third newest entry replays the two after it, in order.
    const mine = (await listInbox('?limit=3')).items;
    const resumed = await openStream(url, { 'Last-Event-ID': String(mine[2].seq) });
    try {
      await eventually(async () => resumed.events.length >= 2, 10_000, 'the replayed entries');
      expect(resumed.events.map((event) => event.id)).toEqual([String(mine[1].seq), String(mine[0].seq)]);
    } finally {
      resumed.close();
    }
  });

  it('goes on from the newest entry when Last-Event-ID is past it, instead of muting what comes next', async () => {
    const url = await streamUrl();
    const newest = (await listInbox('?limit=1')).items[0].seq as number;
    const live = await openStream(url, { 'Last-Event-ID': String(newest + 1_000_000) });
    try {
      await project.post('/suspend', { reason: 'Rains' });
      const [event] = await eventually(async () => live.events.length >= 1 && live.events, 20_000, 'the notification after a Last-Event-ID past the newest');
      expect(event).toMatchObject({ data: { type: 'project.status_changed', data: { to: 'suspended' } } });
      expect(Number(event!.id)).toBeGreaterThan(newest);
    } finally {
      live.close();
    }
    await project.post('/resume', { reason: 'Rains over' });
  });

  it('ends the stream of a key revoked while it is open, at the next heartbeat', async () => {
    const url = await streamUrl();
    const key = (await system.http.post('/api-keys').set(auth(system.adminKey)).send({ name: 'Dashboard screen', role: 'manager' }).expect(201)).body;
    const live = await openStream(url, {}, key.secret);
    expect(live.status).toBe(200);
    await system.http.delete(`/api-keys/${key.id}`).set(auth(system.adminKey)).expect(204);
    const started = Date.now();
    await live.ended;
    // The heartbeat is every 15 s.
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);

  it('greets a key on one line whatever its name, so a name cannot forge an event', async () => {
    const url = await streamUrl();
    const key = (await system.http.post('/api-keys').set(auth(system.adminKey)).send({ name: 'Screen', role: 'manager' }).expect(201)).body;
    // A name given before names were checked for line breaks.
    await db.query(`UPDATE api_keys SET name = $1 WHERE id = $2`, ['Field office\n\nid: 999\nevent: notification\ndata: {"id":"forged"}', key.id]);
    const live = await openStream(url, {}, key.secret);
    try {
      expect(live.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(live.events).toEqual([]);
      // The greeting arrives, the whole name in its one comment line.
      expect(live.comments[0]).toBe(': inbox of Field office id: 999 event: notification data: {"id":"forged"}');
    } finally {
      live.close();
    }
  });

  async function streamUrl(): Promise<string> {
    const server = system.api.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/notifications/stream`;
  }

  /** An SSE client: parses events as they arrive; `ended` settles when the server ends the stream. */
  async function openStream(url: string, headers: Record<string, string>, key = reader) {
    const controller = new AbortController();
    const response = await fetch(url, { headers: { ...auth(key), ...headers }, signal: controller.signal });
    const events: { id: string; event: string; data: any }[] = [];
    const comments: string[] = [];
    const ended = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          comments.push(...block.split('\n').filter((line) => line.startsWith(':')));
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((line) => line && !line.startsWith(':'))
              .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
          );
          if (fields.event) events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
        }
      }
    })().catch(() => undefined);
    return { status: response.status, contentType: response.headers.get('content-type'), events, comments, ended, close: () => controller.abort() };
  }
});
