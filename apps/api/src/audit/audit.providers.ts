import type pg from 'pg';
import { PG_POOL } from '@app/database';
import { AuditCheckpoints, PostgresAuditReader } from '@app/event-store';
import { AccessLogInterceptor } from './access-log.interceptor.js';
import { AccessLogService } from './access-log.service.js';
import { AuditController } from './audit.controller.js';
import { EventFeedController } from './event-feed.controller.js';
import { IatiController } from './iati.controller.js';
import { IatiExportService } from './iati-export.service.js';
import { ProjectAuditController } from './project-audit.controller.js';
import { ProjectHistoryController } from './project-history.controller.js';
import { ProjectHistoryService } from './project-history.service.js';

/** The audit context's routes: history, time travel, verification, checkpoints, exports, access log. */
export const AUDIT_CONTROLLERS = [ProjectHistoryController, ProjectAuditController, EventFeedController, AuditController, IatiController];

export const AUDIT_PROVIDERS = [
  { provide: PostgresAuditReader, inject: [PG_POOL], useFactory: (pool: pg.Pool) => new PostgresAuditReader(pool) },
  {
    provide: AuditCheckpoints,
    inject: [PG_POOL, PostgresAuditReader],
    useFactory: (pool: pg.Pool, reader: PostgresAuditReader) => new AuditCheckpoints(pool, reader),
  },
  ProjectHistoryService,
  IatiExportService,
  AccessLogService,
  AccessLogInterceptor,
];
