import pg from 'pg';
import type { AppConfig } from '@app/config';
import { holdingDatabaseLock, survivesLostConnections } from '@app/database';
import { SEED_PROJECTS, seedDemonstrationProjects } from '../../../seeds/index.js';

/**
 * `seed`: records the demonstration projects of seeds/ through the real commands; safe to run twice, and
 * by several processes at once (they take turns, and the later ones find the projects seeded).
 */
export async function seedCommand(config: AppConfig): Promise<void> {
  const pool = survivesLostConnections(new pg.Pool({ connectionString: config.databaseUrl, max: 2 }));
  try {
    const outcomes = await holdingDatabaseLock(config.databaseUrl, 'seed', () => seedDemonstrationProjects(pool, SEED_PROJECTS));
    for (const outcome of outcomes) {
      console.log(
        outcome.recorded
          ? `Seeded ${outcome.code} (${outcome.projectId}): ${outcome.recorded} events recorded.`
          : `${outcome.code} (${outcome.projectId}) is already seeded: nothing recorded.`,
      );
    }
  } finally {
    await pool.end();
  }
}
