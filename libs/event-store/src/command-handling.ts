import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { type DecisionContext, decisionContextAt } from '@app/domain';
import { GENESIS_HASH } from './event-hash.js';
import { foldingStored, StreamEventsMissing, StreamHeadMismatch, StreamVersionConflict, TooManyWaitingCommands } from './event-store.errors.js';
import { requireEveryVersion } from './stream-versions.js';
import type { AppendCondition, AppendResult, PostgresEventStore } from './postgres-event-store.js';
import type { SnapshotStore } from './snapshot-store.js';
import type { EventMetadata, StoredEvent } from './stored-event.js';

/** The pure business rules of one kind of aggregate. */
export interface Decider<Command, Event extends { type: string; data: unknown }, State> {
  decide(command: Command, state: State, context: DecisionContext): Event[];
  evolve(state: State, event: Event): State;
  initialState: State;
  /** The day (`YYYY-MM-DD`) the fact an event records happened, if it names one: its occurred-at. */
  businessDateOf?(event: Event): string | undefined;
}

/** What every event of one command shares; the event id and recorded-at are added per event. */
export type CommandMetadata = Omit<EventMetadata, 'eventId' | 'recordedAt'>;

export interface HandleOptions {
  /**
   * From `If-Match`: the versions the caller will act on (the one it saw; a list names several). Another
   * fails at once instead of being retried.
   */
  expectedVersions?: readonly number[];
  metadata: CommandMetadata;
  withinTransaction?: (client: pg.PoolClient, result: AppendResult) => Promise<void>;
  /** Must hold when the events are appended (checked by the append statement itself). */
  condition?: AppendCondition;
}

/** `If-Match` named versions the stream is not at. */
export class ExpectedVersionMismatch extends Error {
  constructor(
    readonly expectedVersions: readonly number[],
    readonly actualVersion: number,
  ) {
    const named = expectedVersions.length === 1 ? `the version ${expectedVersions[0]}` : `any of the versions ${expectedVersions.join(', ')}`;
    super(`The project is at version ${actualVersion}, not ${named} given in If-Match.`);
    this.name = 'ExpectedVersionMismatch';
  }
}

/**
 * Version conflicts retried this many times (re-deciding on fresh state) before giving up: n writers
 * racing on one project need up to n tries for the last one to land.
 */
const MAX_ATTEMPTS = 25;

export interface CommandHandlerOptions<State> {
  /** Where folded states are kept, so a load on a long stream folds only the events after the latest one. */
  snapshots?: SnapshotStore<State>;
  /**
   * A snapshot is stored when an append crosses a multiple of this many versions, and when a load had
   * to fold at least this many events (default 100).
   */
  snapshotEvery?: number;
  /**
   * How many streams' latest states this handler keeps in memory (default 128; 0 keeps none). A cached
   * state is only a starting point: a command decided on it appends only if the stream is still at its
   * version and head hash, and a load reads the events from its version on, so another process appending
   * to the stream never makes an answer stale, nor does a store set back below it (a restore, a failover).
   */
  cachedStreams?: number;
  /**
   * How many commands may wait for their stream's turn at once (they run one at a time per stream);
   * one more is refused at once with TooManyWaitingCommands (default: no limit).
   */
  maxWaiting?: number;
  /** What `decide` is told today is (default: the system clock). */
  clock?: () => Date;
}

/** The state of a stream at a version, and how it was loaded. */
export interface LoadedState<State> {
  state: State;
  version: number;
  /** The version of the state the load started from, cached or snapshotted (0: the first event). */
  fromSnapshot: number;
  /** Events folded after it. */
  folded: number;
  /** The hash of the event at `version` (the genesis hash at version 0): the next append's head. */
  headHash?: string;
}

/** Load, decide, append: the one way a command reaches the event store. */
export class CommandHandler<Command, Event extends { type: string; data: unknown }, State> {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly decider: Decider<Command, Event, State>,
    private readonly streamType: string,
    /** The schema version each event type is written with. */
    private readonly schemaVersions: Readonly<Record<Event['type'], number>>,
    private readonly options: CommandHandlerOptions<State> = {},
  ) {}

  /**
   * Latest known states, each with when it was last remembered. An entry is updated in place, not
   * deleted and set again: a Map that drops and re-adds a key on every command keeps replacing its hash
   * table, and each table it leaves behind still points at the states it held, which V8 then carries
   * into the old generation, where only a mark-compact frees them (docs/benchmarks.md, Nineteenth pass).
   */
  private readonly recent = new Map<string, KnownState<State> & { rememberedAt: number }>();
  /** Counts `remember` calls: the clock of `rememberedAt`. */
  private remembered = 0;

  /** What this handler knows of a stream: a copy, since the entry moves on with later commands and loads. */
  private known(streamId: string): KnownState<State> | undefined {
    const entry = this.recent.get(streamId);
    return entry && { version: entry.version, state: entry.state, headHash: entry.headHash };
  }

  private remember(streamId: string, version: number, state: State, headHash: string): void {
    const limit = this.options.cachedStreams ?? 128;
    if (limit <= 0) return;
    const rememberedAt = ++this.remembered;
    const entry = this.recent.get(streamId);
    if (entry === undefined) {
      this.recent.set(streamId, { version, state, headHash, rememberedAt });
      if (this.recent.size > limit) this.recent.delete(leastRecentlyRemembered(this.recent));
      return;
    }
    entry.rememberedAt = rememberedAt;
    // A load that read the stream while a concurrent command appended to it must not set it back.
    if (entry.version > version) return;
    entry.version = version;
    entry.state = state;
    entry.headHash = headHash;
  }

  /** Forgets a stream's cached state, unless a later command or load has replaced it meanwhile. */
  private forget(streamId: string, known: KnownState<State>): void {
    const entry = this.recent.get(streamId);
    if (entry?.version === known.version && entry.headHash === known.headHash) this.recent.delete(streamId);
  }

  private get snapshotEvery(): number {
    return this.options.snapshotEvery ?? 100;
  }

  /**
   * Commands on one stream take turns in this process: each decides on the state the one before it
   * appended, so they never race each other into version conflicts (writers in other processes still
   * can, and are retried). The promise each stream's last command resolves when it is done.
   */
  private readonly turns = new Map<string, Promise<void>>();
  /** Commands waiting for their stream's turn, in all streams. */
  private waiting = 0;

  /**
   * Decides `command` on the stream's state and appends the events. When this handler knows the
   * stream's latest state (it appended or loaded it last), it decides on that without reading the
   * store: the append names the version and head hash it decided on, so a stream that moved on in
   * another process fails it as a conflict and the next attempt reads the store. A refusal, or an
   * `If-Match` that does not match, is only answered once the store confirms that state.
   */
  async handle(streamId: string, command: Command, options: HandleOptions): Promise<AppendResult & { state: State }> {
    const ahead = this.turns.get(streamId);
    if (ahead && this.waiting >= (this.options.maxWaiting ?? Number.POSITIVE_INFINITY)) throw new TooManyWaitingCommands(this.waiting);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const last = ahead ? ahead.then(() => mine) : mine;
    this.turns.set(streamId, last);
    try {
      if (ahead) {
        this.waiting++;
        await ahead.finally(() => this.waiting--);
      }
      return await this.decideAndAppend(streamId, command, options);
    } finally {
      done();
      if (this.turns.get(streamId) === last) this.turns.delete(streamId);
    }
  }

  private async decideAndAppend(streamId: string, command: Command, options: HandleOptions): Promise<AppendResult & { state: State }> {
    // Read once: every retry of one command decides on the same day.
    const context = decisionContextAt(this.options.clock?.() ?? new Date());
    // The head's version the last refused append reported: a read after it cannot end before it.
    let headSeen = 0;
    for (let attempt = 1; ; attempt++) {
      const cached = attempt === 1 ? this.known(streamId) : undefined;
      let current: { state: State; version: number; headHash?: string } = cached ?? (await this.load(streamId));
      if (current.version < headSeen) throw new StreamEventsMissing(streamId, headSeen, current.version);
      let events: Event[];
      try {
        events = this.decideAt(command, current, options.expectedVersions, context);
      } catch (error) {
        if (!cached) throw error;
        current = await this.load(streamId);
        events = this.decideAt(command, current, options.expectedVersions, context);
      }
      const { state, version, headHash } = current;
      try {
        const result = await this.store.append(
          streamId,
          version,
          events.map((event) => ({
            type: event.type,
            data: event.data,
            schemaVersion: this.schemaVersions[event.type as Event['type']],
            metadata: { ...options.metadata, eventId: randomUUID(), occurredAt: this.occurredAt(event, options.metadata.occurredAt, context.today) },
          })),
          { streamType: this.streamType, expectedHeadHash: headHash, withinTransaction: options.withinTransaction, condition: options.condition },
        );
        const next = events.reduce(this.decider.evolve, state);
        this.remember(streamId, result.version, next, result.headHash);
        const snapshots = this.options.snapshots;
        if (snapshots && Math.floor(result.version / this.snapshotEvery) > Math.floor(version / this.snapshotEvery)) {
          // Outside the append's transaction, not awaited, and once the command has answered: a snapshot
          // is a cache, never worth a slower answer, and writing a long project's state out is work of
          // its own (a state of 10,000 measurements is 1.4 MB of JSON: 11-37 ms here), which `save`
          // would do before its first await, inside this command.
          const snapshot = { streamId, version: result.version, state: next };
          setImmediate(() => void snapshots.save(snapshot).catch(() => undefined));
        }
        return { ...result, state: next };
      } catch (error) {
        if (error instanceof StreamHeadMismatch && cached) {
          // The stream stands at the cached version with another event there: the store was set back
          // (restored from a backup, or failed over to a replica the last commits had not reached) and
          // another process appended since. What this process remembers never happened: decide again on
          // the store's history, which the next load checks.
          this.forget(streamId, cached);
          continue;
        }
        if (!(error instanceof StreamVersionConflict)) throw error;
        // Another writer moved the stream on: to a version the caller did not name, the precondition fails.
        if (options.expectedVersions !== undefined && !options.expectedVersions.includes(error.actualVersion)) {
          throw new ExpectedVersionMismatch(options.expectedVersions, error.actualVersion);
        }
        headSeen = error.actualVersion;
        if (attempt >= MAX_ATTEMPTS) throw error;
        // A stale cached state is not a race with a writer: read the store at once.
        if (!cached) await delay(Math.random() * 5 * attempt);
      }
    }
  }

  /**
   * When an event occurred: the start of the business day it records (a milestone reached on 2018-05-20),
   * or `otherwise` (the command's own time) for an event that records none, or records today or a day
   * that is today only east of UTC (never a time after the event was recorded).
   */
  private occurredAt(event: Event, otherwise: string, today: string): string {
    const date = this.decider.businessDateOf?.(event);
    return date !== undefined && date < today ? `${date}T00:00:00.000Z` : otherwise;
  }

  private decideAt(
    command: Command,
    current: { state: State; version: number },
    expectedVersions: readonly number[] | undefined,
    context: DecisionContext,
  ): Event[] {
    if (expectedVersions !== undefined && !expectedVersions.includes(current.version)) {
      // A stream without events is not there, whatever version the caller expected: the decider refuses
      // the command as it refuses any on nothing (not found), rather than as a version mismatch.
      if (current.version === 0) this.decider.decide(command, current.state, context);
      throw new ExpectedVersionMismatch(expectedVersions, current.version);
    }
    return this.decider.decide(command, current.state, context);
  }

  /**
   * The aggregate's state and version, folded from its stream up to `toVersion` (the head when
   * omitted), starting from the latest state this handler knows at or below that version (its own
   * cache, else the latest snapshot). A load that had to fold many events leaves a snapshot behind,
   * best effort and outside any append transaction, so the next load of that stream is short whichever
   * path (command, state query, export) made this one.
   */
  async load(streamId: string, toVersion?: number): Promise<LoadedState<State>> {
    const cached = this.known(streamId);
    const fromCache = cached !== undefined && (toVersion === undefined || cached.version <= toVersion);
    const start = fromCache ? cached : await this.options.snapshots?.latest(streamId, toVersion);
    const startVersion = start?.version ?? 0;
    // The start's own event is read again: for a snapshot, which holds no hash, the head hash the next
    // append names; for the cache, to check that the store still holds the event it was folded up to.
    const read = await this.store.readStream(streamId, { fromVersion: startVersion === 0 ? 1 : startVersion, toVersion });
    const own = startVersion > 0 && read[0]?.version === startVersion ? read[0] : undefined;
    if (fromCache && own?.hash !== cached.headHash) {
      // The store was set back past what this process appended or read (restored from a backup, or
      // failed over to a replica the last commits had not reached): that history is gone, and so is
      // the state folded from it. Load from the store's own.
      this.forget(streamId, cached);
      return this.load(streamId, toVersion);
    }
    const events = own ? read.slice(1) : read;
    const knownHead = own?.hash ?? (startVersion === 0 ? GENESIS_HASH : undefined);
    requireEveryVersion(streamId, startVersion, events);
    const state = this.replay(start?.state ?? this.decider.initialState, events);
    const version = events.at(-1)?.version ?? startVersion;
    const headHash = events.at(-1)?.hash ?? knownHead;
    if (this.options.snapshots && events.length >= this.snapshotEvery) {
      // A lost snapshot only costs a longer fold next time: never fail the load for it.
      await this.options.snapshots.save({ streamId, version, state }).catch(() => undefined);
    }
    if (toVersion === undefined && version > 0 && headHash !== undefined) this.remember(streamId, version, state, headHash);
    return { state, version, fromSnapshot: startVersion, folded: events.length, headHash };
  }

  fold(events: readonly StoredEvent[]): { state: State; version: number } {
    return { state: this.replay(this.decider.initialState, events), version: events.at(-1)?.version ?? 0 };
  }

  /** Stored events applied in order; one the aggregate cannot take is an UnreadableEvent naming it. */
  private replay(from: State, events: readonly StoredEvent[]): State {
    let state = from;
    for (const event of events) state = foldingStored(event, () => this.decider.evolve(state, { type: event.type, data: event.data } as Event));
    return state;
  }
}

/** A stream's state at a version, and the hash of the event at that version: where its next append starts. */
interface KnownState<State> {
  version: number;
  state: State;
  headHash: string;
}

/** The stream whose state was remembered longest ago. */
function leastRecentlyRemembered(recent: ReadonlyMap<string, { rememberedAt: number }>): string {
  let oldest: string | undefined;
  let oldestAt = Number.POSITIVE_INFINITY;
  for (const [streamId, { rememberedAt }] of recent) {
    if (rememberedAt < oldestAt) {
      oldest = streamId;
      oldestAt = rememberedAt;
    }
  }
  return oldest!;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
