import { Migration } from '@mikro-orm/migrations';

/**
 * A project cancelled once it had started ended its work on the day it was cancelled: the IATI export
 * has that day as its actual end (activity-date type 4), and the read model now folds it the same way
 * (`actualEndOf`). Views folded before that have `actual_end` null; this fills them in from the
 * cancellation event, as a rebuild would. A project cancelled before it started keeps none.
 */
export class CancelledActualEnd extends Migration {
  override name = 'migration-2026-12-03-cancelled-actual-end';

  override async up(): Promise<void> {
    this.addSql(`
      UPDATE project_views AS view SET actual_end = (cancelled.data->>'date')::date
      FROM events AS cancelled
      WHERE view.status = 'cancelled' AND view.actual_start IS NOT NULL AND view.actual_end IS NULL
        AND cancelled.stream_id = view.id AND cancelled.type = 'ProjectCancelled'`);
  }

  override async down(): Promise<void> {
    this.addSql(`UPDATE project_views SET actual_end = NULL WHERE status = 'cancelled'`);
  }
}
