import { hash } from 'node:crypto';
import { canonicalJson, NOT_FAST, sortedCopy } from './canonical-json.js';

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

/** A stored event as far as its hash goes: `hashedContentOf` names what of it the hash covers. */
export interface HashableEvent {
  streamId: string;
  version: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: { eventId: string; occurredAt: string; recordedAt: string };
  previousHash: string;
}

/** SHA-256 over the canonical JSON of the event and the previous hash of its stream, hex encoded. */
export function hashEvent(content: HashedEventContent): string {
  return hash('sha256', canonicalJson(content), 'hex');
}

/** The fields of a stored event that its hash covers, named as the hash names them. */
export function hashedContentOf(event: HashableEvent): HashedEventContent {
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

/**
 * `hashEvent(hashedContentOf(event))`, the same bytes hashed, computed the way verification can afford
 * on every event: the content's ten keys are written in their sorted order as they stand, so only the
 * data and the metadata are copied with sorted keys, and all of it is written by one `JSON.stringify`.
 */
export function eventHash(event: HashableEvent): string {
  return hash('sha256', canonicalEventJson(event), 'hex');
}

/** `canonicalJson(hashedContentOf(event))`; see `eventHash`. */
export function canonicalEventJson(event: HashableEvent): string {
  const { metadata } = event;
  const data = sortedCopy(event.data);
  const sortedMetadata = sortedCopy(metadata);
  const eventId = sortedCopy(metadata.eventId);
  const occurredAt = sortedCopy(metadata.occurredAt);
  const recordedAt = sortedCopy(metadata.recordedAt);
  const streamId = sortedCopy(event.streamId);
  const version = sortedCopy(event.version);
  const type = sortedCopy(event.type);
  const schemaVersion = sortedCopy(event.schemaVersion);
  const previousHash = sortedCopy(event.previousHash);
  if (
    data === NOT_FAST ||
    sortedMetadata === NOT_FAST ||
    eventId === NOT_FAST ||
    occurredAt === NOT_FAST ||
    recordedAt === NOT_FAST ||
    streamId === NOT_FAST ||
    version === NOT_FAST ||
    type === NOT_FAST ||
    schemaVersion === NOT_FAST ||
    previousHash === NOT_FAST
  ) {
    return canonicalJson(hashedContentOf(event));
  }
  // Keys in code-unit order, as canonicalJson sorts them; undefined members are left out by JSON.stringify as by it.
  return JSON.stringify({
    data,
    eventId,
    metadata: sortedMetadata,
    occurredAt,
    previousHash,
    recordedAt,
    schemaVersion,
    streamId,
    type,
    version,
  });
}

/**
 * An event as the store writes it: data and metadata as their canonical JSON (what the `data` and
 * `metadata` columns hold, as text), the event id and times as its metadata names them.
 */
export interface CanonicalEventParts {
  streamId: string;
  version: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  /** `canonicalJson(data)`. */
  dataJson: string;
  /** `canonicalJson(metadata)`. */
  metadataJson: string;
  occurredAt: string;
  recordedAt: string;
  previousHash: string;
}

/**
 * `canonicalEventJson` put together from data and metadata already written canonically: the same bytes
 * (the keys in the same order, the strings quoted by the same `JSON.stringify`) without reading the data
 * at all. This is what lets verification hash the columns' text as stored. The versions must be integers.
 */
export function canonicalEventJsonOf(parts: CanonicalEventParts): string {
  return (
    `{"data":${parts.dataJson},"eventId":${JSON.stringify(parts.eventId)},"metadata":${parts.metadataJson},` +
    `"occurredAt":${JSON.stringify(parts.occurredAt)},"previousHash":${JSON.stringify(parts.previousHash)},` +
    `"recordedAt":${JSON.stringify(parts.recordedAt)},"schemaVersion":${parts.schemaVersion},` +
    `"streamId":${JSON.stringify(parts.streamId)},"type":${JSON.stringify(parts.type)},"version":${parts.version}}`
  );
}

/** The hash of an event given as `CanonicalEventParts`: `eventHash` of the same event. */
export function eventHashOf(parts: CanonicalEventParts): string {
  return hash('sha256', canonicalEventJsonOf(parts), 'hex');
}
