import { randomUUID } from 'node:crypto';
import { type ProjectCommand, type ProjectState, decide, decisionContextAt, evolve, initialProjectState } from '@app/domain';
import type { NewEvent, PostgresEventStore } from '@app/event-store';

/**
 * Writes synthetic but realistic project histories straight to the event store (decided by the real
 * decider, appended with expected version 0 in one batch per project): fast enough to make 100,000
 * events for benchmarks in seconds.
 */
export async function writeSyntheticProjects(store: PostgresEventStore, projects: number, eventsPerProject: number): Promise<number> {
  let total = 0;
  const concurrency = 8;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < projects) {
        const index = next++;
        const projectId = randomUUID();
        const events = syntheticHistory(projectId, index, eventsPerProject);
        await store.append(projectId, 0, events, { streamType: 'project' });
        total += events.length;
      }
    }),
  );
  return total;
}

function syntheticHistory(projectId: string, index: number, length: number): NewEvent[] {
  const commands: ProjectCommand[] = [
    {
      type: 'ProposeProject',
      data: {
        projectId, code: `SYN-${index}-${projectId.slice(0, 8)}`, title: `Synthetic project ${index}`, description: 'benchmark',
        country: ['LA', 'KH', 'MM', 'CN'][index % 4]!, location: { village: `Village ${index}` }, sector: '43040',
        participatingOrganisations: [{ name: 'Benchmark Fund', role: 1 }],
      },
    },
    { type: 'ApproveProject', data: { date: '2020-01-01' } },
    { type: 'StartProject', data: { date: '2020-02-01' } },
  ];
  const milestoneIds: string[] = [];
  const indicatorId = randomUUID();
  commands.push({
    type: 'DefineIndicator',
    data: { indicatorId, title: 'Households reached', unit: 'households', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 1000 } },
  });
  let day = 0;
  while (commands.length < length) {
    const n = commands.length;
    const date = new Date(Date.UTC(2020, 2, 1) + day++ * 86_400_000).toISOString().slice(0, 10);
    if (n % 5 === 0) {
      const milestoneId = randomUUID();
      milestoneIds.push(milestoneId);
      commands.push({ type: 'PlanMilestone', data: { milestoneId, title: `Milestone ${n}`, dueDate: '2030-01-01' } });
    } else if (n % 5 === 1 && milestoneIds.length > 0) {
      commands.push({ type: 'ReachMilestone', data: { milestoneId: milestoneIds.shift()!, date, evidence: 'Report' } });
    } else if (n % 7 === 0) {
      commands.push({ type: 'AddComponent', data: { componentId: randomUUID(), name: `Component ${n}`, kind: 'industry' } });
    } else {
      commands.push({ type: 'RecordMeasurement', data: { indicatorId, measurementId: randomUUID(), value: n, date } });
    }
  }
  let state: ProjectState = initialProjectState;
  const events: NewEvent[] = [];
  const context = decisionContextAt(new Date());
  for (const command of commands) {
    for (const event of decide(command, state, context)) {
      state = evolve(state, event);
      events.push({
        type: event.type,
        data: event.data,
        schemaVersion: 1,
        metadata: {
          eventId: randomUUID(),
          actor: { keyId: '00000000-0000-4000-8000-000000000003', role: 'admin' },
          commandType: command.type,
          correlationId: `bench:${projectId}`,
          occurredAt: new Date().toISOString(),
        },
      });
    }
  }
  return events;
}
