import type { PostgresEventStore } from '@app/event-store';
import { createProjectCommandHandler, reserveProjectCode, reservesProjectCode } from '@app/event-store';
import type { SeedProject } from './seed-project.js';

/** The actor recorded on seeded events: the seed script, acting with admin rights. */
export const SEED_ACTOR = { keyId: '00000000-0000-4000-8000-000000000002', role: 'admin' } as const;

export interface SeedOutcome {
  code: string;
  projectId: string;
  /** Steps recorded by this run (0 when the project was already complete). */
  recorded: number;
}

/**
 * Records seed projects through the real command path (decide, append with expected version).
 * Every step is one event, so a project's stream version says how many steps are already recorded:
 * a second run records nothing, and a run that stopped half-way resumes where it stopped.
 */
export async function seedProjects(store: PostgresEventStore, projects: readonly SeedProject[]): Promise<SeedOutcome[]> {
  const handler = createProjectCommandHandler(store);
  const outcomes: SeedOutcome[] = [];
  for (const project of projects) {
    const done = (await store.streamVersion(project.projectId)) ?? 0;
    const pending = project.steps.slice(done);
    for (const [index, step] of pending.entries()) {
      await handler.handle(project.projectId, step.command, {
        expectedVersion: (await store.streamVersion(project.projectId)) ?? 0,
        metadata: {
          actor: SEED_ACTOR,
          commandType: step.command.type,
          correlationId: `seed:${project.code}`,
          // The seed's step that recorded it (its place in the project's steps, from 1).
          causationId: `seed:${project.code}:${done + index + 1}`,
          occurredAt: step.occurredAt,
        },
        withinTransaction: reservesProjectCode(step.command)
          ? (client) => reserveProjectCode(client, step.command, project.projectId)
          : undefined,
      });
    }
    outcomes.push({ code: project.code, projectId: project.projectId, recorded: pending.length });
  }
  return outcomes;
}
