import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig, ConfigModule, loggingOptions } from '@app/config';
import { DatabaseModule } from '@app/database';
import { AuditWorkerModule } from './audit/audit-worker.module.js';
import { NotificationsWorkerModule } from './notifications/notifications-worker.module.js';
import { ProjectionsProcessor } from './processors/projections.processor.js';
import { PROJECTIONS_QUEUE } from '@app/read-models';
import { WorkerMetricsServer } from './metrics/worker-metrics.server.js';
import { OutboxRelay } from './relay/outbox-relay.service.js';
import { RedisOutageReporter } from './redis-outage.reporter.js';

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: (config: AppConfig) => loggingOptions(config, 'worker') }),
    DatabaseModule,
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        prefix: config.queuePrefix,
        connection: { url: config.redisUrl, maxRetriesPerRequest: null },
      }),
    }),
    BullModule.registerQueue({ name: PROJECTIONS_QUEUE }),
    AuditWorkerModule,
    NotificationsWorkerModule,
  ],
  providers: [ProjectionsProcessor, OutboxRelay, WorkerMetricsServer, RedisOutageReporter],
})
export class WorkerModule {}
