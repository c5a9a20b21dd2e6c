import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { OutageLog } from '@app/database';
import { INBOX_CHANNEL } from '@app/notifications';

type Listener = () => void;

/**
 * Tells open inbox streams that their owner's inbox has something new. One LISTEN connection per API
 * process on the channel the inbox channel notifies on commit; streams then read what is new themselves.
 */
@Injectable()
export class InboxStream implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboxStream.name);
  /** While PostgreSQL is out of reach, a line now and then rather than one per retry (one a second). */
  private readonly outage = new OutageLog({ warn: (line) => this.logger.warn(line), info: (line) => this.logger.log(line) });
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly closers = new Set<() => void>();
  private client: pg.Client | undefined;
  /** The next attempt to LISTEN again after the connection was lost, while one is due. */
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    // A retry due after shutdown would open a connection nothing closes, and keep the process alive.
    clearTimeout(this.retry);
    for (const close of this.closers) close();
    await this.client?.end().catch(() => undefined);
  }

  /** Calls `listener` whenever `ownerKeyId` gets an inbox entry; answers the unsubscribe. */
  subscribe(ownerKeyId: string, listener: Listener, close: () => void): () => void {
    const set = this.listeners.get(ownerKeyId) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(ownerKeyId, set);
    this.closers.add(close);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(ownerKeyId);
      this.closers.delete(close);
    };
  }

  /** Wakes every stream (after the LISTEN connection was lost, something may have been missed). */
  private wakeAll(): void {
    for (const set of this.listeners.values()) for (const listener of set) listener();
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.config.databaseUrl });
    client.on('notification', (message) => {
      const owner = (message.payload ?? '').split(':')[0] ?? '';
      for (const listener of this.listeners.get(owner) ?? []) listener();
    });
    const reconnect = () => {
      if (this.stopped || this.client !== client) return;
      this.client = undefined;
      this.retry = setTimeout(() => {
        this.retry = undefined;
        void this.listen().then(() => this.wakeAll()).catch(() => reconnect());
      }, 1_000);
    };
    client.on('error', (error) => {
      this.outage.failed(`LISTEN connection lost: ${error.message}`);
      reconnect();
    });
    client.on('end', reconnect);
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${INBOX_CHANNEL}`);
      this.outage.answered('LISTEN connection back');
    } catch (error) {
      this.outage.failed(`cannot LISTEN yet: ${error instanceof Error ? error.message : String(error)}; retrying every second`);
      reconnect();
    }
  }
}
