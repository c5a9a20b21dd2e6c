import { Redis } from 'ioredis';
import type { AppendResult } from './postgres-event-store.js';

/**
 * Appends are announced after commit on a Redis channel, not with PostgreSQL's NOTIFY: NOTIFY takes a
 * server-wide lock from before commit until the commit is flushed, which serialises every appending
 * transaction (pgbench: 45% fewer appends with it). An announcement is a wake-up call only: whoever
 * listens also catches up from PostgreSQL on a timer, since announcements lost to a crash between
 * commit and publish, or sent while Redis or the listener was away, are gone.
 */

/**
 * The least time between two announcements of one process. Under load every turn of the event loop
 * commits a batch, and a message per turn (hundreds a second) wakes Redis and every listener as often,
 * on the cores the commands need; the listeners gather what they hear over longer windows anyway.
 * A busy API so announces every 10 ms: a listener that hears nothing for several spacings knows the load
 * has stopped.
 */
export const ANNOUNCEMENT_SPACING_MS = 10;

/** What an append announces. */
export interface AppendNotice {
  streamId: string;
  version: number;
  /** Epoch milliseconds the events were recorded at, when the notice carries it. */
  recordedAt?: number;
}

/** The channel of one deployment (its queue prefix), so several can share a Redis. */
export function appendsChannel(queuePrefix: string): string {
  return `${queuePrefix}:events-appended`;
}

function encode(appended: AppendResult): string {
  const recordedAt = Date.parse(appended.events.at(-1)?.metadata.recordedAt ?? '');
  return `${appended.streamId}:${appended.version}:${Number.isNaN(recordedAt) ? '' : recordedAt}`;
}

/** A message holds one notice or several, separated by spaces. */
function decode(message: string): AppendNotice[] {
  const notices: AppendNotice[] = [];
  for (const part of message.split(' ')) {
    const [streamId, version, recordedAt] = part.split(':');
    if (!streamId || !version || !Number.isInteger(Number(version))) continue;
    notices.push({ streamId, version: Number(version), ...(recordedAt ? { recordedAt: Number(recordedAt) } : {}) });
  }
  return notices;
}

/**
 * Publishes committed appends. Never waits and never fails an append: while Redis is not connected an
 * announcement is dropped (no offline queue growing in memory) and ioredis keeps reconnecting. The
 * appends of one turn of the event loop leave as one message, with the latest version of each stream
 * (a listener only needs to know how far a stream got): one PUBLISH for many commands under load. And
 * at most one message leaves per `spacingMs`: an append after a quiet spell is announced at the end of
 * its turn, the appends that follow it within `spacingMs` together once that has passed.
 */
export class AppendAnnouncer {
  private readonly redis: Redis;
  /** Notices waiting for the next message, by stream. */
  private readonly pending = new Map<string, { version: number; notice: string }>();
  /** The next message's departure, once an announcement waits for it: one or the other. */
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** When the last message left (performance.now()). */
  private lastFlush = -Infinity;

  constructor(
    redisUrl: string,
    private readonly channel: string,
    private readonly spacingMs = ANNOUNCEMENT_SPACING_MS,
  ) {
    this.redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    this.redis.on('error', () => undefined);
  }

  announce(appended: AppendResult): void {
    if (this.redis.status !== 'ready') return;
    const known = this.pending.get(appended.streamId);
    if (!known || known.version < appended.version) this.pending.set(appended.streamId, { version: appended.version, notice: encode(appended) });
    if (this.timer || this.immediate) return;
    const wait = this.lastFlush + this.spacingMs - performance.now();
    if (wait > 0) this.timer = setTimeout(() => this.flush(), wait);
    else this.immediate = setImmediate(() => this.flush());
  }

  private flush(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.lastFlush = performance.now();
    const message = Array.from(this.pending.values(), (pending) => pending.notice).join(' ');
    this.pending.clear();
    if (this.redis.status !== 'ready' || message === '') return;
    this.redis.publish(this.channel, message).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.flush();
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * Subscribes to the appends channel, again after every reconnection (ioredis reconnects by itself), and
 * `onReconnect` tells the listener that announcements may have been missed meanwhile.
 */
export class AppendListener {
  private redis: Redis | undefined;

  constructor(
    private readonly redisUrl: string,
    private readonly channel: string,
    private readonly onAppend: (notice: AppendNotice) => void,
    private readonly warn: (message: string) => void,
    private readonly onReconnect: () => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    // Subscribes on every (re)connection itself rather than through autoResubscribe, which only
    // repeats a subscription that once succeeded: Redis may be down when the listener starts.
    const redis = new Redis(this.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true, autoResubscribe: false });
    this.redis = redis;
    let connections = 0;
    let lost = false;
    redis.on('message', (_channel: string, message: string) => {
      for (const notice of decode(message)) this.onAppend(notice);
    });
    redis.on('error', (error: Error) => {
      if (!lost) this.warn(`appends subscription lost: ${error.message}`);
      lost = true;
    });
    redis.on('ready', () => {
      lost = false;
      redis.subscribe(this.channel).then(
        () => {
          if (connections++ > 0) this.onReconnect();
        },
        (error: unknown) => this.warn(`cannot subscribe to appends: ${error instanceof Error ? error.message : String(error)}`),
      );
    });
    await redis.connect().catch((error: unknown) => {
      this.warn(`cannot subscribe to appends yet (retrying): ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  async stop(): Promise<void> {
    const redis = this.redis;
    this.redis = undefined;
    if (!redis) return;
    await redis.quit().catch(() => redis.disconnect());
  }
}
