import { NOTIFICATION_TYPES, SUBSCRIPTION_CHANNELS } from '@app/notifications';
import { apiSchema, arrayOf, closed, dateTime, integer, nullable, oneOfValues, string, uuid } from '../common/openapi/api-schema.js';

const SUBSCRIPTION_MEMBERS = {
  id: uuid(),
  channel: oneOfValues(SUBSCRIPTION_CHANNELS),
  url: string('For webhooks: where the CloudEvents are POSTed'),
  secretRotatedAt: nullable(dateTime('For webhooks: when its signing secret was last rotated; null if never')),
  previousSecretValidUntil: nullable(
    dateTime('For webhooks: until when the secret the last rotation replaced still signs deliveries, beside the new one; null once that is over'),
  ),
  address: string('For e-mail: where the messages go'),
  filter: closed(
    {
      projectIds: arrayOf(uuid(), 'Only these projects; empty for all'),
      countries: arrayOf(string(), 'Only projects in these countries (ISO 3166-1 alpha-2); empty for all'),
      types: arrayOf(oneOfValues(NOTIFICATION_TYPES), 'Only these notification types; empty for all'),
    },
    [],
  ),
  status: oneOfValues(['active', 'disabled'], '`disabled` after the receiver answered 410 Gone; enabling it again resumes deliveries'),
  statusReason: nullable(string()),
  createdAt: dateTime(),
};
const BY_CHANNEL = ['url', 'secretRotatedAt', 'previousSecretValidUntil', 'address'];

export const SUBSCRIPTION = apiSchema('Subscription', closed(SUBSCRIPTION_MEMBERS, BY_CHANNEL));

export const CREATED_SUBSCRIPTION = apiSchema(
  'CreatedSubscription',
  closed(
    { ...SUBSCRIPTION_MEMBERS, secret: { type: 'string', pattern: '^whsec_', description: "A webhook's signing secret, shown this once" } },
    [...BY_CHANNEL, 'secret'],
  ),
);

/** A webhook subscription with the new secret its rotation gives: the secret is always there. */
export const ROTATED_SUBSCRIPTION = apiSchema(
  'RotatedSubscription',
  closed(
    { ...SUBSCRIPTION_MEMBERS, secret: { type: 'string', pattern: '^whsec_', description: 'The new signing secret, shown this once' } },
    ['address'],
  ),
);

export const SUBSCRIPTION_LIST = apiSchema('SubscriptionList', closed({ items: arrayOf(SUBSCRIPTION), total: integer() }));

export const DELIVERY_ATTEMPTS = apiSchema(
  'DeliveryAttempts',
  closed({
    items: arrayOf(
      closed({
        id: integer(),
        deliveryId: uuid(),
        notificationId: uuid(),
        notificationType: oneOfValues(NOTIFICATION_TYPES),
        attempt: integer(),
        attemptedAt: dateTime(),
        status: oneOfValues(['delivered', 'failed']),
        statusCode: nullable(integer('HTTP status or SMTP reply code')),
        latencyMs: integer(),
        error: nullable(string()),
        responseExcerpt: nullable(string()),
        delivery: closed({
          status: oneOfValues(['pending', 'delivered', 'failed', 'cancelled']),
          nextAttemptAt: nullable(dateTime('When the delivery is tried next, while it is pending')),
        }),
      }),
    ),
    nextBefore: nullable(integer('The `before` of the next page; null at the end')),
  }),
);
