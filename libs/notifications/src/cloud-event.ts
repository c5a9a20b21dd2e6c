import { cloudEventType } from './notification-types.js';
import type { NotificationData, StoredNotification } from './notification.js';

/** Media type of a structured-mode CloudEvent in JSON. */
export const CLOUD_EVENTS_CONTENT_TYPE = 'application/cloudevents+json';

/** A CloudEvents 1.0 event in structured mode, as a webhook body carries it. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: NotificationData;
}

/**
 * The CloudEvent of a stored notification. Its id is the notification's, so source + id is unique and a
 * receiver can drop a repeat; the same notification always yields the same event, whatever the attempt.
 */
export function toCloudEvent(notification: StoredNotification): CloudEvent {
  return {
    specversion: '1.0',
    id: notification.id,
    source: notification.source,
    type: cloudEventType(notification.type),
    subject: notification.subject,
    time: notification.time,
    datacontenttype: 'application/json',
    data: notification.data,
  };
}
