import type pg from 'pg';
import { STATUSES_WITHOUT_OVERDUE } from '@app/domain';
import { inOneSnapshotOf } from '../one-snapshot.js';

/** Projects closed or cancelled: their milestones and indicators are no longer tracked. */
const TRACKED = `p.status <> ALL ('{${STATUSES_WITHOUT_OVERDUE.join(',')}}'::text[])`;

export interface Portfolio {
  asOf: string;
  projects: { total: number; byStatus: Record<string, number>; byCountry: Record<string, Record<string, number>> };
  milestones: { planned: number; reached: number; waived: number; overdue: number; upcoming: number };
  indicators: { total: number; measured: number; onTrack: number; behind: number; targetReached: number };
}

/** Milestones due within this many days count as upcoming. */
export const UPCOMING_DAYS = 30;

/**
 * The managers' portfolio, aggregated from the read model the worker keeps (so it is as fresh as the
 * project views). An indicator is on track when its progress share is at least the share of its
 * period already elapsed: from its baseline date (else the project's start) to its target date (else
 * the project's planned end); without such dates, any progress counts. A closed or cancelled project's
 * milestones still planned and its indicators are no longer tracked: none is planned, overdue,
 * upcoming, on track or behind (they count in the totals, reached, waived and targets reached).
 */
export class PortfolioReader {
  constructor(private readonly pool: pg.Pool) {}

  async read(today: string, projectIds?: string[]): Promise<Portfolio> {
    const scope = projectIds ? 'WHERE p.id = ANY($2::uuid[])' : '';
    const params: unknown[] = projectIds ? [today, projectIds] : [today];
    // One snapshot: the three statements describe one state of the read model.
    const [projects, milestones, indicators] = await inOneSnapshotOf(this.pool, (client) => Promise.all([
      client.query<{ country: string; status: string; n: number }>(
        `SELECT p.country, p.status, count(*)::int AS n FROM project_views p
         ${projectIds ? 'WHERE p.id = ANY($1::uuid[])' : ''} GROUP BY p.country, p.status`,
        projectIds ? [projectIds] : [],
      ),
      client.query<Portfolio['milestones']>(
        `SELECT count(*) FILTER (WHERE m.status = 'planned' AND ${TRACKED})::int AS planned,
                count(*) FILTER (WHERE m.status = 'reached')::int AS reached,
                count(*) FILTER (WHERE m.status = 'waived')::int AS waived,
                count(*) FILTER (WHERE m.status = 'planned' AND m.due_date < $1::date AND ${TRACKED})::int AS overdue,
                count(*) FILTER (WHERE m.status = 'planned' AND m.due_date >= $1::date
                                   AND m.due_date < $1::date + ${UPCOMING_DAYS} AND ${TRACKED})::int AS upcoming
         FROM milestone_views m JOIN project_views p ON p.id = m.project_id ${scope}`,
        params,
      ),
      client.query<Portfolio['indicators']>(
        `WITH i AS (
           SELECT i.progress, ${TRACKED} AS tracked,
                  COALESCE(i.baseline_date, p.actual_start, p.planned_start) AS starts,
                  COALESCE(i.target_date, p.planned_end) AS ends
           FROM indicator_views i JOIN project_views p ON p.id = i.project_id ${scope}
         ), e AS (
           SELECT progress, tracked,
                  CASE WHEN starts IS NULL OR ends IS NULL OR ends <= starts THEN 0
                       ELSE LEAST(GREATEST(($1::date - starts)::float / (ends - starts), 0), 1) END AS expected
           FROM i
         )
         SELECT count(*)::int AS total,
                count(progress)::int AS measured,
                count(*) FILTER (WHERE tracked AND progress IS NOT NULL AND progress >= expected)::int AS "onTrack",
                count(*) FILTER (WHERE tracked AND progress IS NOT NULL AND progress < expected)::int AS behind,
                count(*) FILTER (WHERE progress >= 1)::int AS "targetReached"
         FROM e`,
        params,
      ),
    ]));
    const byStatus: Record<string, number> = {};
    const byCountry: Record<string, Record<string, number>> = {};
    let total = 0;
    for (const row of projects.rows) {
      total += row.n;
      byStatus[row.status] = (byStatus[row.status] ?? 0) + row.n;
      (byCountry[row.country] ??= {})[row.status] = row.n;
    }
    return { asOf: today, projects: { total, byStatus, byCountry }, milestones: milestones.rows[0]!, indicators: indicators.rows[0]! };
  }
}
