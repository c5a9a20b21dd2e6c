import type pg from 'pg';
import { GENESIS_HASH, hashEvent } from './event-hash.js';
import { StreamVersionConflict } from './event-store.errors.js';
import type { EventMetadata, NewEvent, StoredEvent } from './stored-event.js';

/** Where a reader of the global feed stands: the last event read, in (transaction, position) order. */
export interface FeedCursor {
  transactionId: string;
  position: number;
}

export const FEED_START: FeedCursor = { transactionId: '0', position: 0 };

export interface AppendResult {
  streamId: string;
  /** The stream's version after the append. */
  version: number;
  events: StoredEvent[];
}

export interface AppendOptions {
  /** The kind of aggregate the stream belongs to, recorded when the stream is created. */
  streamType: string;
  /**
   * Runs inside the append's transaction once the events are inserted (a uniqueness reservation,
   * an idempotency record); whatever it throws rolls the append back and is rethrown.
   */
  withinTransaction?: (client: pg.PoolClient, result: AppendResult) => Promise<void>;
}

export interface StreamRange {
  fromVersion?: number;
  toVersion?: number;
  limit?: number;
}

/** Which events a read returns: some types, and recorded or occurred within a time range (bounds included). */
export interface EventFilter {
  types?: readonly string[];
  /** ISO date-times. */
  recordedFrom?: string;
  recordedTo?: string;
  occurredFrom?: string;
  occurredTo?: string;
}

/** SQL conditions of a filter, its values appended to `params`. */
function filterConditions(filter: EventFilter, params: unknown[]): string[] {
  const conditions: string[] = [];
  const add = (sql: (slot: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(`$${params.length}`));
  };
  if (filter.types?.length) add((slot) => `type = ANY(${slot}::text[])`, filter.types);
  if (filter.recordedFrom) add((slot) => `recorded_at >= ${slot}::timestamptz`, filter.recordedFrom);
  if (filter.recordedTo) add((slot) => `recorded_at <= ${slot}::timestamptz`, filter.recordedTo);
  if (filter.occurredFrom) add((slot) => `occurred_at >= ${slot}::timestamptz`, filter.occurredFrom);
  if (filter.occurredTo) add((slot) => `occurred_at <= ${slot}::timestamptz`, filter.occurredTo);
  return conditions;
}

/**
 * Channel notified on commit of every append, with `<stream id>:<version>:<recorded-at epoch ms>`:
 * wakes the relay at once.
 */
export const EVENTS_CHANNEL = 'pt_events_appended';

const SELECT_COLUMNS = `position, transaction_id::text AS transaction_id, stream_id, stream_version, type,
  schema_version, data, metadata, previous_hash, hash`;

interface EventRow {
  position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  previous_hash: string;
  hash: string;
}

/**
 * The append-only event store. Appends name the version they expect; the stream row is locked while
 * events are inserted, and (stream_id, stream_version) is unique, so two writers at one version never
 * both succeed.
 */
export class PostgresEventStore {
  constructor(private readonly pool: pg.Pool) {}

  async append(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const head = await this.lockHead(client, streamId, expectedVersion, options.streamType);
      const recordedAt = new Date().toISOString();
      let previousHash = head.headHash;
      const rows = events.map((event, index) => {
        const version = expectedVersion + index + 1;
        const metadata: EventMetadata = { ...event.metadata, recordedAt };
        const hash = hashEvent({
          streamId,
          version,
          eventId: metadata.eventId,
          type: event.type,
          schemaVersion: event.schemaVersion,
          data: event.data,
          metadata,
          occurredAt: metadata.occurredAt,
          recordedAt,
          previousHash,
        });
        const row = { version, event, metadata, previousHash, hash };
        previousHash = hash;
        return row;
      });

      const params: unknown[] = [];
      const values = rows.map((row) => {
        const base = params.length;
        params.push(
          row.metadata.eventId,
          streamId,
          row.version,
          row.event.type,
          row.event.schemaVersion,
          JSON.stringify(row.event.data),
          JSON.stringify(row.metadata),
          row.metadata.occurredAt,
          recordedAt,
          row.previousHash,
          row.hash,
        );
        const slots = Array.from({ length: 11 }, (_, i) => `$${base + i + 1}`);
        return `(${slots.join(', ')})`;
      });
      const inserted = await client.query<{ position: string; transaction_id: string }>(
        `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata,
           occurred_at, recorded_at, previous_hash, hash)
         VALUES ${values.join(', ')}
         RETURNING position, transaction_id::text AS transaction_id`,
        params,
      );
      const version = expectedVersion + events.length;
      await client.query(
        'UPDATE event_streams SET version = $2, head_hash = $3, updated_at = now() WHERE stream_id = $1',
        [streamId, version, previousHash],
      );
      await client.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, `${streamId}:${version}:${Date.parse(recordedAt)}`]);

      const result: AppendResult = {
        streamId,
        version,
        events: rows.map((row, index) => ({
          position: Number(inserted.rows[index]!.position),
          transactionId: inserted.rows[index]!.transaction_id,
          streamId,
          version: row.version,
          type: row.event.type,
          schemaVersion: row.event.schemaVersion,
          data: row.event.data,
          metadata: row.metadata,
          previousHash: row.previousHash,
          hash: row.hash,
        })),
      };
      await options.withinTransaction?.(client, result);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (isUniqueViolation(error, 'events_stream_version_unique')) {
        throw new StreamVersionConflict(streamId, expectedVersion, (await this.streamVersion(streamId)) ?? 0);
      }
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * The events of one stream in version order, from `fromVersion` (inclusive) up to `toVersion`
   * (inclusive), optionally only those the filter matches.
   */
  async readStream(streamId: string, range: StreamRange & EventFilter = {}): Promise<StoredEvent[]> {
    const params: unknown[] = [streamId, range.fromVersion ?? 1, range.toVersion ?? 2_147_483_647];
    const conditions = ['stream_id = $1', 'stream_version >= $2', 'stream_version <= $3', ...filterConditions(range, params)];
    params.push(range.limit ?? null);
    const result = await this.pool.query<EventRow>(
      `SELECT ${SELECT_COLUMNS} FROM events WHERE ${conditions.join(' AND ')}
       ORDER BY stream_version
       LIMIT $${params.length}`,
      params,
    );
    return result.rows.map(toStoredEvent);
  }

  /** The stream's current version, or undefined when nothing was ever appended to it. */
  async streamVersion(streamId: string): Promise<number | undefined> {
    const result = await this.pool.query<{ version: number }>(
      'SELECT version FROM event_streams WHERE stream_id = $1',
      [streamId],
    );
    return result.rows[0]?.version;
  }

  /**
   * The global feed after a cursor. Only transactions older than the oldest one still open are read
   * (`pg_snapshot_xmin`), and the order is (transaction, position): a transaction that took a lower
   * position but commits later is always read, because nothing below the horizon can still appear.
   */
  async readAll(after: FeedCursor, limit: number, filter: EventFilter = {}): Promise<StoredEvent[]> {
    const params: unknown[] = [after.transactionId, after.position, limit];
    const conditions = [
      '(transaction_id, position) > ($1::xid8, $2::bigint)',
      'transaction_id < pg_snapshot_xmin(pg_current_snapshot())',
      ...filterConditions(filter, params),
    ];
    const result = await this.pool.query<EventRow>(
      `SELECT ${SELECT_COLUMNS} FROM events WHERE ${conditions.join(' AND ')}
       ORDER BY transaction_id, position
       LIMIT $3`,
      params,
    );
    return result.rows.map(toStoredEvent);
  }

  /** The feed cursor standing just after the event at `position`; undefined for an unknown position. */
  async cursorAt(position: number): Promise<FeedCursor | undefined> {
    if (position === 0) return FEED_START;
    const result = await this.pool.query<{ transaction_id: string }>(
      'SELECT transaction_id::text AS transaction_id FROM events WHERE position = $1',
      [position],
    );
    const row = result.rows[0];
    return row ? { transactionId: row.transaction_id, position } : undefined;
  }

  private async lockHead(
    client: pg.PoolClient,
    streamId: string,
    expectedVersion: number,
    streamType: string,
  ): Promise<{ headHash: string }> {
    if (expectedVersion === 0) {
      const created = await client.query(
        `INSERT INTO event_streams (stream_id, stream_type, version, head_hash) VALUES ($1, $2, 1, $3)
         ON CONFLICT (stream_id) DO NOTHING RETURNING stream_id`,
        [streamId, streamType, GENESIS_HASH],
      );
      if (created.rowCount === 0) {
        const actual = await client.query<{ version: number }>(
          'SELECT version FROM event_streams WHERE stream_id = $1',
          [streamId],
        );
        throw new StreamVersionConflict(streamId, expectedVersion, actual.rows[0]?.version ?? 0);
      }
      return { headHash: GENESIS_HASH };
    }
    const head = await client.query<{ version: number; head_hash: string }>(
      'SELECT version, head_hash FROM event_streams WHERE stream_id = $1 FOR UPDATE',
      [streamId],
    );
    const row = head.rows[0];
    if (!row || row.version !== expectedVersion) {
      throw new StreamVersionConflict(streamId, expectedVersion, row?.version ?? 0);
    }
    return { headHash: row.head_hash };
  }
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pgError = error as { code?: string; constraint?: string };
  return pgError?.code === '23505' && (constraint === undefined || pgError.constraint === constraint);
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    position: Number(row.position),
    transactionId: row.transaction_id,
    streamId: row.stream_id,
    version: row.stream_version,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}
