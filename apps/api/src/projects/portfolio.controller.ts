import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type pg from 'pg';
import { PG_POOL } from '@app/database';
import { PortfolioReader } from '@app/read-models';
import type { Actor } from '../auth/actor.js';
import { CurrentActor } from '../auth/auth.decorators.js';
import { NO_QUERY, noQuery } from '../common/no-query.pipe.js';
import { ApiProblemResponses } from '../common/problem-responses.js';
import { PORTFOLIO } from './project.schemas.js';
import { today } from '../common/validation.js';

@ApiTags('projects')
@ApiBearerAuth()
@Controller('portfolio')
export class PortfolioController {
  private readonly reader: PortfolioReader;

  constructor(@Inject(PG_POOL) pool: pg.Pool) {
    this.reader = new PortfolioReader(pool);
  }

  @Get()
  @ApiOperation({
    summary: 'The portfolio: projects by country and status, milestones reached / overdue / upcoming, indicators on track',
    description: 'A team key sees its own projects only. Upcoming: due within 30 days. On track: progress at least the share of the indicator period elapsed.',
  })
  @ApiOkResponse({ schema: PORTFOLIO })
  @ApiProblemResponses(NO_QUERY)
  portfolio(@Query(noQuery) _query: object, @CurrentActor() actor: Actor) {
    return this.reader.read(today(), actor.role === 'team' ? actor.projectIds : undefined);
  }
}
