import { type StoredEvent, hashedContentOf } from '@app/event-store';

/**
 * One line of an NDJSON export: every field the event's hash covers, under the names the hash uses,
 * plus its global position. `scripts/verify-ndjson.mjs` recomputes the chain from these alone.
 */
export function exportLine(event: StoredEvent) {
  return { position: event.position, ...hashedContentOf(event), hash: event.hash };
}
