import pg from 'pg';
import { EVENTS_CHANNEL } from './postgres-event-store.js';

/** What an append announces on commit. */
export interface AppendNotice {
  streamId: string;
  version: number;
  /** Epoch milliseconds the events were recorded at, when the notice carries it. */
  recordedAt?: number;
}

/**
 * A LISTEN connection on the appends channel that comes back by itself: a lost connection (a database
 * restart) is reopened a second later until `stop()`. Notices are a wake-up call only; whoever listens
 * must also catch up from PostgreSQL, since notices sent while it was away are gone.
 */
export class AppendListener {
  private client: pg.Client | undefined;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly onAppend: (notice: AppendNotice) => void,
    private readonly warn: (message: string) => void,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.listen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => {
      const [streamId, version, recordedAt] = (message.payload ?? '').split(':');
      if (!streamId || !version) return;
      this.onAppend({ streamId, version: Number(version), ...(recordedAt ? { recordedAt: Number(recordedAt) } : {}) });
    });
    const reconnect = () => {
      if (this.stopped || this.client !== client) return;
      this.client = undefined;
      setTimeout(() => void this.listen().catch(() => reconnect()), 1_000);
    };
    client.on('error', (error) => {
      this.warn(`LISTEN connection lost: ${error.message}`);
      reconnect();
    });
    client.on('end', reconnect);
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (error) {
      this.warn(`cannot LISTEN yet: ${error instanceof Error ? error.message : String(error)}`);
      reconnect();
    }
  }
}
