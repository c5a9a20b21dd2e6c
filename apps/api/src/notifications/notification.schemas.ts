import { NOTIFICATION_TYPES } from '@app/notifications';
import { apiSchema, arrayOf, boolean, closed, dateTime, integer, nullable, oneOfValues, openObject, string, uuid } from '../common/openapi/api-schema.js';

export const INBOX_ENTRY = apiSchema(
  'InboxEntry',
  closed({
    id: uuid('The notification'),
    seq: integer('Order of arrival in this inbox; the SSE event id'),
    type: oneOfValues(NOTIFICATION_TYPES),
    cloudEventType: string('The CloudEvents type, e.g. example.project-tracker.milestone.reached'),
    headline: string(),
    projectId: nullable(uuid()),
    subject: string(),
    time: dateTime(),
    receivedAt: dateTime(),
    read: boolean(),
    readAt: nullable(dateTime()),
    data: openObject("The notification's data, as its type shapes it"),
  }),
);

export const INBOX_PAGE = apiSchema(
  'InboxPage',
  closed({
    items: arrayOf(INBOX_ENTRY, 'Newest first'),
    unreadCount: integer(),
    nextBefore: nullable(integer('The `before` of the next page; null at the end')),
  }),
);

export const MARKED_READ = apiSchema('MarkedRead', closed({ marked: integer('Entries this request marked read'), unreadCount: integer() }));
