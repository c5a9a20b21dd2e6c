import { randomUUID } from 'node:crypto';
import type { ProjectCommand } from '@app/domain';
import type { CommandMetadata } from '../command-handling.js';
import type { NewEvent } from '../stored-event.js';
import type { createProjectCommandHandler } from '../projects/project-command-handling.js';

/** Test-only: streams for the event store's specs. */

export const metadata = (): CommandMetadata => ({
  actor: { keyId: randomUUID(), role: 'admin' },
  commandType: 'Test',
  correlationId: randomUUID(),
  occurredAt: new Date().toISOString(),
});

/** An event as an append takes it, with fresh ids in its metadata: for specs that append to the store directly. */
export function newEvent(type: string, data: unknown = {}, commandType = 'Test'): NewEvent {
  return { type, data, schemaVersion: 1, metadata: { ...metadata(), commandType, actor: { keyId: randomUUID(), role: 'team' }, eventId: randomUUID() } };
}

/** A started project with one indicator `i`, then `measurements` measurements: 4 + measurements events. */
export async function startedProject(handler: ReturnType<typeof createProjectCommandHandler>, measurements: number): Promise<string> {
  const projectId = randomUUID();
  const commands: ProjectCommand[] = [
    {
      type: 'ProposeProject',
      data: { projectId, code: `S-${projectId.slice(0, 8)}`, title: 'T', description: 'D', country: 'LA', location: {}, sector: '43040', participatingOrganisations: [{ name: 'O', role: 1 }] },
    },
    { type: 'ApproveProject', data: { date: '2020-01-01' } },
    { type: 'StartProject', data: { date: '2020-01-02' } },
    { type: 'DefineIndicator', data: { indicatorId: 'i', title: 'People', unit: 'people', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 9 } } },
  ];
  for (let n = 0; n < measurements; n++) {
    commands.push({ type: 'RecordMeasurement', data: { indicatorId: 'i', measurementId: `m-${n}`, value: n, date: '2020-02-01' } });
  }
  for (const command of commands) await handler.handle(projectId, command, { metadata: metadata() });
  return projectId;
}
