import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig, ConfigModule, apiLoggingOptions } from '@app/config';
import { DatabaseModule } from '@app/database';
import { DashboardController } from './dashboard/dashboard.controller.js';
import { DeadLettersController } from './admin/dead-letters.controller.js';
import { ProjectionQueueCloser, projectionQueueProvider } from './admin/projection-queue.provider.js';
import { ProjectionsAdminController } from './admin/projections-admin.controller.js';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import { AUDIT_CONTROLLERS, AUDIT_PROVIDERS } from './audit/audit.providers.js';
import { AuthModule } from './auth/auth.module.js';
import { ProjectCommandGuard } from './auth/project-command.guard.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { HealthController } from './health/health.controller.js';
import { ShutdownDrain } from './health/shutdown-drain.js';
import { IdempotencyModule } from './idempotency/idempotency.module.js';
import { ApiKeysController } from './keys/api-keys.controller.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { PipelineMetrics } from './metrics/pipeline-metrics.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { PortfolioController } from './projects/portfolio.controller.js';
import { ProjectCommandsController } from './projects/project-commands.controller.js';
import { ProjectQueriesController } from './projects/project-queries.controller.js';
import { RunProjectCommandHandler, projectCommandHandlerProvider } from './projects/run-project-command.handler.js';
import { ViewUpdates } from './projects/view-updates.service.js';
import { AddressRateLimitGuard, KeyRateLimitGuard } from './rate-limits/rate-limit.guards.js';
import { RateLimitModule } from './rate-limits/rate-limit.module.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: (config: AppConfig) => apiLoggingOptions(config) }),
    DatabaseModule,
    AuthModule,
    CqrsModule.forRoot(),
    IdempotencyModule,
    RateLimitModule,
    SubscriptionsModule,
    NotificationsModule,
  ],
  controllers: [
    ProjectCommandsController,
    ProjectQueriesController,
    ApiKeysController,
    HealthController,
    MetricsController,
    ProjectionsAdminController,
    DeadLettersController,
    PortfolioController,
    DashboardController,
    ...AUDIT_CONTROLLERS,
  ],
  providers: [
    projectCommandHandlerProvider,
    RunProjectCommandHandler,
    PipelineMetrics,
    projectionQueueProvider,
    ProjectionQueueCloser,
    ShutdownDrain,
    ViewUpdates,
    // Global guards run in this order: count the address (unknown keys too), authenticate, count the key,
    // authorise a project command; then JsonBodyGuard (bootstrap.ts) reads and checks the body, so that
    // a caller refused here is 401 or 403 whatever its body, and no pipe sees a body it did not check.
    { provide: APP_GUARD, useClass: AddressRateLimitGuard },
    ...AUDIT_PROVIDERS,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: KeyRateLimitGuard },
    { provide: APP_GUARD, useClass: ProjectCommandGuard },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
  ],
})
export class AppModule {}
