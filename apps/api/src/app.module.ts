import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import { AUDIT_CONTROLLERS, AUDIT_PROVIDERS } from './audit/audit.providers.js';
import { ApiKeysService } from './auth/api-keys.service.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { HealthController } from './health/health.controller.js';
import { ApiKeysController } from './keys/api-keys.controller.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { IdempotencyStore } from './projects/idempotency.store.js';
import { ProjectCommandsController } from './projects/project-commands.controller.js';
import { ProjectQueriesController } from './projects/project-queries.controller.js';
import { RunProjectCommandHandler, projectCommandHandlerProvider } from './projects/run-project-command.handler.js';

@Module({
  imports: [ConfigModule, DatabaseModule, CqrsModule.forRoot()],
  controllers: [
    ProjectCommandsController,
    ProjectQueriesController,
    ApiKeysController,
    HealthController,
    MetricsController,
    ...AUDIT_CONTROLLERS,
  ],
  providers: [
    ApiKeysService,
    IdempotencyStore,
    projectCommandHandlerProvider,
    RunProjectCommandHandler,
    ...AUDIT_PROVIDERS,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
  ],
})
export class AppModule {}
