/** Another writer appended to the stream first: the expected version is no longer the stream's version. */
export class StreamVersionConflict extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`Stream ${streamId} is at version ${actualVersion}, not the expected ${expectedVersion}.`);
    this.name = 'StreamVersionConflict';
  }
}

/**
 * The stream stands at the expected version but its head hash is not the one its events end with: the
 * stream row or its events were changed outside the store. Appending on top would extend a broken chain.
 */
export class StreamHeadMismatch extends Error {
  constructor(
    readonly streamId: string,
    readonly version: number,
    readonly expectedHeadHash: string,
    readonly actualHeadHash: string,
  ) {
    super(`Stream ${streamId} at version ${version} has head hash ${actualHeadHash}, but its events end with ${expectedHeadHash}.`);
    this.name = 'StreamHeadMismatch';
  }
}

/**
 * A read of the stream skips a version: the events after `missingVersion` are there, its own is not.
 * The store never deletes an event, so it was removed by hand; folding on over the gap would decide
 * commands and answer reads on a state that never was.
 */
export class StreamVersionGap extends Error {
  constructor(
    readonly streamId: string,
    readonly missingVersion: number,
  ) {
    super(`Stream ${streamId} has no event at version ${missingVersion}, though it holds later ones.`);
    this.name = 'StreamVersionGap';
  }
}

/**
 * The stream's head counts more events than the stream holds: the head said `headVersion` when an append
 * was refused, and a read since ends at `lastVersion`. Appends move the head and insert its events in one
 * statement and events are never deleted by the store, so events were removed by hand; appending again
 * would only be refused again.
 */
export class StreamEventsMissing extends Error {
  constructor(
    readonly streamId: string,
    readonly headVersion: number,
    readonly lastVersion: number,
  ) {
    super(`Stream ${streamId} has a head at version ${headVersion}, but its events end at version ${lastVersion}.`);
    this.name = 'StreamEventsMissing';
  }
}

/** The condition an append named (an API key still active) did not hold when the events were to land: nothing was appended. */
export class AppendConditionFailed extends Error {
  constructor(
    readonly streamId: string,
    readonly condition: string,
  ) {
    super(`Nothing was appended to stream ${streamId}: the condition "${condition}" does not hold.`);
    this.name = 'AppendConditionFailed';
  }
}

/**
 * The command was not run: as many commands as the handler lets wait were already waiting for their
 * streams in this process (the process is taking more commands than it can append).
 */
export class TooManyWaitingCommands extends Error {
  constructor(readonly waiting: number) {
    super(`${waiting} commands are already waiting for their projects in this process.`);
    this.name = 'TooManyWaitingCommands';
  }
}

/**
 * A stored event the aggregate cannot take, as its earlier events leave it: an unknown type, data of
 * another shape, a step out of order. Appends never store one (they store what the decider decided), so
 * the stored history was changed by hand; the stream's hash chain says how.
 */
export class UnreadableEvent extends Error {
  constructor(
    readonly streamId: string,
    readonly version: number,
    readonly type: string,
    cause: unknown,
  ) {
    super(`event ${version} (${type}) of stream ${streamId} cannot be replayed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'UnreadableEvent';
  }
}

/** What `fold` answers; what it throws while folding the stored `event`, as the UnreadableEvent naming it. */
export function foldingStored<T>(event: { streamId: string; version: number; type: string }, fold: () => T): T {
  try {
    return fold();
  } catch (error) {
    throw new UnreadableEvent(event.streamId, event.version, event.type, error);
  }
}
