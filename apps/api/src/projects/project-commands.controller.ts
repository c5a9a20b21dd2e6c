import { randomUUID } from 'node:crypto';
import { applyDecorators, Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { InvalidInput, type LifecycleCommand, LifecycleDateOutOfOrder, type ProjectCommand, type ProjectCommandType } from '@app/domain';
import type { Actor } from '../auth/actor.js';
import { type AuthenticatedRequest, CurrentActor, KeyCheckedByAppend } from '../auth/auth.decorators.js';
import { KeyConfirmation } from '../auth/key-confirmation.js';
import { type AuthorizedCommandRequest, RunsProjectCommand } from '../auth/project-command.guard.js';
import { type CommandHeaders, CommandHeadersParam } from '../common/command-headers.js';
import { ApiProblemResponses } from '../common/problem-responses.js';
import { NoQueryGuard } from '../common/no-query.guard.js';
import { UuidParam } from '../common/path-params.js';
import { ApiIdempotencyKey } from '../idempotency/idempotency-key.decorators.js';
import { requestHash } from '../idempotency/idempotent-request.js';
import { answered } from '../idempotency/answered.js';
import type { CorrelatedRequest } from '../common/request-context.middleware.js';
import { today } from '../common/validation.js';
import { AddComponentDto } from './dto/component.dto.js';
import { DefineIndicatorDto, ReviseIndicatorTargetDto } from './dto/indicator.dto.js';
import { LifecycleDto } from './dto/lifecycle.dto.js';
import { CorrectMeasurementDto, RecordMeasurementDto } from './dto/measurement.dto.js';
import { PlanMilestoneDto, ReachMilestoneDto, RescheduleMilestoneDto, WaiveMilestoneDto } from './dto/milestone.dto.js';
import { RevisePlannedDatesDto } from './dto/planned-dates.dto.js';
import { ProposeProjectDto } from './dto/propose-project.dto.js';
import { type CommandAnswer, RunProjectCommand } from './run-project-command.command.js';
import { COMMAND_ANSWER } from './project.schemas.js';

const COMMAND_HEADERS = [
  ApiIdempotencyKey(),
  ApiHeader({ name: 'If-Match', required: false, description: 'Quoted project version, e.g. "3", or a list of them ("3", "4"); another version gives 412' }),
  ApiHeader({ name: 'X-Correlation-Id', required: false, description: 'Kept in the event metadata; the request id when left out' }),
  ApiHeader({
    name: 'X-Causation-Id',
    required: false,
    description: 'What the command answers to (a notification event id, another request), kept in the event metadata; the request id when left out',
  }),
];

/**
 * A route that runs one project command: ProjectCommandGuard checks the caller's role and scope for
 * `type` before any pipe reads the body, a query parameter is refused (it takes none), and the OpenAPI
 * description.
 */
function CommandRoute(type: ProjectCommandType, summary: string, creates: boolean): MethodDecorator {
  const version = { ETag: { description: 'The project version after the command, quoted (for the next If-Match)', schema: { type: 'string' } } };
  return applyDecorators(
    RunsProjectCommand(type),
    UseGuards(NoQueryGuard),
    ApiOperation({ summary }),
    creates
      ? ApiCreatedResponse({
          schema: COMMAND_ANSWER,
          headers: { ...version, Location: { description: 'The project that holds what was created', schema: { type: 'string' } } },
        })
      : ApiOkResponse({ schema: COMMAND_ANSWER, headers: version }),
    ApiProblemResponses(
      // Roles, and a team key's scope (the scope of a proposal: none, since it names no project).
      [403, type === 'ProposeProject' ? 'An auditor or team key may not propose a project' : "The key's role or project scope does not allow this command"],
      [409, type === 'ProposeProject' ? 'The project code is already used' : 'The command is not allowed in the current state (a closed project, a milestone already reached...)'],
      ...(type === 'ProposeProject' ? [] : ([[404, 'Unknown project, or unknown milestone, indicator or measurement named in the path or the body']] as const)),
    ),
    ...COMMAND_HEADERS,
  );
}

/** A lifecycle command's body: none is read as `{}` (json-body.ts), so `POST /projects/{id}/resume` needs none. */
const LifecycleBody = () => ApiBody({ required: false, type: LifecycleDto });

/** Every write on projects: each route turns its body into one domain command. */
@ApiTags('projects')
@ApiBearerAuth()
@KeyCheckedByAppend()
@Controller('projects')
export class ProjectCommandsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly keyConfirmation: KeyConfirmation,
  ) {}

  @Post()
  @CommandRoute('ProposeProject', 'Propose a project', true)
  propose(
    @Body() body: ProposeProjectDto,
    @CurrentActor() actor: Actor,
    @CommandHeadersParam() headers: CommandHeaders,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const projectId = randomUUID();
    return this.run(projectId, { type: 'ProposeProject', data: { projectId, ...plain(body) } }, actor, headers, request, response);
  }

  @Post(':projectId/approve')
  @HttpCode(200)
  @CommandRoute('ApproveProject', 'Approve a proposed project', false)
  @LifecycleBody()
  approve(@UuidParam('projectId') id: string, @Body() body: LifecycleDto, @CurrentActor() actor: Actor, @CommandHeadersParam() headers: CommandHeaders, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.lifecycle('ApproveProject', id, body, actor, headers, request, response);
  }

  @Post(':projectId/start')
  @HttpCode(200)
  @CommandRoute('StartProject', 'Start implementation (records the actual start date)', false)
  @LifecycleBody()
  start(@UuidParam('projectId') id: string, @Body() body: LifecycleDto, @CurrentActor() actor: Actor, @CommandHeadersParam() headers: CommandHeaders, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.lifecycle('StartProject', id, body, actor, headers, request, response);
  }

  @Post(':projectId/suspend')
  @HttpCode(200)
  @CommandRoute('SuspendProject', 'Suspend implementation (reason required)', false)
  @LifecycleBody()
  suspend(@UuidParam('projectId') id: string, @Body() body: LifecycleDto, @CurrentActor() actor: Actor, @CommandHeadersParam() headers: CommandHeaders, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.lifecycle('SuspendProject', id, body, actor, headers, request, response);
  }

  @Post(':projectId/resume')
  @HttpCode(200)
  @CommandRoute('ResumeProject', 'Resume a suspended project', false)
  @LifecycleBody()
  resume(@UuidParam('projectId') id: string, @Body() body: LifecycleDto, @CurrentActor() actor: Actor, @CommandHeadersParam() headers: CommandHeaders, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.lifecycle('ResumeProject', id, body, actor, headers, request, response);
  }

  @Post(':projectId/finalise')
  @HttpCode(200)
  @CommandRoute('FinaliseProject', 'End implementation (records the actual end date)', false)
  @LifecycleBody()
  finalise(@UuidParam('projectId') id: string, @Body() body: LifecycleDto, @CurrentActor() actor: Actor, @CommandHeadersParam() headers: CommandHeaders, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.lifecycle('FinaliseProject', id, body, actor, headers, request, response);
  }

  @Post(':projectId/close')
  @HttpCode(200)
  @CommandRoute('CloseProject', 'Close a finalised project', false)
  @LifecycleBody()
  close(@UuidParam('projectId') id: string, @Body() body: LifecycleDto, @CurrentActor() actor: Actor, @CommandHeadersParam() headers: CommandHeaders, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.lifecycle('CloseProject', id, body, actor, headers, request, response);
  }

  @Post(':projectId/cancel')
  @HttpCode(200)
  @CommandRoute('CancelProject', 'Cancel a project (reason required)', false)
  @LifecycleBody()
  cancel(@UuidParam('projectId') id: string, @Body() body: LifecycleDto, @CurrentActor() actor: Actor, @CommandHeadersParam() headers: CommandHeaders, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.lifecycle('CancelProject', id, body, actor, headers, request, response);
  }

  @Post(':projectId/planned-dates')
  @HttpCode(200)
  @CommandRoute('RevisePlannedDates', "Revise the project's planned start or end (or both), with a reason", false)
  revisePlannedDates(@UuidParam('projectId') id: string, @Body() body: RevisePlannedDatesDto, @CurrentActor() actor: Actor, @CommandHeadersParam() headers: CommandHeaders, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.run(id, { type: 'RevisePlannedDates', data: plain(body) }, actor, headers, request, response);
  }

  @Post(':projectId/components')
  @CommandRoute('AddComponent', 'Add a component (a work stream of the site)', true)
  addComponent(@UuidParam('projectId') id: string, @Body() body: AddComponentDto, @CurrentActor() actor: Actor, @CommandHeadersParam() headers: CommandHeaders, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.run(id, { type: 'AddComponent', data: { componentId: randomUUID(), ...plain(body) } }, actor, headers, request, response);
  }

  @Post(':projectId/milestones')
  @CommandRoute('PlanMilestone', 'Plan a milestone', true)
  planMilestone(@UuidParam('projectId') id: string, @Body() body: PlanMilestoneDto, @CurrentActor() actor: Actor, @CommandHeadersParam() headers: CommandHeaders, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.run(id, { type: 'PlanMilestone', data: { milestoneId: randomUUID(), ...plain(body) } }, actor, headers, request, response);
  }

  @Post(':projectId/milestones/:milestoneId/reach')
  @HttpCode(200)
  @CommandRoute('ReachMilestone', 'Record that a milestone was reached', false)
  reachMilestone(@UuidParam('projectId') id: string, @UuidParam('milestoneId') milestoneId: string, @Body() body: ReachMilestoneDto, @CurrentActor() actor: Actor, @CommandHeadersParam() headers: CommandHeaders, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const { date, ...rest } = plain(body);
    return this.run(id, { type: 'ReachMilestone', data: { milestoneId, date: date ?? today(), ...rest } }, actor, headers, request, response);
  }

  @Post(':projectId/milestones/:milestoneId/reschedule')
  @HttpCode(200)
  @CommandRoute('RescheduleMilestone', 'Move a milestone to a new due date', false)
  rescheduleMilestone(@UuidParam('projectId') id: string, @UuidParam('milestoneId') milestoneId: string, @Body() body: RescheduleMilestoneDto, @CurrentActor() actor: Actor, @CommandHeadersParam() headers: CommandHeaders, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.run(id, { type: 'RescheduleMilestone', data: { milestoneId, ...plain(body) } }, actor, headers, request, response);
  }

  @Post(':projectId/milestones/:milestoneId/waive')
  @HttpCode(200)
  @CommandRoute('WaiveMilestone', 'Waive a milestone', false)
  waiveMilestone(@UuidParam('projectId') id: string, @UuidParam('milestoneId') milestoneId: string, @Body() body: WaiveMilestoneDto, @CurrentActor() actor: Actor, @CommandHeadersParam() headers: CommandHeaders, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.run(id, { type: 'WaiveMilestone', data: { milestoneId, ...plain(body) } }, actor, headers, request, response);
  }

  @Post(':projectId/indicators')
  @CommandRoute('DefineIndicator', 'Define an indicator', true)
  defineIndicator(@UuidParam('projectId') id: string, @Body() body: DefineIndicatorDto, @CurrentActor() actor: Actor, @CommandHeadersParam() headers: CommandHeaders, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.run(id, { type: 'DefineIndicator', data: { indicatorId: randomUUID(), ...plain(body) } }, actor, headers, request, response);
  }

  @Post(':projectId/indicators/:indicatorId/target')
  @HttpCode(200)
  @CommandRoute('ReviseIndicatorTarget', "Revise an indicator's target", false)
  reviseTarget(@UuidParam('projectId') id: string, @UuidParam('indicatorId') indicatorId: string, @Body() body: ReviseIndicatorTargetDto, @CurrentActor() actor: Actor, @CommandHeadersParam() headers: CommandHeaders, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.run(id, { type: 'ReviseIndicatorTarget', data: { indicatorId, ...plain(body) } }, actor, headers, request, response);
  }

  @Post(':projectId/indicators/:indicatorId/measurements')
  @CommandRoute('RecordMeasurement', 'Record an actual value of an indicator', true)
  recordMeasurement(@UuidParam('projectId') id: string, @UuidParam('indicatorId') indicatorId: string, @Body() body: RecordMeasurementDto, @CurrentActor() actor: Actor, @CommandHeadersParam() headers: CommandHeaders, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const { date, ...rest } = plain(body);
    return this.run(
      id,
      { type: 'RecordMeasurement', data: { indicatorId, measurementId: randomUUID(), date: date ?? today(), ...rest } },
      actor, headers, request, response,
    );
  }

  @Post(':projectId/indicators/:indicatorId/measurements/:measurementId/correct')
  @CommandRoute('CorrectMeasurement', 'Correct a measurement: a new measurement that names the one it replaces and why', true)
  correctMeasurement(@UuidParam('projectId') id: string, @UuidParam('indicatorId') indicatorId: string, @UuidParam('measurementId') measurementId: string, @Body() body: CorrectMeasurementDto, @CurrentActor() actor: Actor, @CommandHeadersParam() headers: CommandHeaders, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.run(
      id,
      { type: 'CorrectMeasurement', data: { indicatorId, measurementId: randomUUID(), correctsMeasurementId: measurementId, ...plain(body) } },
      actor, headers, request, response,
    );
  }

  private lifecycle(
    type: LifecycleCommand['type'],
    projectId: string,
    body: LifecycleDto,
    actor: Actor,
    headers: CommandHeaders,
    request: Request,
    response: Response,
  ) {
    const data = { date: body.date ?? today(), ...(body.reason !== undefined ? { reason: body.reason } : {}) };
    return this.run(projectId, { type, data } as LifecycleCommand, actor, headers, request, response).catch((error: unknown) => {
      // The step before may be dated up to a day ahead (today somewhere on earth): a caller who gave no
      // date hears which one was taken for it.
      if (body.date === undefined && error instanceof LifecycleDateOutOfOrder) {
        throw new InvalidInput(error.code, `${error.message} No date was given, so today's in UTC (${data.date}) was taken: give the step's date.`, error.fields);
      }
      throw error;
    });
  }

  private async run(
    projectId: string,
    command: ProjectCommand,
    actor: Actor,
    headers: CommandHeaders,
    request: Request,
    response: Response,
  ): Promise<CommandAnswer['body']> {
    // The guard decided on the route's command; a route that runs another (or none) is a bug, not a 403.
    const authorized = (request as AuthorizedCommandRequest).authorizedCommand;
    if (authorized !== command.type) throw new Error(`${command.type} run on a route authorised for ${String(authorized)}`);
    const answer = await this.commands.execute(
      new RunProjectCommand(projectId, command, {
        actor,
        expectedVersions: headers.expectedVersions,
        idempotency: headers.idempotencyKey === undefined ? undefined : { key: headers.idempotencyKey, requestHash: requestHash(request) },
        correlationId: headers.correlationId ?? (request as CorrelatedRequest).correlationId,
        causationId: headers.causationId ?? (request as CorrelatedRequest).requestId,
        // Events that record a business date occurred on it instead (the domain's `businessDateOf`).
        occurredAt: new Date().toISOString(),
        keyCheck: (request as AuthenticatedRequest).keyCheck,
      }),
    );
    response.setHeader('ETag', `"${answer.body.version}"`);
    if (answer.status === 201) response.setHeader('Location', createdLocation(projectId, answer.body));
    // An answer leaves only once the key it was made with is known to be active (an append confirmed it;
    // a replay did not). A refusal is settled by ProblemDetailsFilter, as any problem is.
    await this.keyConfirmation.settle(request as AuthenticatedRequest, response);
    return answered(response, answer);
  }
}

/**
 * Where what a 201 created can be read: the project, whose read model holds its components, milestones,
 * indicators and measurements (none has a URL of its own). A replayed proposal answers the project it
 * first created, not the id this request drew.
 */
function createdLocation(projectId: string, body: CommandAnswer['body']): string {
  return `/projects/${typeof body.id === 'string' ? body.id : projectId}`;
}

/** A DTO instance as plain data, without the keys a caller left out. */
function plain<T extends object>(dto: T): T {
  return JSON.parse(JSON.stringify(dto)) as T;
}

