import pg from 'pg';
import { auth } from './api-helpers.js';
import { bansuoProposal } from './bansuo.js';
import type { RunningSystem } from './running-system.js';
import { appendPoison } from './tamper.js';

/**
 * A project proposed and projected, then given, behind the decider's back, an event the projection
 * cannot apply (appendPoison): its id, and when the poison was appended.
 */
export async function poisonedProject(system: Pick<RunningSystem, 'http' | 'adminKey' | 'env'>): Promise<{ id: string; appendedAt: number }> {
  const id = (await system.http.post('/projects').set(auth(system.adminKey)).send(bansuoProposal()).expect(201)).body.id as string;
  await system.http.get(`/projects/${id}?minVersion=1`).set(auth(system.adminKey)).expect(200);
  const db = new pg.Pool({ connectionString: system.env.config.databaseUrl });
  try {
    await appendPoison(db, id, 1);
  } finally {
    await db.end();
  }
  return { id, appendedAt: Date.now() };
}
