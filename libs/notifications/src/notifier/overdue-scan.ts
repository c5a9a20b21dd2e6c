import type pg from 'pg';
import { inTransaction } from '@app/event-store';
import { STATUSES_WITHOUT_OVERDUE } from '@app/domain';
import type { ProjectFacts, StoredNotification } from '../notification.js';
import { milestoneOverdue } from '../rules/milestone-overdue.rule.js';
import { type DeliveryRef, fanOut, insertNotifications, recordRun } from '../store/notification-store.js';
import { lockCursor } from './notifier.js';

export const OVERDUE_SCAN_RUN = 'milestone-overdue-scan';

interface OverdueRow {
  milestone_id: string;
  project_id: string;
  title: string;
  due_date: string;
  status: string;
  times_rescheduled: number;
  project_status: string;
  code: string;
  project_title: string;
  country: string;
}

/**
 * Finds milestones whose due date has passed without their being reached, and announces each once per
 * due date. It reads the milestones the notifier keeps from the feed, under the notifier's cursor lock,
 * so it never judges a milestone on state older than the notifier's own; and only those of projects
 * the notifier has followed to the head of their stream: a project whose later events the feed has not
 * offered yet (a cancellation, the milestone reached) is judged by a later scan, not on what it was. Claiming a milestone
 * (`overdue_announced_for`) and storing its notification commit together: two scans at once, or a
 * redelivered scan job, announce it once.
 */
export class OverdueScan {
  constructor(private readonly pool: pg.Pool) {}

  async run(now = new Date()): Promise<{ notifications: StoredNotification[]; deliveries: DeliveryRef[] }> {
    const today = now.toISOString().slice(0, 10);
    return inTransaction(this.pool, async (client) => {
      await lockCursor(client);
      // The domain's isMilestoneOverdue, in SQL so that settled milestones are never read again.
      const claimed = await client.query<OverdueRow>(
        `UPDATE notifier_milestones m SET overdue_announced_for = m.times_rescheduled
         FROM notifier_projects p JOIN event_streams s ON s.stream_id = p.project_id
         WHERE p.project_id = m.project_id AND p.version = s.version
           AND m.status = 'planned' AND m.due_date < $1::date AND m.project_status <> ALL ($2::text[])
           AND m.overdue_announced_for IS DISTINCT FROM m.times_rescheduled
         RETURNING m.milestone_id, m.project_id, m.title, m.due_date::text AS due_date, m.status, m.times_rescheduled,
           m.project_status, p.state->>'code' AS code, p.state->>'title' AS project_title, p.state->>'country' AS country`,
        [today, STATUSES_WITHOUT_OVERDUE],
      );
      const detectedAt = now.toISOString();
      const drafts = claimed.rows
        .map((row) =>
          milestoneOverdue(
            {
              milestoneId: row.milestone_id,
              title: row.title,
              dueDate: row.due_date,
              timesRescheduled: row.times_rescheduled,
              project: {
                id: row.project_id,
                code: row.code,
                title: row.project_title,
                country: row.country,
                status: row.project_status as ProjectFacts['status'],
              },
            },
            today,
            detectedAt,
          ),
        );
      const notifications = await insertNotifications(client, drafts);
      const deliveries = await fanOut(client, notifications);
      await recordRun(client, OVERDUE_SCAN_RUN);
      return { notifications, deliveries };
    });
  }
}
