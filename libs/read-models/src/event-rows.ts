import type { EventMetadata, StoredEvent } from '@app/event-store';

/** The columns of an event that the read models fold, as read straight from the events table. */
export interface FoldedEventRow {
  stream_id: string;
  stream_version: number;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

/** An event row as the fold takes it; what the fold does not use (position, hashes) is left empty. */
export function foldedEvent(row: FoldedEventRow): StoredEvent {
  return {
    position: 0,
    transactionId: '0',
    streamId: row.stream_id,
    version: row.stream_version,
    type: row.type,
    schemaVersion: 1,
    data: row.data,
    metadata: row.metadata,
    previousHash: '',
    hash: '',
  };
}
