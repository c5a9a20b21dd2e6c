import { Module } from '@nestjs/common';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import { SecretBox, SubscriptionStore } from '@app/notifications';
import { IdempotencyModule } from '../idempotency/idempotency.module.js';
import { SubscriptionsController } from './subscriptions.controller.js';

@Module({
  imports: [IdempotencyModule],
  controllers: [SubscriptionsController],
  providers: [
    {
      provide: SubscriptionStore,
      inject: [PG_POOL, APP_CONFIG],
      useFactory: (pool: pg.Pool, config: AppConfig) => new SubscriptionStore(pool, new SecretBox(config.notifications.secretsKey)),
    },
  ],
})
export class SubscriptionsModule {}
