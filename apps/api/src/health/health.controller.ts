import { Controller, Get, Inject, type OnApplicationShutdown, Res } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { apiSchema, closed, integer, oneOfValues, string } from '../common/openapi/api-schema.js';
import { notReadyProblem, PROBLEM_HEADERS } from '../common/problem-responses.js';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import { PROJECTIONS_QUEUE, projectionLagSeconds } from '@app/read-models';
import { Public } from '../auth/auth.decorators.js';
import { PROBLEM_CONTENT_TYPE, problemType } from '../common/problem.js';
import { within } from '../common/within.js';
import { projectsOfFailingSyncs } from './failing-syncs.js';
import { ShutdownDrain } from './shutdown-drain.js';

const CHECK_TIMEOUT_MS = 2_000;
/** How long the projections check waits for Redis's count of dead letters, or for the failing syncs. */
const LETTERS_TIMEOUT_MS = 500;
/**
 * How long a read of the failing syncs answers the probes that follow: the probe is public and not rate
 * limited, and reading a thousand parked or retrying jobs a probe would let anyone keep Redis busy.
 */
const FAILING_REUSED_MS = 2_000;

/** A dependency's state; `error` says why it is down, outside production. */
const CHECK_MEMBERS = { status: oneOfValues(['up', 'down']), error: string() };
const CHECK = closed(CHECK_MEMBERS, ['error']);
const PROJECTIONS_CHECK = closed(
  {
    ...CHECK_MEMBERS,
    deadLetters: integer(
      'Parked projection jobs (GET /admin/dead-letters), outside production. The projects they hold back, and those whose sync is retrying after a failure of its own, do not count towards the lag',
    ),
  },
  ['error', 'deadLetters'],
);
const CHECKS = closed({ postgres: CHECK, redis: CHECK, projections: PROJECTIONS_CHECK });
const LIVE = apiSchema('Liveness', closed({ status: oneOfValues(['ok']) }));
const READY = apiSchema('Readiness', closed({ status: oneOfValues(['ready']), checks: CHECKS }));

@ApiTags('health')
// Probes and scrapes must never be refused for being frequent, nor for what a monitor adds to the URL
// (a cache-buster): they read no query, so no query can change what they answer.
@SkipThrottle({ address: true, key: true })
@Controller('health')
export class HealthController implements OnApplicationShutdown {
  private readonly redis: Redis;
  private failing?: { readAt: number; projectIds: Promise<string[] | undefined> };

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly drain: ShutdownDrain,
    @InjectQueue(PROJECTIONS_QUEUE) private readonly projectionsQueue: Queue,
  ) {
    this.redis = new Redis(config.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: CHECK_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    this.redis.on('error', () => undefined);
    this.redis.connect().catch(() => undefined);
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: LIVE })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({
    summary:
      'Readiness: PostgreSQL and Redis answer, the read models are not too far behind (projects whose sync keeps failing, parked or retrying, aside) and the API is not stopping (503 problem+json with Retry-After otherwise)',
  })
  @ApiOkResponse({ schema: READY })
  @ApiResponse({
    status: 503,
    description: 'Not ready: a dependency is down, the read model too far behind, or the API stopping',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: notReadyProblem(CHECKS) } },
    headers: PROBLEM_HEADERS[503],
  })
  async ready(@Res({ passthrough: true }) response: Response) {
    // Outside production the count of dead letters helps whoever runs the service.
    const deadLetters =
      this.config.nodeEnv === 'production' ? undefined : within(LETTERS_TIMEOUT_MS, this.projectionsQueue.getFailedCount()).catch(() => undefined);
    const [postgres, redis, lag] = await Promise.all([
      check(() => this.pool.query('SELECT 1')),
      check(() => this.redis.ping()),
      check(async () => {
        const limit = this.config.projectionMaxLagSeconds;
        let lag = await projectionLagSeconds(this.pool);
        // A project whose sync keeps failing (parked as a dead letter for an operator, or retrying after a
        // failure of its own) stays behind: one poisoned project would otherwise take every API out of its
        // load balancer once the limit passed. Only a lag over the limit asks Redis which projects those
        // are; without an answer every project counts (Redis down fails readiness anyway).
        if (lag > limit) {
          const failing = await this.projectsOfFailingSyncs();
          if (failing && failing.length > 0) lag = await projectionLagSeconds(this.pool, failing);
        }
        if (lag > limit) throw new Error(`the read model is ${Math.round(lag)} s behind (limit ${limit} s)`);
      }),
    ]);
    const letters = await deadLetters;
    const projections = letters === undefined ? lag : { ...lag, deadLetters: letters };
    // Outside production the reason helps whoever runs the service; in production it would tell any
    // caller the addresses of internal servers.
    const checks =
      this.config.nodeEnv === 'production'
        ? { postgres: { status: postgres.status }, redis: { status: redis.status }, projections: { status: projections.status } }
        : { postgres, redis, projections };
    // With PostgreSQL down the lag cannot be read: that is one problem, not two.
    const down = [
      ...(this.drain.draining ? ['the API is shutting down'] : []),
      ...(postgres.status === 'down' ? ['PostgreSQL does not answer'] : []),
      ...(redis.status === 'down' ? ['Redis does not answer'] : []),
      ...(projections.status === 'down' && postgres.status === 'up' ? ['the read model is too far behind the event store'] : []),
    ];
    if (down.length === 0) return { status: 'ready', checks };
    response.status(503).setHeader('Retry-After', '5');
    response.type(PROBLEM_CONTENT_TYPE);
    return {
      type: problemType('SERVICE.NOT_READY'),
      title: 'Service Unavailable',
      status: 503,
      detail: `${down.join('; ').replace(/^./, (first) => first.toUpperCase())}; try again shortly.`,
      code: 'SERVICE.NOT_READY',
      instance: '/health/ready',
      requestId: response.getHeader('x-request-id'),
      checks,
    };
  }

  /** The projects of failing syncs, read at most once every FAILING_REUSED_MS; undefined when Redis did not say in time. */
  private projectsOfFailingSyncs(): Promise<string[] | undefined> {
    if (!this.failing || Date.now() - this.failing.readAt >= FAILING_REUSED_MS) {
      const projectIds = within(LETTERS_TIMEOUT_MS, projectsOfFailingSyncs(this.projectionsQueue)).catch((): string[] | undefined => undefined);
      this.failing = { readAt: Date.now(), projectIds };
    }
    return this.failing.projectIds;
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

async function check(probe: () => Promise<unknown>): Promise<{ status: 'up' | 'down'; error?: string }> {
  try {
    await within(CHECK_TIMEOUT_MS, probe());
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  }
}
