import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { EmptyBody } from '../common/empty-body.pipe.js';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type pg from 'pg';
import { PG_POOL } from '@app/database';
import { ProjectViewsRebuild, RebuildInProgress } from '@app/read-models';
import { Roles } from '../auth/auth.decorators.js';
import { NoQueryGuard } from '../common/no-query.guard.js';
import { ProblemException } from '../common/problem.js';
import { problemResponse } from '../common/problem-responses.js';
import { apiSchema, arrayOf, closed, integer, oneOfValues, string, uuid } from '../common/openapi/api-schema.js';
import { VIEW_TABLES } from '@app/read-models';

const BUILD_MEMBERS = {
  events: integer('Events read'),
  projects: integer('Projects folded from their events'),
  durationMs: integer(),
  unreadable: arrayOf(
    closed({
      projectId: uuid(),
      version: integer('The version it stops at: the event it cannot take, or the one missing'),
      reason: string(),
    }),
    'Projects whose stored history cannot be replayed (changed by hand; GET /projects/{id}/audit says how): not rebuilt, their views kept as they were. Empty when every history could be folded',
  ),
};
const REBUILD = apiSchema('ProjectionsRebuild', closed(BUILD_MEMBERS));
const DRIFT = apiSchema(
  'ProjectionsDrift',
  closed({
    ...BUILD_MEMBERS,
    compared: integer('Projects at the same version in the live and the rebuilt model'),
    behind: arrayOf(uuid(), 'Projects whose live view is behind its events (being projected, or held up): not compared'),
    movedOn: arrayOf(uuid(), 'Projects whose live view moved on past the verification\'s snapshot (written to while it ran): not compared; run it again to compare them'),
    differing: arrayOf(closed({ projectId: uuid(), table: oneOfValues(VIEW_TABLES) }), 'Empty when the read model holds what the events say'),
  }),
);

/** Both answer 409 while the other (or another process's) runs. */
const REBUILD_RUNNING = ApiResponse({
  status: 409,
  ...problemResponse(409, 'PROJECTIONS.REBUILD_RUNNING: a rebuild or verification is already running'),
  headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
});
import { projectionDriftProjects } from '../metrics/metrics.js';

/** Operator commands on the read models. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/projections')
@Roles('admin')
@UseGuards(NoQueryGuard)
export class ProjectionsAdminController {
  private readonly rebuilds: ProjectViewsRebuild;

  constructor(@Inject(PG_POOL) pool: pg.Pool) {
    this.rebuilds = new ProjectViewsRebuild(pool);
  }

  @Post('rebuild')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Drop and rebuild every read model from the event store (admin)',
    description:
      'Builds into shadow tables and swaps them in; reads stay available and commands keep being accepted. ' +
      'A project whose stored history cannot be replayed is named in `unreadable` and keeps the views it had; the others are rebuilt. ' +
      'Idempotent by nature (Idempotency-Key is not needed): the event store decides the result, so a retry builds the same read models.',
  })
  @ApiOkResponse({ schema: REBUILD })
  @REBUILD_RUNNING
  rebuild(@Body(EmptyBody) _body: object) {
    return this.exclusive(() => this.rebuilds.rebuild());
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rebuild into shadow tables and report any difference from the live read model (admin)',
    description:
      'Changes no read model: idempotent by nature (Idempotency-Key is not needed). A project whose stored history cannot be replayed is named in `unreadable` and not compared.',
  })
  @ApiOkResponse({ schema: DRIFT })
  @REBUILD_RUNNING
  async verify(@Body(EmptyBody) _body: object) {
    const report = await this.exclusive(() => this.rebuilds.verify());
    projectionDriftProjects.set(new Set(report.differing.map((d) => d.projectId)).size);
    return report;
  }

  private async exclusive<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof RebuildInProgress) {
        throw new ProblemException(409, 'PROJECTIONS.REBUILD_RUNNING', 'Conflict', error.message, undefined, { 'retry-after': '10' });
      }
      throw error;
    }
  }
}
