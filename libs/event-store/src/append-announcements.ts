import type { AppendResult } from './postgres-event-store.js';
import type { VersionNotice } from './version-announcements.js';

/**
 * Appends are announced after commit on a Redis channel (a VersionAnnouncer), not with PostgreSQL's
 * NOTIFY: NOTIFY takes a server-wide lock from before commit until the commit is flushed, which
 * serialises every appending transaction (pgbench: 45% fewer appends with it).
 */

/** What an append announces: how far its stream got, and when its last event was recorded. */
export type AppendNotice = VersionNotice;

/** The channel of one deployment (its queue prefix), so several can share a Redis. */
export function appendsChannel(queuePrefix: string): string {
  return `${queuePrefix}:events-appended`;
}

/** The notice of a committed append. */
export function appendNotice(appended: AppendResult): AppendNotice {
  const recordedAt = Date.parse(appended.events.at(-1)?.metadata.recordedAt ?? '');
  return { streamId: appended.streamId, version: appended.version, ...(Number.isNaN(recordedAt) ? {} : { recordedAt }) };
}
