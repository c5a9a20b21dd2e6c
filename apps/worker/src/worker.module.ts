import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { APP_CONFIG, type AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { NotificationsWorkerModule } from './notifications/notifications-worker.module.js';
import { ProjectionsProcessor } from './processors/projections.processor.js';
import { PROJECTIONS_QUEUE } from './queues.js';
import { OutboxRelay } from './relay/outbox-relay.service.js';

@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        prefix: config.queuePrefix,
        connection: { url: config.redisUrl, maxRetriesPerRequest: null },
      }),
    }),
    BullModule.registerQueue({ name: PROJECTIONS_QUEUE }),
    NotificationsWorkerModule,
  ],
  providers: [ProjectionsProcessor, OutboxRelay],
})
export class WorkerModule {}
