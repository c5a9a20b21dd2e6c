import type { DeliveryRef } from '@app/notifications';

/** The notifier's queue: following the feed, the overdue scan and the digest, one job at a time per worker. */
export const NOTIFIER_QUEUE = 'notifier';

/**
 * One job per (notification, subscription): send it, retry it, record it; and carry on with the
 * deliveries after it to the same subscription, which go out one at a time, in order.
 */
export const DELIVERIES_QUEUE = 'deliveries';

export const NOTIFIER_JOBS = {
  /** Turn new events into notifications (appends were announced). */
  follow: 'follow',
  /** The periodic poll: follow, and offer again deliveries whose job was lost. */
  poll: 'poll',
  scanOverdue: 'scan-overdue',
  digest: 'digest',
} as const;

/** Job scheduler ids: fixed, so every worker upserts the same schedules rather than adding its own. */
export const SCHEDULERS = {
  poll: 'notifier-poll',
  overdue: 'milestone-overdue-scan',
  digest: 'project-digest',
} as const;

export const NOTIFIER_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: true,
  removeOnFail: 1000,
} as const;

/**
 * Unexpected errors (the database away) are retried by BullMQ; failed sends are not errors but
 * outcomes, rescheduled by the runner itself from the deliveries row.
 */
export const DELIVERY_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: true,
} as const;

export type DeliveryJob = DeliveryRef;

/** Fixed per (notification, subscription), so offering a delivery twice makes one job. */
export function deliveryJobId(delivery: DeliveryRef): string {
  return `delivery-${delivery.notificationId}-${delivery.subscriptionId}`;
}

/** A job that takes a subscription's line on from `delivery` after another run took its share (DeliveryDispatcher.handOver). */
export function turnJobId(delivery: DeliveryRef): string {
  return `${deliveryJobId(delivery)}-turn`;
}
