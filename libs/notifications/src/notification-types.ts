/**
 * The kinds of notification, by the name a subscriber filters on. The CloudEvents `type` of each is
 * {@link CLOUD_EVENT_TYPE_PREFIX} followed by the name: `example.project-tracker.milestone.reached`.
 */
export const NOTIFICATION_TYPES = [
  'project.status_changed',
  'milestone.reached',
  'milestone.rescheduled',
  'milestone.waived',
  'milestone.overdue',
  'indicator.threshold_reached',
  'project.digest',
] as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Reverse DNS of the product's domain (project-tracker.example), as CloudEvents recommends for `type`. */
export const CLOUD_EVENT_TYPE_PREFIX = 'example.project-tracker.';

export function cloudEventType(type: NotificationType): string {
  return CLOUD_EVENT_TYPE_PREFIX + type;
}

export function isNotificationType(value: unknown): value is NotificationType {
  return typeof value === 'string' && (NOTIFICATION_TYPES as readonly string[]).includes(value);
}
