import type pg from 'pg';
import { inTransaction } from '@app/event-store';
import type { NotificationType } from '../notification-types.js';
import type { ProjectFacts, StoredNotification } from '../notification.js';
import { type DigestCounts, HIGHLIGHTS_PER_PROJECT, projectDigest } from '../rules/project-digest.rule.js';
import { type DeliveryRef, fanOut, insertNotifications, recordRun } from '../store/notification-store.js';
import { lockCursor } from './notifier.js';

export const DIGEST_RUN = 'project-digest';


/**
 * The periodic digest: for every active subscription that takes digests, a summary of the notifications
 * in its projects and countries since its last digest (or its creation). The type filter chooses what
 * is sent, not what is summarised, so a subscription to `project.digest` alone is a weekly summary of
 * everything in its scope. Each subscription's digest and its `last_digest_at` commit together, keyed by
 * the period's end: a redelivered run sends nothing twice.
 *
 * Periods are cut by when notifications were stored (so a late one falls in the next period rather than
 * in none); like the fan-out, a digest leaves out facts recorded before its subscription was made.
 */
export class DigestRun {
  constructor(private readonly pool: pg.Pool) {}

  async run(periodEnd: Date): Promise<{ notifications: StoredNotification[]; deliveries: DeliveryRef[] }> {
    const due = await this.pool.query<{ id: string }>(
      `SELECT id FROM subscriptions
       WHERE status = 'active' AND (cardinality(types) = 0 OR 'project.digest' = ANY (types))
         AND created_at < $1 AND (last_digest_at IS NULL OR last_digest_at < $1)
       ORDER BY created_at`,
      [periodEnd],
    );
    const notifications: StoredNotification[] = [];
    const deliveries: DeliveryRef[] = [];
    for (const { id } of due.rows) {
      const outcome = await this.digestFor(id, periodEnd);
      notifications.push(...outcome.notifications);
      deliveries.push(...outcome.deliveries);
    }
    await recordRun(this.pool, DIGEST_RUN);
    return { notifications, deliveries };
  }

  private async digestFor(subscriptionId: string, periodEnd: Date): Promise<{ notifications: StoredNotification[]; deliveries: DeliveryRef[] }> {
    return inTransaction(this.pool, async (client) => {
      // Inbox entries are numbered as they are written; writers take turns so that they commit in that order too.
      await lockCursor(client);
      const locked = await client.query<{ period_start: Date; created_at: Date; project_ids: string[]; countries: string[] }>(
        `SELECT COALESCE(last_digest_at, created_at) AS period_start, created_at, project_ids, countries FROM subscriptions
         WHERE id = $1 AND status = 'active' AND (last_digest_at IS NULL OR last_digest_at < $2)
         FOR UPDATE`,
        [subscriptionId, periodEnd],
      );
      const subscription = locked.rows[0];
      if (!subscription) return { notifications: [], deliveries: [] };
      const ofPeriod = `FROM notifications
         WHERE created_at > $1 AND created_at <= $2 AND type <> 'project.digest' AND project_id IS NOT NULL
           AND (cardinality($3::uuid[]) = 0 OR project_id = ANY ($3::uuid[]))
           AND (cardinality($4::text[]) = 0 OR country = ANY ($4::text[]))
           AND COALESCE((data #>> '{event,recordedAt}')::timestamptz, time) >= $5`;
      const period = [subscription.period_start, periodEnd, subscription.project_ids, subscription.countries, subscription.created_at];
      // Of a busy period only what can be a highlight is read (the latest of each type in each project),
      // and every notification is counted: a week of 10,000 reschedules is summed whole, and a project
      // whose only news came late in it is there.
      const entries = await client.query<{ type: NotificationType; headline: string; time: Date; project: ProjectFacts }>(
        `SELECT type, headline, time, project FROM (
           SELECT type, headline, time, created_at, source_position, data->'project' AS project,
                  row_number() OVER (PARTITION BY project_id, type ORDER BY created_at DESC, source_position DESC NULLS FIRST) AS nth
           ${ofPeriod}) AS ranked
         WHERE nth <= $6 ORDER BY created_at, source_position NULLS LAST`,
        [...period, HIGHLIGHTS_PER_PROJECT],
      );
      const counted = await client.query<{ project_id: string; type: NotificationType; count: number }>(
        `SELECT project_id, type, count(*)::int AS count ${ofPeriod} GROUP BY project_id, type`,
        period,
      );
      const countsByProject = new Map<string, DigestCounts>();
      for (const row of counted.rows) countsByProject.set(row.project_id, { ...countsByProject.get(row.project_id), [row.type]: row.count });
      const draft = projectDigest({
        subscriptionId,
        periodStart: subscription.period_start.toISOString(),
        periodEnd: periodEnd.toISOString(),
        entries: entries.rows.map((row) => ({ type: row.type, headline: row.headline, time: row.time.toISOString(), project: row.project })),
        countsByProject,
      });
      const notifications = draft ? await insertNotifications(client, [draft]) : [];
      const deliveries = await fanOut(client, notifications);
      await client.query('UPDATE subscriptions SET last_digest_at = $2 WHERE id = $1', [subscriptionId, periodEnd]);
      return { notifications, deliveries };
    });
  }
}
