import { Inject, Injectable } from '@nestjs/common';
import {
  diffProjectStates,
  eventsOccurredBy,
  foldWithSteps,
  initialProjectState,
  PROJECT_EVENT_TYPES,
  type ProjectChange,
  type ProjectEvent,
  type ProjectState,
  requireEventData,
} from '@app/domain';
import { foldingStored, PostgresAuditReader, PostgresEventStore, type ProjectCommandHandler, requireEveryVersion, type StoredEvent } from '@app/event-store';
import { historyUnreadable, ProblemException } from '../common/problem.js';
import { PROJECT_COMMAND_HANDLER } from '../projects/run-project-command.handler.js';
import { toInstant } from './dto/audit-queries.dto.js';
import { projectNotFound } from './project-not-found.js';

/** Where in a project's history a state was taken, and what that point was. */
export interface AsOf {
  basis: 'version' | 'recorded' | 'occurred' | 'current';
  /** The version whose state this is (for `occurred`: the last version folded). */
  version: number;
  /** The project's version today. */
  currentVersion: number;
  /** The `at` asked for, as an instant. */
  at?: string;
  /** When the event at `version` was recorded, and when it says it occurred. */
  recordedAt?: string;
  occurredAt?: string;
  /** For `occurred`: how many events were folded (later versions whose business date is by `at` count). */
  eventsFolded?: number;
}

export interface StateAt {
  projectId: string;
  asOf: AsOf;
  state: ProjectState;
}

/**
 * The project as it was: at a version, as known (recorded) at a time, or by business date. States come
 * from the same snapshot-backed load that commands use, so a point deep in a long stream folds at most
 * one snapshot interval of events.
 */
@Injectable()
export class ProjectHistoryService {
  constructor(
    @Inject(PROJECT_COMMAND_HANDLER) private readonly handler: ProjectCommandHandler,
    private readonly store: PostgresEventStore,
    private readonly reader: PostgresAuditReader,
  ) {}

  async currentVersion(projectId: string): Promise<number> {
    const version = await this.store.streamVersion(projectId);
    if (version === undefined) throw projectNotFound(projectId);
    return version;
  }

  async stateAt(projectId: string, query: { version?: number; at?: string; basis?: 'recorded' | 'occurred' }): Promise<StateAt> {
    if (query.version !== undefined && query.at !== undefined) {
      throw invalid('version', 'Give either version or at, not both.');
    }
    if (query.basis !== undefined && query.at === undefined) {
      throw invalid('basis', 'basis only applies with at.');
    }
    const currentVersion = await this.currentVersion(projectId);
    if (query.at !== undefined && query.basis === 'occurred') return this.stateOccurredBy(projectId, toInstant(query.at, 'end'), currentVersion);

    const at = query.at === undefined ? undefined : toInstant(query.at, 'end');
    const version = await this.resolve(projectId, query.version ?? at ?? currentVersion, currentVersion);
    const loaded = await this.handler.load(projectId, version);
    const event = await this.eventAt(projectId, version);
    return {
      projectId,
      asOf: {
        basis: query.version !== undefined ? 'version' : at !== undefined ? 'recorded' : 'current',
        version,
        currentVersion,
        ...(at ? { at } : {}),
        recordedAt: event.metadata.recordedAt,
        occurredAt: event.metadata.occurredAt,
      },
      state: loaded.state,
    };
  }

  /**
   * What had happened by `at` by business date, as known today: not a prefix of the stream, so no
   * snapshot helps. The proposal always counts, and every part a counted fact needs (eventsOccurredBy):
   * neither names a business date of its own (their occurred-at is when they were recorded).
   */
  private async stateOccurredBy(projectId: string, at: string, currentVersion: number): Promise<StateAt> {
    const stream = await this.store.readStream(projectId, { toVersion: currentVersion });
    requireEveryVersion(projectId, 0, stream);
    const events = occurredBy(stream, at);
    if (events.length === 0) {
      throw new ProblemException(404, 'PROJECT.NOT_FOUND_AT', 'Not Found', `Project ${projectId} records nothing that occurred by ${at}.`);
    }
    const { state } = this.handler.fold(events);
    const last = events.at(-1)!;
    // Not a prefix of the stream: the latest of what was folded is not the last event's. The parts brought
    // in for the facts (recorded later, occurring when recorded) do not move the business date past `at`.
    const latest = (times: string[]) => times.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
    const occurred = events.map((event) => event.metadata.occurredAt).filter((time) => Date.parse(time) <= Date.parse(at));
    return {
      projectId,
      asOf: {
        basis: 'occurred',
        version: last.version,
        currentVersion,
        at,
        recordedAt: latest(events.map((event) => event.metadata.recordedAt)),
        occurredAt: latest(occurred),
        eventsFolded: events.length,
      },
      state,
    };
  }

  /** What changed between two points (versions or recorded-by times, or business dates), in the project's terms. */
  async diff(projectId: string, from: string | undefined, to: string | undefined, basis: 'recorded' | 'occurred' = 'recorded') {
    if (basis === 'occurred') return this.diffOccurred(projectId, from, to);
    const currentVersion = await this.currentVersion(projectId);
    const fromVersion = from === undefined ? 0 : await this.resolvePoint(projectId, from, currentVersion);
    const toVersion = to === undefined ? currentVersion : await this.resolvePoint(projectId, to, currentVersion);
    if (fromVersion > toVersion) {
      throw invalid('from', `from (version ${fromVersion}) is after to (version ${toVersion}); a diff runs forwards.`);
    }
    // The later end is folded from the earlier one through the events between them, which the diff
    // reads anyway for the lifecycle steps they take: one read and one fold, not a second load.
    const [before, between] = await Promise.all([
      fromVersion === 0 ? Promise.resolve({ state: initialProjectState }) : this.handler.load(projectId, fromVersion),
      fromVersion === toVersion ? Promise.resolve([]) : this.store.readStream(projectId, { fromVersion: fromVersion + 1, toVersion }),
    ]);
    requireEveryVersion(projectId, fromVersion, between);
    if (between.length < toVersion - fromVersion) {
      throw historyUnreadable(projectId, `at version ${between.length + fromVersion + 1}: its head counts the event, which is missing`);
    }
    const after = foldWithSteps(before.state, foldable(between));
    const changes: ProjectChange[] = diffProjectStates(before.state, after.state, after.steps);
    const point = async (version: number) => {
      if (version === 0) return { version: 0 };
      const event = between.at(-1)?.version === version ? between.at(-1)! : await this.eventAt(projectId, version);
      return { version, recordedAt: event.metadata.recordedAt, occurredAt: event.metadata.occurredAt };
    };
    return {
      projectId,
      currentVersion,
      from: await point(fromVersion),
      to: await point(toVersion),
      events: toVersion - fromVersion,
      changes,
    };
  }

  /**
   * What changed between what had happened by two business dates, as known today (each side folded as
   * `state?at=&basis=occurred` folds it): backfilled history, recorded long after it happened, compares
   * by when it happened. Left out, `from` is before the project and `to` is today.
   */
  private async diffOccurred(projectId: string, from: string | undefined, to: string | undefined) {
    for (const [field, point] of [['from', from], ['to', to]] as const) {
      if (point !== undefined && /^\d+$/.test(point)) throw invalid(field, `${field} is a version; with basis=occurred, give a date or date-time.`);
    }
    const fromAt = from === undefined ? undefined : toInstant(from, 'end');
    const toAt = to === undefined ? undefined : toInstant(to, 'end');
    if (fromAt !== undefined && toAt !== undefined && Date.parse(fromAt) > Date.parse(toAt)) {
      throw invalid('from', `from (${fromAt}) is after to (${toAt}); a diff runs forwards.`);
    }
    const currentVersion = await this.currentVersion(projectId);
    const stream = await this.store.readStream(projectId, { toVersion: currentVersion });
    requireEveryVersion(projectId, 0, stream);
    const before = fromAt === undefined ? [] : occurredBy(stream, fromAt);
    const after = toAt === undefined ? stream : occurredBy(stream, toAt);
    const point = (at: string | undefined, events: StoredEvent[]) => ({
      version: events.reduce((last, event) => Math.max(last, event.version), 0),
      ...(at !== undefined ? { at } : {}),
      eventsFolded: events.length,
    });
    const folded = new Set(before.map((event) => event.version));
    // One fold of the later side gives its state and the steps its events take that the earlier side lacks.
    const later = foldWithSteps(initialProjectState, foldable(after), (index) => !folded.has(after[index]!.version));
    return {
      projectId,
      currentVersion,
      basis: 'occurred' as const,
      from: point(fromAt, before),
      to: point(toAt, after),
      events: after.filter((event) => !folded.has(event.version)).length,
      changes: diffProjectStates(foldWithSteps(initialProjectState, foldable(before)).state, later.state, later.steps),
    };
  }

  /** A diff point: a version number, or the last version recorded by an instant (a date: by its end). */
  private async resolvePoint(projectId: string, point: string, currentVersion: number): Promise<number> {
    if (/^\d+$/.test(point)) {
      const version = Number(point);
      if (version > currentVersion) throw versionNotFound(projectId, version, currentVersion);
      return version;
    }
    return this.reader.versionRecordedBy(projectId, toInstant(point, 'end'));
  }

  private async resolve(projectId: string, point: number | string, currentVersion: number): Promise<number> {
    if (typeof point === 'number') {
      if (point > currentVersion) throw versionNotFound(projectId, point, currentVersion);
      return point;
    }
    const version = await this.reader.versionRecordedBy(projectId, point);
    if (version === 0) {
      throw new ProblemException(404, 'PROJECT.NOT_FOUND_AT', 'Not Found', `Project ${projectId} had not been proposed by ${point}.`);
    }
    return version;
  }

  async eventAt(projectId: string, version: number): Promise<StoredEvent> {
    const [event] = await this.store.readStream(projectId, { fromVersion: version, toVersion: version });
    if (event) return event;
    const currentVersion = await this.currentVersion(projectId);
    // The head counts it, and the store never deletes one: it was removed by hand.
    if (version >= 1 && version <= currentVersion) throw historyUnreadable(projectId, `at version ${version}: its head counts the event, which is missing`);
    throw versionNotFound(projectId, version, currentVersion);
  }
}

/**
 * Stored events as the domain folds them, each checked as the handler's own fold checks it: one it
 * cannot take (an unknown type, data without what its type has) is the UnreadableEvent naming it.
 */
function foldable(stored: readonly StoredEvent[]): ProjectEvent[] {
  return stored.map((event) =>
    foldingStored(event, () => {
      if (!(PROJECT_EVENT_TYPES as readonly string[]).includes(event.type)) throw new Error(`${event.type} is no project event`);
      const folded = { type: event.type, data: event.data };
      requireEventData(folded);
      return folded;
    }),
  );
}

/**
 * The events of `stream` that had happened by `at` by business date, with the parts they need
 * (eventsOccurredBy); none when nothing had: the proposal counts only beside a fact that had happened
 * (a state is then 404 PROJECT.NOT_FOUND_AT, and a diff's side is before the project).
 */
function occurredBy(stream: StoredEvent[], at: string): StoredEvent[] {
  if (!stream.some((event) => Date.parse(event.metadata.occurredAt) <= Date.parse(at))) return [];
  const dated = stream.map((event) => ({ type: event.type as ProjectEvent['type'], data: event.data, occurredAt: event.metadata.occurredAt, event }));
  return eventsOccurredBy(dated, at).map(({ event }) => event);
}

function invalid(field: string, detail: string): ProblemException {
  return new ProblemException(400, 'REQUEST.INVALID', 'Bad Request', detail, [{ field, message: detail }]);
}

function versionNotFound(projectId: string, version: number, currentVersion: number): ProblemException {
  return new ProblemException(
    404,
    'PROJECT.VERSION_NOT_FOUND',
    'Not Found',
    `Project ${projectId} has no version ${version}; it is at version ${currentVersion}.`,
  );
}
