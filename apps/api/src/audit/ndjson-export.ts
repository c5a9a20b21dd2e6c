import type { StoredEvent } from '@app/event-store';

/**
 * One line of an NDJSON export: every field the event's hash covers, under the names the hash uses,
 * plus its global position. `scripts/verify-ndjson.mjs` recomputes the chain from these alone.
 */
export function exportLine(event: StoredEvent) {
  return {
    position: event.position,
    streamId: event.streamId,
    version: event.version,
    eventId: event.metadata.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    occurredAt: event.metadata.occurredAt,
    recordedAt: event.metadata.recordedAt,
    previousHash: event.previousHash,
    hash: event.hash,
  };
}
