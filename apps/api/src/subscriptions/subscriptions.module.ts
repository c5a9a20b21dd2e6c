import { Module } from '@nestjs/common';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import { SecretBox, SubscriptionStore, UnsubscribeLinks } from '@app/notifications';
import { IdempotencyModule } from '../idempotency/idempotency.module.js';
import { SubscriptionsController } from './subscriptions.controller.js';
import { UnsubscribeController } from './unsubscribe.controller.js';

@Module({
  imports: [IdempotencyModule],
  controllers: [SubscriptionsController, UnsubscribeController],
  providers: [
    {
      provide: SubscriptionStore,
      inject: [PG_POOL, APP_CONFIG],
      useFactory: (pool: pg.Pool, config: AppConfig) => new SubscriptionStore(pool, new SecretBox(config.notifications.secretsKey)),
    },
    {
      provide: UnsubscribeLinks,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new UnsubscribeLinks(config.notifications.secretsKey, config.notifications.publicUrl),
    },
  ],
})
export class SubscriptionsModule {}
