import { StreamVersionGap } from './event-store.errors.js';
import type { StoredEvent } from './stored-event.js';

/**
 * Events read from a stream after version `after` run on from it, one version each: a missing one (an
 * event deleted by hand: the store never deletes one) is a StreamVersionGap, not a state folded over it.
 */
export function requireEveryVersion(streamId: string, after: number, events: readonly StoredEvent[]): void {
  events.forEach((event, index) => {
    if (event.version !== after + index + 1) throw new StreamVersionGap(streamId, after + index + 1);
  });
}
