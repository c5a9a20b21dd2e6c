import type { ProjectStatus } from '@app/domain';
import type { NotificationType } from './notification-types.js';

/** The project a notification is about, as subscribers see it named. */
export interface ProjectFacts {
  id: string;
  code: string;
  title: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  status: ProjectStatus;
}

/** The stored event a notification was made from: subscribers can fetch it from the global feed. */
export interface SourceEventReference {
  id: string;
  type: string;
  /** Position in the global feed (`GET /events?after=`). */
  position: number;
  /** Version of the project stream it belongs to. */
  streamVersion: number;
  recordedAt: string;
}

/** What every notification's data holds; each type adds its own fields. */
export interface NotificationData {
  /** The project it is about; absent for a digest, which covers several. */
  project?: ProjectFacts;
  /** One sentence naming the project and what happened. */
  summary: string;
  /** The stored event it was made from; absent for what is derived rather than recorded (overdue, digest). */
  event?: SourceEventReference;
  [key: string]: unknown;
}

/**
 * A notification as a rule decides it, before it is stored and fanned out to the matching subscriptions.
 */
export interface NotificationDraft {
  type: NotificationType;
  /**
   * Names the fact announced, unique across all notifications: the same fact never becomes two
   * notifications, whoever decides it twice (a redelivered job, a second worker).
   */
  dedupeKey: string;
  projectId: string | null;
  country: string | null;
  /** CloudEvents `source`: the context it happened in, a URI reference (`/projects/<id>`). */
  source: string;
  /** CloudEvents `subject`: what in the source it is about (`milestones/<id>`). */
  subject: string;
  /** Subject line of e-mails and inbox entries: the project and what happened. */
  headline: string;
  /** When it happened, ISO 8601. */
  time: string;
  data: NotificationData;
  /** Set for notifications meant for one subscription only (a digest); others go to every match. */
  recipientSubscriptionId?: string;
}

/** A stored notification. */
export interface StoredNotification extends NotificationDraft {
  id: string;
  createdAt: string;
}
