import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { EmptyBody } from '../common/empty-body.pipe.js';
import { InjectQueue } from '@nestjs/bullmq';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Job, Queue } from 'bullmq';
import { PROJECTIONS_QUEUE, type ProjectionJob } from '@app/read-models';
import { Roles } from '../auth/auth.decorators.js';
import { NoQueryGuard } from '../common/no-query.guard.js';
import { ProblemException } from '../common/problem.js';
import { ApiProblemResponses } from '../common/problem-responses.js';
import { QueryInteger } from '../common/query-integer.js';
import { apiSchema, arrayOf, closed, dateTime, integer, nullable, string, uuid } from '../common/openapi/api-schema.js';

export class DeadLettersQueryDto {
  @QueryInteger({ min: 1, max: 1000, default: 100, description: 'Most parked jobs listed' }) limit?: number;
}

const DEAD_LETTERS = apiSchema(
  'DeadLetters',
  closed({
    total: integer('Parked jobs in all'),
    items: arrayOf(
      closed({
        jobId: string(),
        queue: string(),
        projectId: uuid(),
        version: integer('The latest stream version offered to the job (later offers join a parked job); its id names the first version the view lacks'),
        error: string(),
        attempts: integer(),
        failedAt: nullable(dateTime()),
        stack: nullable(string('The first lines of the last stack trace')),
      }),
    ),
  }),
);

const REPLAYED_JOB = apiSchema('ReplayedDeadLetter', closed({ jobId: string(), state: string('The job state after the replay (waiting, active...)') }));

/**
 * Events a projection could not apply after every retry stay parked in the queue's failed set, with
 * their error; the project's later events wait behind them (a sync applies in version order), other
 * projects go on. An operator sees them here (or in the queue board) and replays once the cause is fixed.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/dead-letters')
@Roles('admin')
export class DeadLettersController {
  constructor(@InjectQueue(PROJECTIONS_QUEUE) private readonly projections: Queue<ProjectionJob>) {}

  @Get()
  @ApiOperation({ summary: 'Parked projection jobs, with their error (admin)' })
  @ApiOkResponse({ schema: DEAD_LETTERS })
  async list(@Query() query: DeadLettersQueryDto) {
    const count = query.limit ?? 100;
    const jobs = await this.projections.getFailed(0, count - 1);
    return { total: await this.projections.getFailedCount(), items: jobs.map(describe) };
  }

  @Post(':jobId/replay')
  @HttpCode(200)
  @UseGuards(NoQueryGuard)
  @ApiOperation({
    summary: 'Replay a parked projection job (admin)',
    description:
      'Idempotent by nature (Idempotency-Key is not needed): a retry finds the job no longer parked (409 DEAD_LETTER.NOT_PARKED ' +
      'while it waits or runs; 404 once it has run and succeeded, as a completed sync is not kept), and projection jobs apply each ' +
      'event once in effect however often they run. Of concurrent replays of one job, one replays it and the others are 409.',
  })
  @ApiParam({ name: 'jobId', description: 'The `jobId` of a parked job', schema: { type: 'string' } })
  @ApiOkResponse({ schema: REPLAYED_JOB })
  @ApiProblemResponses([404, 'No projection job has this id'], [409, 'DEAD_LETTER.NOT_PARKED: the job is not parked (a retry of a replay)'])
  async replay(@Param('jobId') jobId: string, @Body(EmptyBody) _body: object) {
    const job = await this.projections.getJob(jobId);
    if (!job) throw new ProblemException(404, 'DEAD_LETTER.NOT_FOUND', 'Not Found', `No projection job ${jobId}.`);
    const notParked = async () =>
      new ProblemException(409, 'DEAD_LETTER.NOT_PARKED', 'Conflict', `Projection job ${jobId} is not parked; it is ${await job.getState()}.`);
    if (!(await job.isFailed())) throw await notParked();
    // Another replay may take it between the check and this (BullMQ refuses to move a job that is no
    // longer failed): that request replayed it, and this one is answered as a retry.
    await job.retry('failed').catch(async (error: unknown) => {
      if (await job.isFailed()) throw error;
      throw await notParked();
    });
    return { jobId, state: await job.getState() };
  }
}

function describe(job: Job<ProjectionJob>) {
  return {
    jobId: job.id,
    queue: PROJECTIONS_QUEUE,
    projectId: job.data.streamId,
    version: job.data.version,
    error: job.failedReason,
    attempts: job.attemptsMade,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    stack: job.stacktrace?.at(-1)?.split('\n').slice(0, 6).join('\n') ?? null,
  };
}
