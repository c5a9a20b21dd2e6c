import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { PG_POOL } from '@app/database';
import { PROJECT_STATUSES } from '@app/domain';
import { ProjectDetailReader } from '@app/read-models';
import type { Actor } from '../auth/actor.js';
import { CurrentActor } from '../auth/auth.decorators.js';
import { assertMayRead } from '../auth/project-access.js';
import { IsCountryCode } from '../common/country-code.js';
import { ProblemException } from '../common/problem.js';
import { invalidRequest, MAX_COUNTER, today } from '../common/validation.js';
import { UuidParam } from '../common/path-params.js';
import { ApiProblemResponses } from '../common/problem-responses.js';
import { QueryInteger } from '../common/query-integer.js';
import { readOwnWrite } from './own-writes.js';
import { ViewUpdates } from './view-updates.service.js';
import { MILESTONE_TIMELINE, PROJECT_DETAIL, PROJECT_LIST } from './project.schemas.js';

const VERSION_TAG = { ETag: { description: 'The project version, quoted, for If-Match', schema: { type: 'string' } } };


export class ListProjectsQueryDto {
  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2 country code, in capitals', pattern: '^[A-Z]{2}$', example: 'LA' })
  @IsOptional() @IsCountryCode() country?: string;
  @ApiPropertyOptional({ enum: PROJECT_STATUSES }) @IsOptional() @IsIn(PROJECT_STATUSES) status?: string;
  @QueryInteger({ min: 1, max: 500, default: 50 }) limit?: number;
  @QueryInteger({ min: 0, max: MAX_COUNTER, default: 0 }) offset?: number;
  @ApiPropertyOptional({ description: 'The `nextAfter` of the previous page: projects whose code sorts after it (then no offset)', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  // PostgreSQL's text cannot hold it: the comparison with the codes would fail in the driver (a 500).
  @Matches(/^[^\u0000]*$/, { message: 'after must not contain the NUL character (U+0000)' })
  after?: string;
}

export class ReadProjectQueryDto {
  @QueryInteger({
    min: 1,
    max: MAX_COUNTER,
    description:
      'Read your own write: the version a write of yours answered. The answer waits (up to 5 s) until the view holds it or a later one; ' +
      'without it, a read right after a write may show the project as it was a moment before (the views follow the event store)',
  })
  minVersion?: number;
}

const VIEW_BEHIND =
  'READ_MODEL.BEHIND: `minVersion` was given and the view did not reach it within 5 s (the worker stopped, the project held back); `Retry-After` says when to try again. Also PostgreSQL unreachable, or the API overloaded';

/** Reads of the project read model (a project's events and history are in the audit context). */
@ApiTags('projects')
@ApiBearerAuth()
@Controller('projects')
export class ProjectQueriesController {
  private readonly reader: ProjectDetailReader;

  constructor(
    @Inject(EntityManager) em: EntityManager,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly viewUpdates: ViewUpdates,
  ) {
    this.reader = new ProjectDetailReader(em);
  }

  @Get()
  @ApiOperation({ summary: 'List projects (read model) by code, filtered by country and status; paged by `after` (the `nextAfter` of the page before) or `offset`' })
  @ApiOkResponse({ schema: PROJECT_LIST })
  list(@Query() query: ListProjectsQueryDto, @CurrentActor() actor: Actor) {
    if (query.after !== undefined && query.offset !== undefined) {
      throw invalidRequest([{ field: 'offset', message: 'offset may not be given with after: a page starts after a code or at an offset' }]);
    }
    return this.reader.list({
      country: query.country,
      status: query.status,
      ids: actor.role === 'team' ? actor.projectIds : undefined,
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
      afterCode: query.after,
    });
  }

  @Get(':projectId')
  @ApiOperation({ summary: 'One project with components, milestones, indicators and progress; ETag is its version' })
  @ApiOkResponse({ description: 'The project read model', schema: PROJECT_DETAIL, headers: VERSION_TAG })
  @ApiProblemResponses([503, VIEW_BEHIND])
  async get(@UuidParam('projectId') id: string, @Query() query: ReadProjectQueryDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) response: Response) {
    assertMayRead(actor, id);
    const read = () => this.reader.get(id, today());
    const project = query.minVersion === undefined ? await read() : await this.ownWrite(id, query.minVersion, read, response);
    if (!project) throw notFound(id);
    response.setHeader('ETag', `"${project.version}"`);
    return project;
  }

  @Get(':projectId/timeline')
  @ApiOperation({
    summary: "The project's milestones in due-date order, each with its history (planned, rescheduled, reached, waived), and the revisions of its planned dates",
  })
  @ApiOkResponse({ schema: MILESTONE_TIMELINE, headers: VERSION_TAG })
  @ApiProblemResponses([503, VIEW_BEHIND])
  async timeline(@UuidParam('projectId') id: string, @Query() query: ReadProjectQueryDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) response: Response) {
    assertMayRead(actor, id);
    const read = () => this.reader.timeline(id, today());
    const timeline = query.minVersion === undefined ? await read() : await this.ownWrite(id, query.minVersion, read, response);
    if (!timeline) throw notFound(id);
    response.setHeader('ETag', `"${timeline.version}"`);
    return { projectId: id, ...timeline };
  }

  /** What `read` answers once the view holds `minVersion` (readOwnWrite), given up if the caller goes. */
  private ownWrite<T extends { version: number }>(id: string, minVersion: number, read: () => Promise<T | undefined>, response: Response): Promise<T> {
    const gone = new AbortController();
    const hangUp = () => {
      if (!response.writableFinished) gone.abort();
    };
    response.once('close', hangUp);
    return readOwnWrite(this.pool, this.viewUpdates, { projectId: id, minVersion, read, notFound: () => notFound(id), signal: gone.signal }).finally(() => response.off('close', hangUp));
  }
}

function notFound(id: string): ProblemException {
  return new ProblemException(404, 'PROJECT.NOT_FOUND', 'Not Found', `Project ${id} does not exist.`);
}
