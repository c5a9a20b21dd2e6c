import type pg from 'pg';
import { createProjectCommandHandler, PostgresEventStore, reserveProjectCode, reservesProjectCode } from '@app/event-store';
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
        expectedVersions: [(await store.streamVersion(project.projectId)) ?? 0],
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

/**
 * `npm run seed`: the projects seeded (seedProjects), then the seed's actor listed among the API keys
 * (GET /api-keys), so that the key id every seeded event names leads somewhere an auditor can read: an
 * admin key named for the seed script, with no secret anyone holds (no secret's hash is its text), made
 * when its first seeded event was recorded and revoked when its last one was, so no one can use it or
 * count on it as an admin key.
 */
export async function seedDemonstrationProjects(pool: pg.Pool, projects: readonly SeedProject[]): Promise<SeedOutcome[]> {
  const outcomes = await seedProjects(new PostgresEventStore(pool), projects);
  await pool.query(
    `INSERT INTO api_keys (id, name, role, secret_hash, created_at, revoked_at)
     SELECT $1::uuid, 'seed script (npm run seed: the demonstration projects)', $2, 'no secret: the seed script', min(recorded_at), max(recorded_at)
       FROM events WHERE stream_id = ANY ($3::uuid[]) AND metadata->'actor'->>'keyId' = $1::text
     HAVING count(*) > 0
     ON CONFLICT (id) DO UPDATE SET created_at = EXCLUDED.created_at, revoked_at = EXCLUDED.revoked_at`,
    [SEED_ACTOR.keyId, SEED_ACTOR.role, projects.map((project) => project.projectId)],
  );
  return outcomes;
}
