import { Module } from '@nestjs/common';
import { IdempotencyStore } from './idempotency.store.js';
import { IdempotentRequests } from './idempotent-requests.service.js';

/** Idempotency-Key, for project commands, subscriptions and API keys alike. */
@Module({
  providers: [IdempotencyStore, IdempotentRequests],
  exports: [IdempotentRequests],
})
export class IdempotencyModule {}
