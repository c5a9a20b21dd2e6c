import { Inject } from '@nestjs/common';
import { CommandHandler as HandlesCommand, type ICommandHandler } from '@nestjs/cqrs';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { PG_POOL, maxWaitingForDatabase } from '@app/database';
import { DomainError, type ProjectCommand } from '@app/domain';
import {
  PostgresEventStore,
  type ProjectCommandHandler,
  createProjectCommandHandler,
  createProjectSnapshotStore,
  ExpectedVersionMismatch,
  isUniqueViolation,
  reserveProjectCode,
  reservesProjectCode,
  StreamVersionConflict,
} from '@app/event-store';
import type { IdempotentRequest } from '../idempotency/idempotent-request.js';
import { IdempotentRequests } from '../idempotency/idempotent-requests.service.js';
import { commandsTotal, eventsAppendedTotal } from '../metrics/metrics.js';
import { type CommandAnswer, RunProjectCommand } from './run-project-command.command.js';

export const PROJECT_COMMAND_HANDLER = Symbol('PROJECT_COMMAND_HANDLER');

/** Commands and the audit context's state queries share one handler, and so its snapshots. */
export const projectCommandHandlerProvider = {
  provide: PROJECT_COMMAND_HANDLER,
  inject: [PostgresEventStore, PG_POOL, APP_CONFIG],
  useFactory: (store: PostgresEventStore, pool: pg.Pool, config: AppConfig) =>
    createProjectCommandHandler(store, {
      snapshots: createProjectSnapshotStore(pool),
      snapshotEvery: config.audit.snapshotEvery,
      maxWaiting: maxWaitingForDatabase(config),
    }),
};

@HandlesCommand(RunProjectCommand)
export class RunProjectCommandHandler implements ICommandHandler<RunProjectCommand, CommandAnswer> {
  constructor(
    @Inject(PROJECT_COMMAND_HANDLER) private readonly handler: ProjectCommandHandler,
    private readonly idempotency: IdempotentRequests,
  ) {}

  async execute(run: RunProjectCommand): Promise<CommandAnswer> {
    try {
      const answer = await this.run(run);
      commandsTotal.inc({ type: run.command.type, outcome: answer.replayed ? 'replayed' : 'accepted' });
      return answer;
    } catch (error) {
      commandsTotal.inc({ type: run.command.type, outcome: error instanceof DomainError ? 'refused' : 'failed' });
      throw error;
    }
  }

  private async run({ projectId, command, context }: RunProjectCommand): Promise<CommandAnswer> {
    const { actor, idempotency } = context;
    if (idempotency) {
      const replay = await this.replay(actor.keyId, idempotency);
      if (replay) return replay;
    }
    const status = createsSomething(command) ? 201 : 200;
    try {
      const result = await this.handler.handle(projectId, command, {
        expectedVersions: context.expectedVersions,
        metadata: {
          actor: { keyId: actor.keyId, role: actor.role },
          commandType: command.type,
          ...(idempotency ? { idempotencyKey: idempotency.key } : {}),
          correlationId: context.correlationId,
          causationId: context.causationId,
          occurredAt: context.occurredAt,
        },
        condition: context.keyCheck?.condition,
        // Only a code reservation or an idempotency record needs a transaction around the append;
        // without either, the append is a single statement.
        withinTransaction:
          reservesProjectCode(command) || idempotency
            ? async (client, appended) => {
                await reserveProjectCode(client, command, projectId);
                if (idempotency) {
                  await this.idempotency.record(client, actor.keyId, idempotency, status, { body: answerBody(command, projectId, appended.version) });
                }
              }
            : undefined,
      });
      if (context.keyCheck) context.keyCheck.confirmed = true;
      for (const event of result.events) eventsAppendedTotal.inc({ type: event.type });
      return { status, body: answerBody(command, projectId, result.version), replayed: false };
    } catch (error) {
      if (idempotency && mayHaveRunBefore(error)) {
        // A request with the same key may have run while this one waited (for its turn on the stream, or
        // in another process): this one then collides with its record, or is refused by what it did (the
        // code taken, the transition made, the version moved on). Its first answer stands.
        const replay = await this.replay(actor.keyId, idempotency);
        if (replay) return replay;
      }
      throw error;
    }
  }

  private async replay(apiKeyId: string, request: IdempotentRequest): Promise<CommandAnswer | undefined> {
    const first = await this.idempotency.replay<CommandAnswer['body']>(apiKeyId, request);
    return first && { status: first.status as 200 | 201, body: first.body, replayed: true };
  }
}

/** A failure that a request with the same Idempotency-Key, run first, would explain. */
function mayHaveRunBefore(error: unknown): boolean {
  return (
    isUniqueViolation(error, 'idempotency_records_pkey') ||
    error instanceof DomainError ||
    error instanceof ExpectedVersionMismatch ||
    error instanceof StreamVersionConflict
  );
}

function createsSomething(command: ProjectCommand): boolean {
  return ['ProposeProject', 'AddComponent', 'PlanMilestone', 'DefineIndicator', 'RecordMeasurement', 'CorrectMeasurement'].includes(
    command.type,
  );
}

/** Every write answers with the new version and the id of what it created (design brief, HTTP contract). */
function answerBody(command: ProjectCommand, projectId: string, version: number): CommandAnswer['body'] {
  switch (command.type) {
    case 'ProposeProject':
      return { id: projectId, version };
    case 'AddComponent':
      return { componentId: command.data.componentId, version };
    case 'PlanMilestone':
      return { milestoneId: command.data.milestoneId, version };
    case 'DefineIndicator':
      return { indicatorId: command.data.indicatorId, version };
    case 'RecordMeasurement':
    case 'CorrectMeasurement':
      return { measurementId: command.data.measurementId, version };
    default:
      return { version };
  }
}
