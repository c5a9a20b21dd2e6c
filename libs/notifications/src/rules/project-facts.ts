import type { Project, ProjectEvent, ProjectState } from '@app/domain';
import type { StoredEvent } from '@app/event-store';
import type { ProjectFacts, SourceEventReference } from '../notification.js';

/** A stored project event, discriminated on `type` like the domain's events. */
export type StoredProjectEvent = {
  [E in ProjectEvent as E['type']]: StoredEvent<E['type'], E['data']>;
}[ProjectEvent['type']];

export function projectFacts(project: Project): ProjectFacts {
  return {
    id: project.projectId,
    code: project.code,
    title: project.title,
    country: project.country,
    status: project.status,
  };
}

/** The project an event leaves, or undefined for a stream that holds no project (never in practice). */
export function projectOf(state: ProjectState): Project | undefined {
  return state.status === 'none' ? undefined : state;
}

/** How a project is named in a headline: its title and code. */
export function projectName(project: ProjectFacts): string {
  return `${project.title} (${project.code})`;
}

export function projectSource(projectId: string): string {
  return `/projects/${projectId}`;
}

export function eventReference(event: StoredEvent): SourceEventReference {
  return {
    id: event.metadata.eventId,
    type: event.type,
    position: event.position,
    streamVersion: event.version,
    recordedAt: event.metadata.recordedAt,
  };
}

/** The entry under an id that came from outside, never one inherited from Object.prototype. */
export function entryOf<T>(record: Record<string, T>, id: string): T | undefined {
  return Object.hasOwn(record, id) ? record[id] : undefined;
}
