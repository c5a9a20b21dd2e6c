import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import { ApiKeysService } from './auth/api-keys.service.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { HealthController } from './health/health.controller.js';
import { ApiKeysController } from './keys/api-keys.controller.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { IdempotencyStore } from './projects/idempotency.store.js';
import { ProjectCommandsController } from './projects/project-commands.controller.js';
import { ProjectQueriesController } from './projects/project-queries.controller.js';
import { RunProjectCommandHandler, projectCommandHandlerProvider } from './projects/run-project-command.handler.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';

@Module({
  imports: [ConfigModule, DatabaseModule, CqrsModule.forRoot(), SubscriptionsModule, NotificationsModule],
  controllers: [ProjectCommandsController, ProjectQueriesController, ApiKeysController, HealthController, MetricsController],
  providers: [
    ApiKeysService,
    IdempotencyStore,
    projectCommandHandlerProvider,
    RunProjectCommandHandler,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
  ],
})
export class AppModule {}
