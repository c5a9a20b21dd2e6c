import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { PostgresEventStore, VersionAnnouncer, appendNotice, appendsChannel } from '@app/event-store';
import { BoundedPool } from './bounded-pool.js';
import { survivesLostConnections } from './lost-connections.js';
import { ormOptions } from './orm.config.js';

/** The pool the event store, keys and idempotency records use (server-side parameters, one round trip each). */
export const PG_POOL = Symbol('PG_POOL');

/**
 * Bounds on every wait for PostgreSQL, so an unreachable or stuck database answers 503 in seconds
 * instead of holding requests: waiting for a connection (new or from a full pool), a statement on the
 * server (statement_timeout) and an answer on the wire (query_timeout, for a server that stopped
 * answering without closing the connection).
 */
export function poolTimeouts(config: AppConfig) {
  return {
    connectionTimeoutMillis: config.databaseConnectTimeoutMs,
    statement_timeout: config.databaseStatementTimeoutMs,
    query_timeout: config.databaseStatementTimeoutMs + 1_000,
  };
}

/**
 * How many requests may wait for a database connection, and how many commands for their project's
 * turn, before one more is refused at once (503): ten per connection of the pool.
 */
export function maxWaitingForDatabase(config: AppConfig): number {
  return config.databasePoolSize * 10;
}

/**
 * PostgreSQL for a process: MikroORM for the read models and migrations, a pg pool for the event store,
 * and the announcer that tells the relay of every committed append. All close on shutdown.
 */
@Global()
@Module({
  imports: [
    MikroOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      // Every use forks its own EntityManager (a request, a job), so no request-context middleware.
      useFactory: (config: AppConfig) => ({
        ...ormOptions(config.databaseUrl, { driverOptions: poolTimeouts(config), pool: { min: 0, max: Math.max(2, Math.floor(config.databasePoolSize / 2)) } }),
        registerRequestContext: false,
      }),
      driver: PostgreSqlDriver,
    }),
  ],
  providers: [
    {
      provide: PG_POOL,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        // A client losing its connection (a database restart), idle or checked out, must not crash the process.
        return survivesLostConnections(
          new BoundedPool(
            { connectionString: config.databaseUrl, max: config.databasePoolSize, idleTimeoutMillis: 30_000, ...poolTimeouts(config) },
            maxWaitingForDatabase(config),
          ),
        );
      },
    },
    {
      provide: VersionAnnouncer,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new VersionAnnouncer(config.redisUrl, appendsChannel(config.queuePrefix)),
    },
    {
      provide: PostgresEventStore,
      inject: [PG_POOL, VersionAnnouncer],
      useFactory: (pool: pg.Pool, announcer: VersionAnnouncer) => new PostgresEventStore(pool, (appended) => announcer.announce(appendNotice(appended))),
    },
  ],
  exports: [PG_POOL, PostgresEventStore],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly announcer: VersionAnnouncer,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.pool.end(), this.announcer.close()]);
  }
}
