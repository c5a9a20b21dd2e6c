import type pg from 'pg';
import { cloudEventType, type NotificationType } from '../notification-types.js';
import type { NotificationData } from '../notification.js';

/** One notification in an owner's inbox. */
export interface InboxEntry {
  /** The notification's id. */
  id: string;
  /** Order of arrival in this inbox; the SSE event id. */
  seq: number;
  type: NotificationType;
  cloudEventType: string;
  headline: string;
  projectId: string | null;
  subject: string;
  time: string;
  receivedAt: string;
  read: boolean;
  readAt: string | null;
  data: NotificationData;
}

interface EntryRow {
  seq: string;
  notification_id: string;
  type: NotificationType;
  headline: string;
  project_id: string | null;
  subject: string;
  time: Date;
  created_at: Date;
  read_at: Date | null;
  data: NotificationData;
}

const SELECT = `SELECT i.seq, i.notification_id, n.type, n.headline, n.project_id, n.subject, n.time, i.created_at, i.read_at, n.data
  FROM inbox_items i JOIN notifications n ON n.id = i.notification_id`;

/** The in-app inbox: each owner reads and marks only its own entries. */
export class InboxStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Newest first, paged with `before` (the last `seq` seen); with the owner's unread count. */
  async list(
    ownerKeyId: string,
    page: { limit: number; before?: number; unreadOnly?: boolean },
  ): Promise<{ items: InboxEntry[]; unreadCount: number; nextBefore: number | null }> {
    const [entries, unread] = await Promise.all([
      this.pool.query<EntryRow>(
        `${SELECT} WHERE i.owner_key_id = $1 AND ($2::bigint IS NULL OR i.seq < $2) AND (NOT $3 OR i.read_at IS NULL)
         ORDER BY i.seq DESC LIMIT $4`,
        [ownerKeyId, page.before ?? null, page.unreadOnly ?? false, page.limit + 1],
      ),
      this.unreadCount(ownerKeyId),
    ]);
    const rows = entries.rows.slice(0, page.limit);
    return {
      items: rows.map(toEntry),
      unreadCount: unread,
      nextBefore: entries.rows.length > page.limit ? Number(rows.at(-1)!.seq) : null,
    };
  }

  async unreadCount(ownerKeyId: string): Promise<number> {
    const result = await this.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM inbox_items WHERE owner_key_id = $1 AND read_at IS NULL',
      [ownerKeyId],
    );
    return result.rows[0]!.n;
  }

  /** Entries after `seq`, oldest first: what a reconnecting stream missed. */
  async after(ownerKeyId: string, seq: number, limit: number): Promise<InboxEntry[]> {
    const result = await this.pool.query<EntryRow>(`${SELECT} WHERE i.owner_key_id = $1 AND i.seq > $2 ORDER BY i.seq LIMIT $3`, [
      ownerKeyId,
      seq,
      limit,
    ]);
    return result.rows.map(toEntry);
  }

  async entry(ownerKeyId: string, seq: number): Promise<InboxEntry | undefined> {
    const result = await this.pool.query<EntryRow>(`${SELECT} WHERE i.owner_key_id = $1 AND i.seq = $2`, [ownerKeyId, seq]);
    const row = result.rows[0];
    return row ? toEntry(row) : undefined;
  }

  /** Marks one notification read (the first time counts); undefined when it is not in the owner's inbox. */
  async markRead(ownerKeyId: string, notificationId: string): Promise<InboxEntry | undefined> {
    await this.pool.query(
      'UPDATE inbox_items SET read_at = now() WHERE owner_key_id = $1 AND notification_id = $2 AND read_at IS NULL',
      [ownerKeyId, notificationId],
    );
    const result = await this.pool.query<EntryRow>(`${SELECT} WHERE i.owner_key_id = $1 AND i.notification_id = $2`, [ownerKeyId, notificationId]);
    const row = result.rows[0];
    return row ? toEntry(row) : undefined;
  }

  /** Marks every unread entry read; answers how many. */
  async markAllRead(ownerKeyId: string): Promise<number> {
    const result = await this.pool.query('UPDATE inbox_items SET read_at = now() WHERE owner_key_id = $1 AND read_at IS NULL', [ownerKeyId]);
    return result.rowCount ?? 0;
  }
}

function toEntry(row: EntryRow): InboxEntry {
  return {
    id: row.notification_id,
    seq: Number(row.seq),
    type: row.type,
    cloudEventType: cloudEventType(row.type),
    headline: row.headline,
    projectId: row.project_id,
    subject: row.subject,
    time: row.time.toISOString(),
    receivedAt: row.created_at.toISOString(),
    read: row.read_at !== null,
    readAt: row.read_at?.toISOString() ?? null,
    data: row.data,
  };
}
