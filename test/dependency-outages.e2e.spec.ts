import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type INestApplication, Logger } from '@nestjs/common';
import { PROJECTIONS_QUEUE, SYNC_JOB } from '@app/read-models';
import { Queue } from 'bullmq';
import pg from 'pg';
import request from 'supertest';
import { createApiApplication } from '../apps/api/src/bootstrap.js';
import { bansuoProposal } from './support/bansuo.js';
import { auth } from './support/api-helpers.js';
import { type RunningApi, expectProblem, startApi } from './support/running-api.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './support/test-environment.js';
import { startThrowawayPostgres, startThrowawayRedis, type ThrowawayServer } from './support/throwaway-servers.js';
import { type RunningSystem, startSystem } from './support/running-system.js';

/** The answer, and how long it took: an outage must answer, not hang. */
async function timed(call: () => Promise<request.Response>): Promise<{ response: request.Response; ms: number }> {
  const started = Date.now();
  const response = await call();
  return { response, ms: Date.now() - started };
}

function expectUnavailable(response: request.Response): Record<string, unknown> {
  const problem = expectProblem(response, 503);
  expect(response.headers['retry-after']).toBe('5');
  expect(response.headers['x-request-id']).toEqual(expect.any(String));
  return problem;
}

describe('PostgreSQL unreachable', () => {
  let postgres: ThrowawayServer;
  let env: TestEnvironment;
  let api: INestApplication;
  let http: ReturnType<typeof request>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    postgres = await startThrowawayPostgres();
    env = await createTestEnvironment(
      'pg_outage',
      { DATABASE_CONNECT_TIMEOUT_MS: '1000', DATABASE_STATEMENT_TIMEOUT_MS: '500' },
      postgres.url,
    );
    api = await createApiApplication(env.config);
    await api.init();
    http = request(api.getHttpServer());
    admin = auth(env.config.adminApiKey!);
  });

  afterAll(async () => {
    await api?.close();
    await env?.dispose();
    await postgres?.dispose();
  });

  it('answers 503 with Retry-After at once while it is down, and serves again when it is back, without a restart', async () => {
    const id = (await http.post('/projects').set(admin).send(bansuoProposal()).expect(201)).body.id;
    await http.get('/health/ready').expect(200);

    await postgres.stop();
    const calls = [
      () => http.post(`/projects/${id}/approve`).set(admin).send({}),
      () => http.post('/projects').set(admin).send(bansuoProposal()),
      () => http.get('/projects').set(admin),
      () => http.get(`/projects/${id}/events`).set(admin),
    ];
    for (const call of calls) {
      const { response, ms } = await timed(call);
      expect(expectUnavailable(response).code).toBe('SERVICE.UNAVAILABLE');
      expect(ms).toBeLessThan(5_000);
    }
    const { response: ready, ms } = await timed(() => http.get('/health/ready'));
    const notReady = expectUnavailable(ready);
    expect(notReady).toMatchObject({ code: 'SERVICE.NOT_READY', detail: 'PostgreSQL does not answer; try again shortly.' });
    expect(notReady.checks).toMatchObject({ postgres: { status: 'down' }, redis: { status: 'up' } });
    expect(notReady.requestId).toBe(ready.headers['x-request-id']);
    expect(ms).toBeLessThan(5_000);
    await http.get('/health').expect(200);

    await postgres.start();
    await eventually(async () => (await http.post(`/projects/${id}/approve`).set(admin).send({})).status === 200, 10_000, 'approve after recovery');
    await http.get('/health/ready').expect(200);
    await http.get('/projects').set(admin).expect(200);
    const events = await http.get(`/projects/${id}/events`).set(admin).expect(200);
    // Nothing was stored while the database was down: the proposal, then the approval after it came back.
    expect(events.body.items.map((e: { type: string }) => e.type)).toEqual(['ProjectProposed', 'ProjectApproved']);
  });

  it('answers 503 rather than waiting on a statement that runs too long', async () => {
    const blocker = new pg.Client({ connectionString: env.config.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE');
      const { response, ms } = await timed(() => http.get('/projects').set(admin));
      expectUnavailable(response);
      expect(ms).toBeLessThan(5_000);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    await http.get('/projects').set(admin).expect(200);
  });
});

describe('more commands than the database can take', () => {
  let system: RunningApi;

  beforeAll(async () => {
    // Two connections: ten times as many commands may wait for their project's turn, that is 20.
    system = await startApi('overload', { DATABASE_POOL_SIZE: '2' });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('answers the commands beyond those allowed to wait 503 with Retry-After at once, and the waiting ones once they can run', async () => {
    const admin = auth(system.adminKey);
    const id = (await system.http.post('/projects').set(admin).send(bansuoProposal()).expect(201)).body.id;
    const addComponent = () => system.http.post(`/projects/${id}/components`).set(admin).send({ name: 'Road', kind: 'infrastructure' });
    // Hold the project's stream row: its next append waits, and every later command on it waits its turn.
    const blocker = new pg.Client({ connectionString: system.env.config.databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM event_streams WHERE stream_id = $1 FOR UPDATE', [id]);
    const answers: request.Response[] = [];
    const first = addComponent().then((response) => answers.push(response));
    await eventually(async () => {
      const waiting = await blocker.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
      return waiting.rowCount === 1;
    }, 10_000, 'the first append to wait for the row lock');
    const more = Array.from({ length: 25 }, () => addComponent().then((response) => answers.push(response)));
    await eventually(async () => answers.length === 5, 10_000, 'five answers while the others wait');
    for (const response of answers) {
      expect(expectProblem(response, 503).code).toBe('SERVICE.UNAVAILABLE');
      expect(response.headers['retry-after']).toBe('1');
    }
    await blocker.query('ROLLBACK');
    await blocker.end();
    await Promise.all([first, ...more]);
    const created = answers.filter((response) => response.status === 201);
    expect(created).toHaveLength(21);
    expect(created.map((response) => response.body.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 21 }, (_, n) => n + 2));
  });
});

describe('Redis unreachable', () => {
  let redis: ThrowawayServer;
  let env: TestEnvironment;
  let api: INestApplication;
  let http: ReturnType<typeof request>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    redis = await startThrowawayRedis();
    env = await createTestEnvironment('redis_outage', { REDIS_URL: redis.url, RATE_LIMIT_PER_MINUTE: '100' });
    api = await createApiApplication(env.config);
    await api.init();
    http = request(api.getHttpServer());
    admin = auth(env.config.adminApiKey!);
  });

  afterAll(async () => {
    await api?.close();
    await redis?.dispose();
    await env?.dispose();
  });

  const remaining = (response: request.Response) => Number(response.headers['x-ratelimit-remaining-key']);

  it('reports not ready while it is down, keeps serving without rate limits, and counts again when it is back', async () => {
    await eventually(async () => (await http.get('/health/ready')).status === 200, 5_000, 'ready');
    const counted = await http.get('/projects').set(admin).expect(200);
    expect(remaining(counted)).toBeLessThan(100);

    await redis.stop();
    const { response: ready, ms } = await timed(() => http.get('/health/ready'));
    const notReady = expectUnavailable(ready);
    expect(notReady).toMatchObject({ code: 'SERVICE.NOT_READY', detail: 'Redis does not answer; try again shortly.' });
    expect(notReady.checks).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'down' } });
    expect(ms).toBeLessThan(5_000);
    // Rate limiting protects the API; it must not take the API down with Redis.
    const { response: served, ms: servedMs } = await timed(() => http.post('/projects').set(admin).send(bansuoProposal()));
    expect(served.status).toBe(201);
    expect(servedMs).toBeLessThan(2_000);
    const failures = await http.get('/metrics').expect(200);
    expect(failures.text).toMatch(/^project_tracker_rate_limit_storage_failures_total [1-9]/m);

    await redis.start();
    await eventually(async () => (await http.get('/health/ready')).status === 200, 10_000, 'ready after Redis is back');
    await eventually(async () => remaining(await http.get('/projects').set(admin)) < 100, 10_000, 'counting again');
  });
});

describe('Redis that takes connections and never answers', () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  let env: TestEnvironment;
  let api: INestApplication;

  beforeAll(async () => {
    // A server that accepts and then says nothing: ioredis holds each command, waiting for an answer.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    env = await createTestEnvironment('redis_silent', { REDIS_URL: `redis://127.0.0.1:${port}` });
    api = await createApiApplication(env.config);
    await api.init();
  });

  afterAll(async () => {
    // Refused from now on, so that the API's clients give up their commands and it can close.
    silent?.close();
    for (const socket of sockets) socket.destroy();
    await api?.close();
    await env?.dispose();
  });

  it('still answers /metrics, with the figures Redis would give as NaN', async () => {
    const { response, ms } = await timed(() => request(api.getHttpServer()).get('/metrics'));
    expect(response.status).toBe(200);
    expect(ms).toBeLessThan(10_000);
    // prom-client writes NaN as Nan.
    expect(response.text).toMatch(/^project_tracker_projection_jobs\{state="waiting"\} Nan$/m);
    expect(response.text).toMatch(/^project_tracker_rate_limit_storage_failures_total \d+$/m);
  });
});

describe('the worker across a PostgreSQL outage', () => {
  let postgres: ThrowawayServer;
  let system: RunningSystem;
  let queue: Queue;

  beforeAll(async () => {
    postgres = await startThrowawayPostgres();
    // A retry backoff far longer than the wait below: a view that catches up within it was not waiting for it.
    system = await startSystem('pg_outage_worker', {
      databaseServerUrl: postgres.url,
      env: { PROJECTION_ATTEMPTS: '12', PROJECTION_BACKOFF_MS: '60000', DATABASE_CONNECT_TIMEOUT_MS: '1000', DATABASE_STATEMENT_TIMEOUT_MS: '1000' },
    });
    queue = new Queue(PROJECTIONS_QUEUE, { connection: { url: system.env.config.redisUrl }, prefix: system.env.config.queuePrefix });
  });

  afterAll(async () => {
    await queue?.close();
    await system?.stop();
    await postgres?.dispose();
  });

  const viewVersion = async (id: string, admin: Record<string, string>, on = system) => (await on.http.get(`/projects/${id}`).set(admin)).body.version as number | undefined;

  /**
   * Stops PostgreSQL, runs `meanwhile`, then waits until the relays have met the outage: they learn of
   * one from a reconcile that cannot reach PostgreSQL, every reconcile interval, so an outage shorter
   * than that goes unseen and a failed sync then waits out its backoff (short with the defaults, a
   * minute here). Four failed reconciles after `meanwhile`: two at least of each relay running here.
   */
  async function seenOutage<T>(meanwhile: () => Promise<T>): Promise<T> {
    await postgres.stop();
    const result = await meanwhile();
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    try {
      const failedReconciles = () => warnings.mock.calls.filter(([message]) => String(message).startsWith('reconcile failed')).length;
      await eventually(async () => failedReconciles() >= 4, 10_000, 'the relays to meet the outage');
    } finally {
      warnings.mockRestore();
    }
    return result;
  }

  /** Approves the project with the queue paused, and waits for the reconcile to offer it a sync job of its own. */
  async function approvedWithSyncOffered(on: RunningSystem, projections: Queue, id: string): Promise<void> {
    await projections.pause();
    await on.http.post(`/projects/${id}/approve`).set(auth(on.adminKey)).send({}).expect(200);
    await eventually(
      async () => (await projections.getWaiting()).some((job) => job.name === SYNC_JOB && job.data.streamId === id && job.data.version === 2),
      10_000,
      'the approval offered a sync of its own',
    );
  }

  it('runs a sync that failed for the outage as soon as the database is back, not when its backoff ends', async () => {
    const admin = auth(system.adminKey);
    const id = (await system.http.post('/projects').set(admin).send(bansuoProposal()).expect(201)).body.id as string;
    await eventually(async () => (await viewVersion(id, admin)) === 1, 10_000, 'the proposal in the view');

    // The approval's sync waits in the paused queue until the database is gone, then meets the outage.
    await approvedWithSyncOffered(system, queue, id);
    const failed = await seenOutage(async () => {
      await queue.resume();
      return eventually(async () => (await queue.getDelayed()).find((job) => job.data.streamId === id && job.attemptsMade > 0), 15_000, 'the sync to fail and wait out its backoff');
    });
    expect(failed.failedReason).toMatch(/^PostgreSQL could not be reached: /);

    await postgres.start();
    // The reconcile's offers have the waiting job's id (the view is still at 1): without the relay's
    // retry at once, the approval would wait out the minute of backoff.
    await eventually(async () => (await viewVersion(id, admin)) === 2, 10_000, 'the approval in the view well before the backoff ends');
    expect((await system.http.get(`/projects/${id}`).set(admin).expect(200)).body.status).toBe('approved');
  });

  it('replays a sync parked during the outage once the database is back, though nothing is appended after it', async () => {
    // One try: the sync that meets the outage is parked at once, as after a long outage with the defaults.
    const parking = await startSystem('pg_outage_parked', { databaseServerUrl: postgres.url, env: { PROJECTION_ATTEMPTS: '1', DATABASE_CONNECT_TIMEOUT_MS: '1000', DATABASE_STATEMENT_TIMEOUT_MS: '1000' } });
    const projections = new Queue(PROJECTIONS_QUEUE, { connection: { url: parking.env.config.redisUrl }, prefix: parking.env.config.queuePrefix });
    try {
      const admin = auth(parking.adminKey);
      const id = (await parking.http.post('/projects').set(admin).send(bansuoProposal()).expect(201)).body.id as string;
      await eventually(async () => (await viewVersion(id, admin, parking)) === 1, 10_000, 'the proposal in the view');
      // The approval's sync waits in the paused queue until the database is gone, then fails and is parked.
      await approvedWithSyncOffered(parking, projections, id);
      const parked = await seenOutage(async () => {
        await projections.resume();
        return eventually(async () => (await projections.getFailed()).find((job) => job.data.streamId === id), 15_000, 'the sync parked');
      });
      expect(parked.failedReason).toMatch(/^PostgreSQL could not be reached: /);

      await postgres.start();
      await eventually(async () => (await viewVersion(id, admin, parking)) === 2, 15_000, 'the approval in the view, with no command after it');
      expect(await projections.getFailedCount()).toBe(0);
    } finally {
      await projections.close();
      await parking.stop();
    }
  });
});
