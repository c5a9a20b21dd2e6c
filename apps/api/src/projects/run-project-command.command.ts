import { Command } from '@nestjs/cqrs';
import type { ProjectCommand } from '@app/domain';
import type { Actor } from '../auth/actor.js';

export interface CommandContext {
  actor: Actor;
  expectedVersion?: number;
  idempotencyKey?: string;
  /** Hash of the request (method, path, body), to tell a replay from a different request under one key. */
  requestHash: string;
  correlationId: string;
  occurredAt: string;
}

/** What a command answers: `version` and the id of what it created, if anything. */
export interface CommandAnswer {
  status: 200 | 201;
  body: { version: number } & Record<string, string | number>;
  /** True when the answer is the stored first answer to an Idempotency-Key. */
  replayed: boolean;
}

/** Run one domain command against one project: load, decide, append. */
export class RunProjectCommand extends Command<CommandAnswer> {
  constructor(
    readonly projectId: string,
    readonly command: ProjectCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}
