/** Who ran the command that recorded an event. */
export interface Actor {
  keyId: string;
  role: string;
}

/** Metadata recorded with every event. */
export interface EventMetadata {
  eventId: string;
  actor: Actor;
  commandType: string;
  idempotencyKey?: string;
  correlationId: string;
  causationId?: string;
  occurredAt: string;
  recordedAt: string;
}

/** An event as the store holds it. */
export interface StoredEvent<Type extends string = string, Data = unknown> {
  position: number;
  /** The writing transaction (xid8, as text): with the position, the order of the global feed. */
  transactionId: string;
  streamId: string;
  version: number;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  previousHash: string;
  hash: string;
}

/** An event handed to `append`: its type and data, and the metadata of the command that made it. */
export interface NewEvent {
  type: string;
  data: unknown;
  schemaVersion: number;
  metadata: Omit<EventMetadata, 'recordedAt'>;
}
