import { evolve, initialProjectState, type ProjectEvent, type ProjectState } from '@app/domain';
import type { StoredEvent } from '@app/event-store';
import type { NotificationDraft } from '../notification.js';
import { notificationsFor, type RuleMemory } from '../rules/notification-rules.js';
import type { StoredProjectEvent } from '../rules/project-facts.js';

/** Test-only: domain events as the store would hand them over, numbered from position 1. */
export function stored(events: readonly ProjectEvent[], streamId = 'prj-bansuo'): StoredEvent[] {
  return events.map((event, index) => ({
    position: index + 1,
    transactionId: String(1000 + index),
    streamId,
    version: index + 1,
    type: event.type,
    schemaVersion: 1,
    data: event.data,
    metadata: {
      eventId: `evt-${index + 1}`,
      actor: { keyId: 'key-manager', role: 'manager' },
      commandType: 'Test',
      correlationId: 'corr-1',
      occurredAt: `2026-11-25T10:00:${String(index % 60).padStart(2, '0')}.000Z`,
      recordedAt: `2026-11-25T10:00:${String(index % 60).padStart(2, '0')}.000Z`,
    },
    previousHash: 'h',
    hash: 'h',
  }));
}

/** Test-only: runs the rules over a history as the notifier does, answering every draft in order. */
export function replay(events: readonly ProjectEvent[]): { drafts: NotificationDraft[]; state: ProjectState; memory: RuleMemory } {
  let state = initialProjectState;
  let memory: RuleMemory = { announcedThresholds: {} };
  const drafts: NotificationDraft[] = [];
  for (const event of stored(events)) {
    const after = evolve(state, { type: event.type, data: event.data } as ProjectEvent);
    const outcome = notificationsFor(event as StoredProjectEvent, state, after, memory);
    drafts.push(...outcome.drafts);
    state = after;
    memory = outcome.memory;
  }
  return { drafts, state, memory };
}
