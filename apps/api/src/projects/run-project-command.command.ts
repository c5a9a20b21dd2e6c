import { Command } from '@nestjs/cqrs';
import type { ProjectCommand } from '@app/domain';
import type { Actor } from '../auth/actor.js';
import type { PendingKeyCheck } from '../auth/pending-key-check.js';
import type { IdempotentRequest } from '../idempotency/idempotent-request.js';

export interface CommandContext {
  actor: Actor;
  expectedVersions?: readonly number[];
  /** From `Idempotency-Key`, with the hash of the request that tells a replay from a different request under one key. */
  idempotency?: IdempotentRequest;
  correlationId: string;
  /** What caused the command: `X-Causation-Id` when the caller names it, else the request's own id. */
  causationId: string;
  occurredAt: string;
  /** The actor's key, when it is yet to be confirmed: the append carries its condition and confirms it. */
  keyCheck?: PendingKeyCheck;
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
