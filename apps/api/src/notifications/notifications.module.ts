import { Module } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '@app/database';
import { InboxStore } from '@app/notifications';
import { InboxStream } from './inbox-stream.service.js';
import { NotificationsController } from './notifications.controller.js';

@Module({
  controllers: [NotificationsController],
  providers: [{ provide: InboxStore, inject: [PG_POOL], useFactory: (pool: pg.Pool) => new InboxStore(pool) }, InboxStream],
})
export class NotificationsModule {}
