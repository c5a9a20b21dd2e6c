import type pg from 'pg';
import { STATUSES_WITHOUT_OVERDUE } from '@app/domain';

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
 * the project's planned end); without such dates, any progress counts.
 */
export class PortfolioReader {
  constructor(private readonly pool: pg.Pool) {}

  async read(today: string, projectIds?: string[]): Promise<Portfolio> {
    const scope = projectIds ? 'WHERE p.id = ANY($2::uuid[])' : '';
    const params: unknown[] = projectIds ? [today, projectIds] : [today];
    const [projects, milestones, indicators] = await Promise.all([
      this.pool.query<{ country: string; status: string; n: number }>(
        `SELECT p.country, p.status, count(*)::int AS n FROM project_views p
         ${projectIds ? 'WHERE p.id = ANY($1::uuid[])' : ''} GROUP BY p.country, p.status`,
        projectIds ? [projectIds] : [],
      ),
      this.pool.query<Portfolio['milestones']>(
        `SELECT count(*) FILTER (WHERE m.status = 'planned')::int AS planned,
                count(*) FILTER (WHERE m.status = 'reached')::int AS reached,
                count(*) FILTER (WHERE m.status = 'waived')::int AS waived,
                count(*) FILTER (WHERE m.status = 'planned' AND m.due_date < $1::date
                                   AND p.status <> ALL ('{${STATUSES_WITHOUT_OVERDUE.join(',')}}'::text[]))::int AS overdue,
                count(*) FILTER (WHERE m.status = 'planned' AND m.due_date >= $1::date
                                   AND m.due_date < $1::date + ${UPCOMING_DAYS}
                                   AND p.status <> ALL ('{${STATUSES_WITHOUT_OVERDUE.join(',')}}'::text[]))::int AS upcoming
         FROM milestone_views m JOIN project_views p ON p.id = m.project_id ${scope}`,
        params,
      ),
      this.pool.query<Portfolio['indicators']>(
        `WITH i AS (
           SELECT i.progress,
                  COALESCE(i.baseline_date, p.actual_start, p.planned_start) AS starts,
                  COALESCE(i.target_date, p.planned_end) AS ends
           FROM indicator_views i JOIN project_views p ON p.id = i.project_id ${scope}
         ), e AS (
           SELECT progress,
                  CASE WHEN starts IS NULL OR ends IS NULL OR ends <= starts THEN 0
                       ELSE LEAST(GREATEST(($1::date - starts)::float / (ends - starts), 0), 1) END AS expected
           FROM i
         )
         SELECT count(*)::int AS total,
                count(progress)::int AS measured,
                count(*) FILTER (WHERE progress IS NOT NULL AND progress >= expected)::int AS "onTrack",
                count(*) FILTER (WHERE progress IS NOT NULL AND progress < expected)::int AS behind,
                count(*) FILTER (WHERE progress >= 1)::int AS "targetReached"
         FROM e`,
        params,
      ),
    ]);
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
