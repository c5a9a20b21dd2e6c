import { Redis } from 'ioredis';

/**
 * Announcements on a Redis channel that a stream (a project) reached a version: that its events were
 * appended (append-announcements.ts), that its view was updated (the read models' view updates). An
 * announcement is a wake-up call only: whoever listens also catches up from PostgreSQL on a timer, since
 * announcements lost to a crash between commit and publish, or sent while Redis or the listener was
 * away, are gone.
 */

/**
 * The least time between two announcements of one process. Under load every turn of the event loop
 * commits a batch, and a message per turn (hundreds a second) wakes Redis and every listener as often,
 * on the cores the commands need; the listeners gather what they hear over longer windows anyway.
 * A busy API so announces every 10 ms: a listener that hears nothing for several spacings knows the load
 * has stopped.
 */
export const ANNOUNCEMENT_SPACING_MS = 10;

/** What an announcement says: a stream reached a version. */
export interface VersionNotice {
  streamId: string;
  version: number;
  /** Epoch milliseconds the events were recorded at, when the notice carries it. */
  recordedAt?: number;
}

function encode(notice: VersionNotice): string {
  return `${notice.streamId}:${notice.version}:${notice.recordedAt ?? ''}`;
}

/** A message holds one notice or several, separated by spaces. */
function decode(message: string): VersionNotice[] {
  const notices: VersionNotice[] = [];
  for (const part of message.split(' ')) {
    const [streamId, version, recordedAt] = part.split(':');
    if (!streamId || !version || !Number.isInteger(Number(version))) continue;
    notices.push({ streamId, version: Number(version), ...(recordedAt ? { recordedAt: Number(recordedAt) } : {}) });
  }
  return notices;
}

/**
 * Publishes versions reached. Never waits and never fails its caller: while Redis is not connected an
 * announcement is dropped (no offline queue growing in memory) and ioredis keeps reconnecting. The
 * announcements of one turn of the event loop leave as one message, with the latest version of each
 * stream (a listener only needs to know how far a stream got): one PUBLISH for many commands under load.
 * And at most one message leaves per `spacingMs`: an announcement after a quiet spell leaves at the end
 * of its turn, those that follow it within `spacingMs` together once that has passed.
 */
export class VersionAnnouncer {
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

  announce(notice: VersionNotice): void {
    if (this.redis.status !== 'ready') return;
    const known = this.pending.get(notice.streamId);
    if (!known || known.version < notice.version) this.pending.set(notice.streamId, { version: notice.version, notice: encode(notice) });
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

/** Where a listener listens, what to tell it, and what to call what it hears in its warnings. */
export interface VersionListening {
  redisUrl: string;
  channel: string;
  /** What the channel carries, for warnings: "appends", "view updates". */
  subject: string;
  onNotice: (notice: VersionNotice) => void;
  warn: (message: string) => void;
  /** Told when the subscription is back after being lost: announcements may have been missed. */
  onReconnect?: () => void;
}

/**
 * Subscribes to a channel of announcements, again after every reconnection (ioredis reconnects by
 * itself), and `onReconnect` tells the listener that announcements may have been missed meanwhile.
 * Starting does not wait for Redis: a Redis that takes the connection and never answers would hold its
 * caller's start for good, and whoever listens catches up from PostgreSQL meanwhile.
 */
export class VersionListener {
  private redis: Redis | undefined;

  constructor(private readonly listening: VersionListening) {}

  start(): void {
    const { redisUrl, channel, subject, onNotice, warn, onReconnect } = this.listening;
    // Subscribes on every (re)connection itself rather than through autoResubscribe, which only
    // repeats a subscription that once succeeded: Redis may be down when the listener starts.
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: true, autoResubscribe: false });
    this.redis = redis;
    let connections = 0;
    let lost = false;
    redis.on('message', (_channel: string, message: string) => {
      for (const notice of decode(message)) onNotice(notice);
    });
    redis.on('error', (error: Error) => {
      if (!lost) warn(`${subject} subscription lost: ${error.message}`);
      lost = true;
    });
    redis.on('ready', () => {
      lost = false;
      redis.subscribe(channel).then(
        () => {
          if (connections++ > 0) onReconnect?.();
        },
        (error: unknown) => warn(`cannot subscribe to ${subject}: ${error instanceof Error ? error.message : String(error)}`),
      );
    });
    redis.connect().catch((error: unknown) => {
      warn(`cannot subscribe to ${subject} yet (retrying): ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  async stop(): Promise<void> {
    const redis = this.redis;
    this.redis = undefined;
    if (!redis) return;
    // QUIT only on a connection that answers: queued on one that does not (yet), it would wait for good.
    if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
    else redis.disconnect();
  }
}
