import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** The previous hash of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an event's hash covers: everything stored about it but its global position. */
export interface HashedEventContent {
  streamId: string;
  version: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
  occurredAt: string;
  recordedAt: string;
  previousHash: string;
}

/** SHA-256 over the canonical JSON of the event and the previous hash of its stream, hex encoded. */
export function hashEvent(content: HashedEventContent): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** The fields of a stored event that its hash covers, named as the hash names them. */
export function hashedContentOf(event: {
  streamId: string;
  version: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: { eventId: string; occurredAt: string; recordedAt: string };
  previousHash: string;
}): HashedEventContent {
  return {
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
  };
}
