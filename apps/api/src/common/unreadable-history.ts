import { StreamEventsMissing, StreamHeadMismatch, StreamVersionGap, UnreadableEvent } from '@app/event-store';
import { historyUnreadable, ProblemException } from './problem.js';

/**
 * The 500 PROJECT.HISTORY_UNREADABLE an error says, when it says the project's stored history cannot
 * be replayed (changed by hand: the store's errors, or a read's own historyUnreadable); else undefined.
 * The problem filter answers it; a country's IATI export leaves such a project out.
 */
export function unreadableHistory(error: unknown): ProblemException | undefined {
  if (error instanceof UnreadableEvent) return historyUnreadable(error.streamId, `at version ${error.version} (${error.type})`);
  if (error instanceof StreamEventsMissing) {
    return historyUnreadable(error.streamId, `past version ${error.lastVersion}: its head counts ${error.headVersion} events`);
  }
  if (error instanceof StreamVersionGap) {
    return historyUnreadable(error.streamId, `at version ${error.missingVersion}: the event is missing, though later ones are there`);
  }
  if (error instanceof StreamHeadMismatch) return historyUnreadable(error.streamId, `at version ${error.version}: its head hash is not its last event's`);
  if (error instanceof ProblemException && error.code === 'PROJECT.HISTORY_UNREADABLE') return error;
  return undefined;
}
