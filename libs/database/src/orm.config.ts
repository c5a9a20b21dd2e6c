import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { READ_MODEL_ENTITIES } from '@app/read-models';
import { ApiKeyRotation } from './migrations/migration-2026-11-25-api-key-rotation.js';
import { InitialSchema } from './migrations/migration-2026-11-25-initial-schema.js';
import { RebuildableViews } from './migrations/migration-2026-11-25-rebuildable-views.js';
import { AuditSchema } from './migrations/migration-2026-11-25-audit.js';
import { NotificationsSchema } from './migrations/migration-2026-11-25-notifications.js';
import { MeasurementsByProject } from './migrations/migration-2026-12-02-measurements-by-project.js';
import { EventsAsWritten } from './migrations/migration-2026-12-03-events-as-written.js';
import { SnapshotsAsWritten } from './migrations/migration-2026-12-03-snapshots-as-written.js';
import { IdempotentAnswers } from './migrations/migration-2026-12-03-idempotent-answers.js';
import { CancelledActualEnd } from './migrations/migration-2026-12-03-cancelled-actual-end.js';
import { CorrectionsRankAsOriginal } from './migrations/migration-2026-12-03-corrections-rank-as-original.js';
import { IndicatorSexBreakdown } from './migrations/migration-2026-12-03-indicator-sex-breakdown.js';
import { DeliveriesInLine } from './migrations/migration-2026-12-04-deliveries-in-line.js';
import { IndicatorsWithoutBreakdown } from './migrations/migration-2026-12-04-indicators-without-breakdown.js';
import { PlannedDateRevisions } from './migrations/migration-2026-12-04-planned-date-revisions.js';
import { SnapshotsAsText } from './migrations/migration-2026-12-06-snapshots-as-text.js';
import { WebhookSecretRotation } from './migrations/migration-2026-12-06-webhook-secret-rotation.js';
import { SnapshotParts } from './migrations/migration-2026-12-06-snapshot-parts.js';
import { ProjectCodesRegardlessOfCase } from './migrations/migration-2026-12-07-project-codes-regardless-of-case.js';

/** Every migration, in order; listed rather than globbed so a build cannot miss one. */
export const MIGRATIONS = [
  { name: 'migration-2026-11-25-initial-schema', class: InitialSchema },
  { name: 'migration-2026-11-25-rebuildable-views', class: RebuildableViews },
  { name: 'migration-2026-11-25-api-key-rotation', class: ApiKeyRotation },
  { name: 'migration-2026-11-25-audit', class: AuditSchema },
  { name: 'migration-2026-11-25-notifications', class: NotificationsSchema },
  { name: 'migration-2026-12-02-measurements-by-project', class: MeasurementsByProject },
  { name: 'migration-2026-12-03-events-as-written', class: EventsAsWritten },
  { name: 'migration-2026-12-03-snapshots-as-written', class: SnapshotsAsWritten },
  { name: 'migration-2026-12-03-idempotent-answers', class: IdempotentAnswers },
  { name: 'migration-2026-12-03-cancelled-actual-end', class: CancelledActualEnd },
  { name: 'migration-2026-12-03-corrections-rank-as-original', class: CorrectionsRankAsOriginal },
  { name: 'migration-2026-12-03-indicator-sex-breakdown', class: IndicatorSexBreakdown },
  { name: 'migration-2026-12-04-deliveries-in-line', class: DeliveriesInLine },
  { name: 'migration-2026-12-04-indicators-without-breakdown', class: IndicatorsWithoutBreakdown },
  { name: 'migration-2026-12-04-planned-date-revisions', class: PlannedDateRevisions },
  { name: 'migration-2026-12-06-snapshots-as-text', class: SnapshotsAsText },
  { name: 'migration-2026-12-06-webhook-secret-rotation', class: WebhookSecretRotation },
  { name: 'migration-2026-12-06-snapshot-parts', class: SnapshotParts },
  { name: 'migration-2026-12-07-project-codes-regardless-of-case', class: ProjectCodesRegardlessOfCase },
];

export function ormOptions(databaseUrl: string, overrides: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl: databaseUrl,
    entities: [...READ_MODEL_ENTITIES],
    extensions: [Migrator],
    migrations: {
      migrationsList: MIGRATIONS,
      tableName: 'schema_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    pool: { min: 0, max: 10 },
    ensureDatabase: false,
    allowGlobalContext: false,
    debug: false,
    ...overrides,
  });
}
