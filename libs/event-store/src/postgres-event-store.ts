import pg from 'pg';
import { AppendBatches } from './append-batches.js';
import { canonicalJson } from './canonical-json.js';
import { eventHashOf, GENESIS_HASH } from './event-hash.js';
import { AppendConditionFailed, StreamHeadMismatch, StreamVersionConflict } from './event-store.errors.js';
import type { EventMetadata, NewEvent, StoredEvent } from './stored-event.js';
import { inTransaction } from './transaction.js';

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
  /** The hash of the stream's last event after the append: what the next append names as its head. */
  headHash: string;
  events: StoredEvent[];
}

export interface AppendOptions {
  /** The kind of aggregate the stream belongs to, recorded when the stream is created. */
  streamType: string;
  /**
   * The hash of the stream's last event at `expectedVersion`, when the caller knows it (from the events
   * it folded): the append then takes a single statement. Unknown, the store reads it first.
   */
  expectedHeadHash?: string;
  /**
   * Runs inside the append's transaction once the events are inserted (a uniqueness reservation,
   * an idempotency record); whatever it throws rolls the append back and is rethrown.
   */
  withinTransaction?: (client: pg.PoolClient, result: AppendResult) => Promise<void>;
  /** Must hold at the moment the events land, checked by the append statement itself. */
  condition?: AppendCondition;
}

/**
 * Something outside the stream that must still hold when an append lands (the API key that sent the
 * command is still active), checked in the append's own statement: no extra round trip, and no gap
 * between the check and the append. `sql` is a boolean SQL expression over its own parameters `$1`
 * to `$n`, given in `values`; it is prepared under `name`, so one name always goes with one text.
 * When it does not hold, nothing is appended and the append throws `AppendConditionFailed`.
 * Appends that arrive together share one statement, where each one's values reach the SQL as text:
 * the SQL casts every parameter to its type (`$1::uuid`).
 */
export interface AppendCondition {
  name: string;
  sql: string;
  values: readonly unknown[];
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

/** A UUID as PostgreSQL writes one: the text a stream id is hashed as. */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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

interface InsertedRow {
  position: string;
  transaction_id: string;
  stream_version: number;
}

/**
 * An append as the statements take it: sent by itself (a new stream, inside a caller's transaction, or
 * alone in its batch) or in a batch with others (an existing stream, outside a caller's transaction).
 */
interface PlainAppend {
  streamId: string;
  streamType: string;
  /** Its condition's name, '' for none: appends share a batch only with appends of the same. */
  kind: string;
  condition?: AppendCondition;
  expectedVersion: number;
  previousHead: string;
  version: number;
  headHash: string;
  recordedAt: string;
  rows: readonly ChainedEvent[];
}

/** An event about to be appended, with its version and its place in the stream's hash chain. */
interface ChainedEvent {
  version: number;
  event: NewEvent;
  metadata: EventMetadata;
  /** The data and metadata as their canonical JSON: the text the columns keep and the hash covers. */
  dataJson: string;
  metadataJson: string;
  previousHash: string;
  hash: string;
}

/**
 * The append-only event store. Appends name the version they expect and the head hash at that version;
 * one statement moves the stream's head only if both still hold and inserts the events only if it
 * moved, so two writers at one version never both succeed (the second waits for the first's row lock,
 * then finds the version changed), and (stream_id, stream_version) is unique besides.
 */
export class PostgresEventStore {
  /**
   * @param afterCommit told of every append once it is committed (announcing it to the relay); it must
   * not throw and is not awaited, so a slow or absent announcer never slows or fails an append.
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly afterCommit?: (appended: AppendResult) => void,
  ) {}

  /**
   * Appends to existing streams, grouped while one is on its way (group commit): the common command,
   * many projects at once, shares round trips and commits. A batch PostgreSQL
   * refuses (one append's fault rolls back the statement) runs again append by append, so each gets
   * its own answer; any other failure (the connection lost) is every append's, as it would be alone.
   */
  private readonly batches = new AppendBatches<PlainAppend, InsertedRow[]>(
    async (append) => (await this.pool.query<InsertedRow>(appendStatement(append))).rows,
    (appends) => this.appendMany(appends),
    (error) => error instanceof pg.DatabaseError,
  );

  async append(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    // The chain hashes the id as given and the column keeps PostgreSQL's text of it: they must be one text,
    // else an honest append would verify as altered.
    if (!CANONICAL_UUID.test(streamId)) throw new TypeError(`stream id ${streamId} is not a lower-case UUID`);
    const previousHead =
      expectedVersion === 0 ? GENESIS_HASH : (options.expectedHeadHash ?? (await this.headHash(streamId, expectedVersion)));
    const recordedAt = new Date().toISOString();
    const rows = hashChain(streamId, expectedVersion, previousHead, events, recordedAt);
    const version = expectedVersion + events.length;
    const headHash = rows.at(-1)!.hash;
    const append: PlainAppend = {
      streamId, streamType: options.streamType, kind: options.condition?.name ?? '', condition: options.condition,
      expectedVersion, previousHead, version, headHash, recordedAt, rows,
    };

    let result: AppendResult;
    const { withinTransaction } = options;
    if (withinTransaction) {
      try {
        result = await inTransaction(this.pool, async (client) => {
          const inserted = await client.query<InsertedRow>(appendStatement(append));
          if (inserted.rowCount !== rows.length) throw await this.conflict(streamId, expectedVersion, previousHead, options.condition, client);
          const appended = appendResult(streamId, version, headHash, rows, inserted.rows);
          await withinTransaction(client, appended);
          return appended;
        });
      } catch (error) {
        throw await this.asConflict(error, streamId, expectedVersion, previousHead, options.condition);
      }
    } else {
      // One statement, one round trip, its own transaction (or a batch's): the head moves and the events land together.
      let inserted: InsertedRow[];
      try {
        inserted =
          expectedVersion === 0
            ? (await this.pool.query<InsertedRow>(appendStatement(append))).rows
            : await this.batches.submit(append);
      } catch (error) {
        throw await this.asConflict(error, streamId, expectedVersion, previousHead, options.condition);
      }
      if (inserted.length !== rows.length) throw await this.conflict(streamId, expectedVersion, previousHead, options.condition);
      result = appendResult(streamId, version, headHash, rows, inserted);
    }
    this.afterCommit?.(result);
    return result;
  }

  /** Appends on distinct streams in one statement; each one's inserted rows, none where its head did not move. */
  private async appendMany(appends: readonly PlainAppend[]): Promise<InsertedRow[][]> {
    // In one order of stream ids, whatever order they arrived in: two processes' batches on the same
    // streams then lock them in the same order instead of deadlocking.
    const byId = [...appends].sort((a, b) => (a.streamId < b.streamId ? -1 : 1));
    const inserted = await this.pool.query<InsertedRow & { stream_id: string }>(appendManyStatement(byId));
    const byStream = new Map(appends.map((append) => [append.streamId, [] as InsertedRow[]]));
    for (const row of inserted.rows) byStream.get(row.stream_id)!.push(row);
    return appends.map((append) => byStream.get(append.streamId)!);
  }

  /** The head hash of a stream standing at `version` (the caller knew the version but not the hash). */
  private async headHash(streamId: string, version: number): Promise<string> {
    const head = await this.pool.query<{ version: number; head_hash: string }>(
      'SELECT version, head_hash FROM event_streams WHERE stream_id = $1',
      [streamId],
    );
    const row = head.rows[0];
    if (!row || row.version !== version) throw new StreamVersionConflict(streamId, version, row?.version ?? 0);
    return row.head_hash;
  }

  /**
   * Why an append moved no head: its condition does not hold, another writer got there first (a version
   * conflict), or the caller's head hash is not the stream's at that version (the stream row or its
   * events were altered).
   */
  private async conflict(
    streamId: string,
    expectedVersion: number,
    previousHead: string,
    condition?: AppendCondition,
    client?: pg.PoolClient,
  ): Promise<Error> {
    const head = await (client ?? this.pool).query<{ version: number | null; head_hash: string | null; holds: boolean }>(
      `SELECT s.version, s.head_hash, ${condition ? `(${numbered(condition.sql, 1)})` : 'true'} AS holds
       FROM (SELECT 1) AS one LEFT JOIN event_streams s ON s.stream_id = $1`,
      [streamId, ...(condition?.values ?? [])],
    );
    const row = head.rows[0]!;
    if (condition && !row.holds) return new AppendConditionFailed(streamId, condition.name);
    if (row.version === expectedVersion && row.head_hash !== previousHead) {
      return new StreamHeadMismatch(streamId, expectedVersion, previousHead, row.head_hash!);
    }
    return new StreamVersionConflict(streamId, expectedVersion, row.version ?? 0);
  }

  private async asConflict(
    error: unknown,
    streamId: string,
    expectedVersion: number,
    previousHead: string,
    condition?: AppendCondition,
  ): Promise<unknown> {
    if (isUniqueViolation(error, 'events_stream_version_unique') || isUniqueViolation(error, 'event_streams_pkey')) {
      return this.conflict(streamId, expectedVersion, previousHead, condition);
    }
    return error;
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
       ORDER BY events.transaction_id, events.position
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

/** Each event's version, recorded metadata and hash, every hash covering the one before it. */
function hashChain(
  streamId: string,
  expectedVersion: number,
  previousHead: string,
  events: readonly NewEvent[],
  recordedAt: string,
): ChainedEvent[] {
  let previousHash = previousHead;
  return events.map((event, index) => {
    const version = expectedVersion + index + 1;
    const metadata: EventMetadata = { ...event.metadata, recordedAt };
    const dataJson = canonicalJson(event.data);
    const metadataJson = canonicalJson(metadata);
    const { eventId, occurredAt } = metadata;
    const { type, schemaVersion } = event;
    const hash = eventHashOf({ streamId, version, eventId, type, schemaVersion, dataJson, metadataJson, occurredAt, recordedAt, previousHash });
    const chained = { version, event, metadata, dataJson, metadataJson, previousHash, hash };
    previousHash = hash;
    return chained;
  });
}

/** Inserts the events, one per element of the arrays from parameter `$first` on, once `head` moved. */
function insertEvents(first: number): string {
  const [eventId, version, type, schemaVersion, data, metadata, occurredAt, recordedAt, previousHash, hash] = Array.from(
    { length: 10 },
    (_, index) => `$${first + index}`,
  );
  return `
  INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata,
    occurred_at, recorded_at, previous_hash, hash)
  SELECT e.event_id, head.stream_id, e.stream_version, e.type, e.schema_version, e.data, e.metadata,
    e.occurred_at, ${recordedAt}::timestamptz, e.previous_hash, e.hash
  FROM head, unnest(${eventId}::uuid[], ${version}::int[], ${type}::text[], ${schemaVersion}::int[], ${data}::json[],
    ${metadata}::json[], ${occurredAt}::timestamptz[], ${previousHash}::text[], ${hash}::text[])
    AS e(event_id, stream_version, type, schema_version, data, metadata, occurred_at, previous_hash, hash)
  ORDER BY e.stream_version
  RETURNING position, transaction_id::text AS transaction_id, stream_version`;
}

/** A condition's SQL with its parameters `$1`..`$n` renumbered to follow `offset` parameters. */
function numbered(sql: string, offset: number): string {
  return sql.replaceAll(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
}

/** A new stream: its row is created at the new head, unless another writer created it first. */
function appendToNewStream(condition?: AppendCondition): string {
  return `
  WITH head AS (
    INSERT INTO event_streams (stream_id, stream_type, version, head_hash)
    SELECT $1::uuid, $2::text, $3::int, $4::text${condition ? ` WHERE (${numbered(condition.sql, 14)})` : ''}
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING stream_id
  )${insertEvents(5)}`;
}

/** An existing stream: its head moves only from the expected version and hash. */
function appendToStream(condition?: AppendCondition): string {
  return `
  WITH head AS (
    UPDATE event_streams SET version = $3, head_hash = $5, updated_at = now()
    WHERE stream_id = $1 AND version = $2 AND head_hash = $4${condition ? ` AND (${numbered(condition.sql, 15)})` : ''}
    RETURNING stream_id
  )${insertEvents(6)}`;
}

/** The statements' texts, by name: built once per process (a condition's name stands for its text). */
const statements = new Map<string, string>();

function statementText(name: string, build: () => string): string {
  let text = statements.get(name);
  if (text === undefined) statements.set(name, (text = build()));
  return text;
}

/**
 * The append as one named statement (prepared once per connection): the head moves from
 * (expectedVersion, previousHead) and the events are inserted in version order, or nothing happens.
 * Built only where an append is sent by itself: a batch sends its own statement.
 */
function appendStatement(append: PlainAppend): pg.QueryConfig {
  const { streamId, streamType, expectedVersion, previousHead, version, headHash, recordedAt, rows, condition } = append;
  const events = [
    rows.map((row) => row.metadata.eventId),
    rows.map((row) => row.version),
    rows.map((row) => row.event.type),
    rows.map((row) => row.event.schemaVersion),
    rows.map((row) => row.dataJson),
    rows.map((row) => row.metadataJson),
    rows.map((row) => row.metadata.occurredAt),
    recordedAt,
    rows.map((row) => row.previousHash),
    rows.map((row) => row.hash),
  ];
  const suffix = condition ? `_if_${condition.name}` : '';
  const conditionValues = condition?.values ?? [];
  if (expectedVersion === 0) {
    const name = `pt_append_new_stream${suffix}`;
    return { name, text: statementText(name, () => appendToNewStream(condition)), values: [streamId, streamType, version, headHash, ...events, ...conditionValues] };
  }
  const name = `pt_append${suffix}`;
  return { name, text: statementText(name, () => appendToStream(condition)), values: [streamId, expectedVersion, version, previousHead, headHash, ...events, ...conditionValues] };
}

/**
 * Appends to existing streams (distinct ones) in one statement, each moving its head only from its
 * expected version and hash and, with a condition, only while the condition holds for its own values
 * (parameter `$k` of the condition is that append's k-th value, as text): what `appendToStream` does
 * for one. A stream whose head did not move gets no events.
 */
function appendToStreams(condition?: AppendCondition): string {
  const values = condition?.values.map((_, index) => index + 1) ?? [];
  return `
  WITH head AS (
    UPDATE event_streams s SET version = i.version, head_hash = i.head_hash, updated_at = now()
    FROM unnest($1::uuid[], $2::int[], $3::int[], $4::text[], $5::text[]${values.map((k) => `, $${16 + k}::text[]`).join('')})
      AS i(stream_id, expected_version, version, previous_hash, head_hash${values.map((k) => `, value_${k}`).join('')})
    WHERE s.stream_id = i.stream_id AND s.version = i.expected_version AND s.head_hash = i.previous_hash${
      condition ? ` AND (${condition.sql.replaceAll(/\$(\d+)/g, (_, k: string) => `i.value_${k}`)})` : ''
    }
    RETURNING s.stream_id
  )
  INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata,
    occurred_at, recorded_at, previous_hash, hash)
  SELECT e.event_id, e.stream_id, e.stream_version, e.type, e.schema_version, e.data, e.metadata,
    e.occurred_at, e.recorded_at, e.previous_hash, e.hash
  FROM unnest($6::uuid[], $7::uuid[], $8::int[], $9::text[], $10::int[], $11::json[], $12::json[],
    $13::timestamptz[], $14::timestamptz[], $15::text[], $16::text[])
    AS e(stream_id, event_id, stream_version, type, schema_version, data, metadata, occurred_at, recorded_at, previous_hash, hash)
  WHERE e.stream_id IN (SELECT stream_id FROM head)
  ORDER BY e.stream_id, e.stream_version
  RETURNING position, transaction_id::text AS transaction_id, stream_id, stream_version`;
}

/** The batch statement for appends of one kind (all with the same condition, or none). */
function appendManyStatement(appends: readonly PlainAppend[]): pg.QueryConfig {
  const { condition } = appends[0]!;
  const name = `pt_append_many${condition ? `_if_${condition.name}` : ''}`;
  const events = appends.flatMap((append) => append.rows.map((row) => ({ append, row })));
  return {
    name,
    text: statementText(name, () => appendToStreams(condition)),
    values: [
      appends.map((append) => append.streamId),
      appends.map((append) => append.expectedVersion),
      appends.map((append) => append.version),
      appends.map((append) => append.previousHead),
      appends.map((append) => append.headHash),
      events.map(({ append }) => append.streamId),
      events.map(({ row }) => row.metadata.eventId),
      events.map(({ row }) => row.version),
      events.map(({ row }) => row.event.type),
      events.map(({ row }) => row.event.schemaVersion),
      events.map(({ row }) => row.dataJson),
      events.map(({ row }) => row.metadataJson),
      events.map(({ row }) => row.metadata.occurredAt),
      events.map(({ append }) => append.recordedAt),
      events.map(({ row }) => row.previousHash),
      events.map(({ row }) => row.hash),
      ...(condition?.values.map((_, index) => appends.map((append) => append.condition!.values[index])) ?? []),
    ],
  };
}

function appendResult(
  streamId: string,
  version: number,
  headHash: string,
  rows: readonly ChainedEvent[],
  inserted: readonly InsertedRow[],
): AppendResult {
  const byVersion = new Map(inserted.map((row) => [row.stream_version, row]));
  return {
    streamId,
    version,
    headHash,
    events: rows.map((row) => {
      const stored = byVersion.get(row.version)!;
      return {
        position: Number(stored.position),
        transactionId: stored.transaction_id,
        streamId,
        version: row.version,
        type: row.event.type,
        schemaVersion: row.event.schemaVersion,
        data: row.event.data,
        metadata: row.metadata,
        previousHash: row.previousHash,
        hash: row.hash,
      };
    }),
  };
}
