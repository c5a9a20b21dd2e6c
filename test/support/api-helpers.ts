import { bansuoProposal } from './bansuo.js';
import type { RunningSystem } from './running-system.js';

export const auth = (key: string) => ({ Authorization: `Bearer ${key}` });

/** A new API key of `role`, created by the admin. */
export async function createKey(system: Pick<RunningSystem, 'http' | 'adminKey'>, role: 'admin' | 'manager' | 'team' | 'auditor', projectIds?: string[]): Promise<string> {
  const response = await system.http
    .post('/api-keys')
    .set(auth(system.adminKey))
    .send({ name: `${role} key`, role, ...(projectIds ? { projectIds } : {}) })
    .expect(201);
  return response.body.secret as string;
}

/** A project proposed, approved and started by `key`, ready for milestones and measurements. */
export async function startedProject(system: RunningSystem, key: string, overrides: Record<string, unknown> = {}): Promise<ProjectClient> {
  const created = await system.http.post('/projects').set(auth(key)).send({ ...bansuoProposal(), ...overrides }).expect(201);
  const project = new ProjectClient(system, key, created.body.id as string);
  await project.post('/approve', { date: '2017-08-20' });
  await project.post('/start', { date: '2017-09-15' });
  return project;
}

/** Commands on one project, each expected to succeed. */
export class ProjectClient {
  constructor(
    private readonly system: RunningSystem,
    private readonly key: string,
    readonly id: string,
  ) {}

  async post(path: string, body: object = {}): Promise<Record<string, any>> {
    const response = await this.system.http.post(`/projects/${this.id}${path}`).set(auth(this.key)).send(body);
    if (response.status >= 300) throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async planMilestone(title: string, dueDate: string): Promise<string> {
    return (await this.post('/milestones', { title, dueDate })).milestoneId as string;
  }

  async defineIndicator(title: string, baseline: number, target: number, unit = 'head'): Promise<string> {
    return (await this.post('/indicators', { title, unit, measure: 1, resultLevel: 1, baseline: { value: baseline }, target: { value: target } }))
      .indicatorId as string;
  }

  async measure(indicatorId: string, value: number, date = '2018-06-30'): Promise<string> {
    return (await this.post(`/indicators/${indicatorId}/measurements`, { value, date })).measurementId as string;
  }
}

/** ISO date `days` from today (UTC); negative for the past. */
export function isoDate(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The latest date an actual date may carry now (`days` after it): the date in UTC+14, where the day
 * begins first (the UTC date until 10:00 UTC, the next day from then on).
 */
export function latestActualDate(days = 0): string {
  return new Date(Date.now() + 14 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}
