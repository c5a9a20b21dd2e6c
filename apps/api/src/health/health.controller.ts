import { Controller, Get, Inject, type OnApplicationShutdown, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import { projectionLagSeconds } from '@app/read-models';
import { Public } from '../auth/auth.decorators.js';

const CHECK_TIMEOUT_MS = 2_000;

@ApiTags('health')
@Controller('health')
export class HealthController implements OnApplicationShutdown {
  private readonly redis: Redis;

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({
    summary: 'Readiness: PostgreSQL and Redis answer, and the read models are not too far behind (503 otherwise)',
  })
  async ready(@Res({ passthrough: true }) response: Response) {
    const [postgres, redis, projections] = await Promise.all([
      check(() => this.pool.query('SELECT 1')),
      check(() => this.redis.ping()),
      check(async () => {
        const lag = await projectionLagSeconds(this.pool);
        if (lag > this.config.projectionMaxLagSeconds) {
          throw new Error(`the read model is ${Math.round(lag)} s behind (limit ${this.config.projectionMaxLagSeconds} s)`);
        }
      }),
    ]);
    const ready = [postgres, redis, projections].every((c) => c.status === 'up');
    response.status(ready ? 200 : 503);
    if (!ready) response.setHeader('Retry-After', '5');
    return { status: ready ? 'ready' : 'unavailable', checks: { postgres, redis, projections } };
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

async function check(probe: () => Promise<unknown>): Promise<{ status: 'up' | 'down'; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
