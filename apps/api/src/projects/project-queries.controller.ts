import { Controller, Get, Inject, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { EntityManager } from '@mikro-orm/postgresql';
import { PROJECT_STATUSES } from '@app/domain';
import { ProjectDetailReader, readMilestoneTimeline } from '@app/read-models';
import type { Actor } from '../auth/actor.js';
import { CurrentActor } from '../auth/auth.decorators.js';
import { assertMayRead } from '../auth/project-access.js';
import { noQuery } from '../common/no-query.pipe.js';
import { ProblemException } from '../common/problem.js';
import { MAX_COUNTER, today } from '../common/validation.js';

const uuid = new ParseUUIDPipe({
  exceptionFactory: () =>
    new ProblemException(400, 'REQUEST.INVALID_ID', 'Bad Request', 'An id in the path is not a UUID.', [
      { field: 'path', message: 'must be a UUID' },
    ]),
});

export class ListProjectsQueryDto {
  @IsOptional() @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code in capitals' }) country?: string;
  @IsOptional() @IsIn(PROJECT_STATUSES) status?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(MAX_COUNTER) offset?: number;
}

/** Reads of the project read model (a project's events and history are in the audit context). */
@ApiTags('projects')
@ApiBearerAuth()
@Controller('projects')
export class ProjectQueriesController {
  private readonly reader: ProjectDetailReader;

  constructor(@Inject(EntityManager) private readonly em: EntityManager) {
    this.reader = new ProjectDetailReader(em);
  }

  @Get()
  @ApiOperation({ summary: 'List projects (read model), filtered by country and status' })
  @ApiQuery({ name: 'country', required: false, example: 'LA' })
  @ApiQuery({ name: 'status', required: false, enum: PROJECT_STATUSES })
  @ApiQuery({ name: 'limit', required: false, example: 50 })
  @ApiQuery({ name: 'offset', required: false, example: 0 })
  list(@Query() query: ListProjectsQueryDto, @CurrentActor() actor: Actor) {
    return this.reader.list({
      country: query.country,
      status: query.status,
      ids: actor.role === 'team' ? actor.projectIds : undefined,
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One project with components, milestones, indicators and progress; ETag is its version' })
  @ApiOkResponse({ description: 'The project read model' })
  async get(@Param('id', uuid) id: string, @Query(noQuery) _query: object, @CurrentActor() actor: Actor, @Res({ passthrough: true }) response: Response) {
    assertMayRead(actor, id);
    const project = await this.reader.get(id, today());
    if (!project) throw notFound(id);
    response.setHeader('ETag', `"${project.version}"`);
    return project;
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: "The project's milestones in due-date order, each with its history (planned, rescheduled, reached, waived)" })
  async timeline(@Param('id', uuid) id: string, @Query(noQuery) _query: object, @CurrentActor() actor: Actor, @Res({ passthrough: true }) response: Response) {
    assertMayRead(actor, id);
    const project = await this.reader.summary(id);
    if (!project) throw notFound(id);
    response.setHeader('ETag', `"${project.version}"`);
    return { projectId: id, version: project.version, milestones: await readMilestoneTimeline(this.em, id, project.status, today()) };
  }
}

function notFound(id: string): ProblemException {
  return new ProblemException(404, 'PROJECT.NOT_FOUND', 'Not Found', `Project ${id} does not exist.`);
}
