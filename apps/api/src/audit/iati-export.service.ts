import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import { type IatiActivity, type IatiCodeProblem, buildIatiActivitiesXml, checkIatiActivity, projectToIatiActivity } from '@app/iati';
import { historyUnreadable, ProblemException } from '../common/problem.js';
import { unreadableHistory } from '../common/unreadable-history.js';
import { ProjectHistoryService } from './project-history.service.js';

export interface IatiDocument {
  xml: string;
  activities: number;
  /** Projects left out because IATI would refuse them, and why. */
  skipped: { projectId: string; code: string; problems: IatiCodeProblem[] }[];
  total: number;
}

/**
 * The proposals of the projects of one recipient country ($1), or of every project ($1 null): a page of
 * projects, and their count.
 */
const PROPOSED_IN_COUNTRY = `FROM events WHERE type = 'ProjectProposed' AND ($1::text IS NULL OR data->>'country' = $1)`;

/**
 * IATI 2.03 exports built from the event store (not the read model, which may lag): each project's
 * state is rebuilt, mapped to an activity, its codes checked, then written as XML.
 */
@Injectable()
export class IatiExportService {
  constructor(
    private readonly history: ProjectHistoryService,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** One project, as it is or as known at a version or time; 409 naming the fields IATI would refuse. */
  async project(projectId: string, point: { version?: number; at?: string } = {}): Promise<IatiDocument> {
    const activity = await this.activity(projectId, point);
    const problems = checkIatiActivity(activity.activity, this.config.audit.iatiReportingOrg);
    if (problems.length > 0) {
      throw new ProblemException(
        409,
        'IATI.NOT_EXPORTABLE',
        'Conflict',
        `Project ${activity.code} cannot be published as IATI yet: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}.`,
        problems,
      );
    }
    return { xml: this.document([activity.activity]), activities: 1, skipped: [], total: 1 };
  }

  /**
   * Every project with this recipient country, or every project of the publisher when none is given
   * (from the proposals in the store), in proposal order.
   */
  async country(country: string | undefined, page: { limit: number; offset: number }): Promise<IatiDocument | undefined> {
    const result = await this.pool.query<{ stream_id: string; code: string; total: string }>(
      `SELECT stream_id, data->>'code' AS code, count(*) OVER () AS total ${PROPOSED_IN_COUNTRY} ORDER BY position LIMIT $2 OFFSET $3`,
      [country ?? null, page.limit, page.offset],
    );
    // A page past the end has no row to carry the count.
    const total = result.rows.length > 0 || page.offset === 0 ? Number(result.rows[0]?.total ?? 0) : await this.countProposed(country);
    const activities: IatiActivity[] = [];
    const skipped: IatiDocument['skipped'] = [];
    for (const row of result.rows) {
      const found = await this.activity(row.stream_id).catch((error: unknown) => {
        // One project whose stored history was changed by hand does not keep the others from being published.
        if (unreadableHistory(error)) return undefined;
        throw error;
      });
      if (!found) {
        const message = `its stored history cannot be replayed (GET /projects/${row.stream_id}/audit tells whether it was altered)`;
        skipped.push({ projectId: row.stream_id, code: row.code, problems: [{ field: 'history', message }] });
        continue;
      }
      const { activity, code } = found;
      const problems = checkIatiActivity(activity, this.config.audit.iatiReportingOrg);
      if (problems.length === 0) activities.push(activity);
      else skipped.push({ projectId: row.stream_id, code, problems });
    }
    if (activities.length === 0) return { xml: '', activities: 0, skipped, total };
    return { xml: this.document(activities, skipped), activities: activities.length, skipped, total };
  }

  private async countProposed(country: string | undefined): Promise<number> {
    const result = await this.pool.query<{ total: number }>(
      `SELECT count(*)::int AS total ${PROPOSED_IN_COUNTRY}`,
      [country ?? null],
    );
    return result.rows[0]!.total;
  }

  private async activity(projectId: string, point: { version?: number; at?: string } = {}) {
    const { state, asOf } = await this.history.stateAt(projectId, point);
    // Events without a proposal first: only a hand-made change to the stored history leaves that.
    if (state.status === 'none') throw historyUnreadable(projectId, 'from its first event: it has no proposal');
    const first = await this.history.eventAt(projectId, 1);
    const activity = projectToIatiActivity({
      project: state,
      reportingOrgRef: this.config.audit.iatiReportingOrg.ref,
      lastUpdated: asOf.recordedAt ?? first.metadata.recordedAt,
      firstRecorded: first.metadata.recordedAt,
    });
    return { activity, code: state.code };
  }

  private document(activities: IatiActivity[], skipped: IatiDocument['skipped'] = []): string {
    const xml = buildIatiActivitiesXml(activities, {
      reportingOrg: this.config.audit.iatiReportingOrg,
      generatedAt: new Date().toISOString(),
    });
    if (skipped.length === 0) return xml;
    // Say in the file itself which projects it leaves out; "--" may not appear inside an XML comment.
    const note = skipped
      .map((skip) => `${skip.code}: ${skip.problems.map((p) => `${p.field} ${p.message}`).join('; ')}`)
      .join('\n     ')
      .replaceAll('--', '- -');
    return xml.replace('?>\n', `?>\n<!-- Left out, IATI would refuse them:\n     ${note} -->\n`);
  }
}

