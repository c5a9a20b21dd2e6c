import type { NotificationType } from '../notification-types.js';

export const SUBSCRIPTION_CHANNELS = ['webhook', 'email', 'inbox'] as const;
export type SubscriptionChannel = (typeof SUBSCRIPTION_CHANNELS)[number];

/** Which notifications a subscription takes; an empty list does not narrow (the fan-out applies it in SQL). */
export interface SubscriptionFilter {
  projectIds: string[];
  /** ISO 3166-1 alpha-2. */
  countries: string[];
  types: NotificationType[];
}

/** A subscription as its owner sees it; the signing secret is never part of it. */
export interface Subscription {
  id: string;
  channel: SubscriptionChannel;
  /** For webhooks. */
  url?: string;
  /** For webhooks: when its signing secret was last rotated; null if never. */
  secretRotatedAt?: string | null;
  /** For webhooks: until when the secret the last rotation replaced still signs deliveries; null once that is over. */
  previousSecretValidUntil?: string | null;
  /** For e-mail. */
  address?: string;
  filter: SubscriptionFilter;
  /** `disabled` after the receiver answered 410 Gone; enabling it again resumes deliveries. */
  status: 'active' | 'disabled';
  statusReason: string | null;
  createdAt: string;
}

/** One recorded attempt to deliver a notification. */
export interface DeliveryAttempt {
  id: number;
  deliveryId: string;
  notificationId: string;
  notificationType: NotificationType;
  attempt: number;
  attemptedAt: string;
  status: 'delivered' | 'failed';
  /** HTTP status or SMTP reply code. */
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  responseExcerpt: string | null;
  /**
   * Where the attempt's delivery stands now: `pending` with the time of its next attempt (a failed
   * attempt that will be tried again, or one waiting its turn in the subscription's line), `delivered`,
   * `failed` (given up after its last retry, or refused for good), or `cancelled` (the subscription was
   * deleted or disabled, or its owner's key revoked, before it got through).
   */
  delivery: { status: 'pending' | 'delivered' | 'failed' | 'cancelled'; nextAttemptAt: string | null };
}
