import type { AppendCondition } from '@app/event-store';

/**
 * A key the guard recalled from memory instead of reading api_keys: that it is still active (not
 * revoked, expired or rotated away) is yet to be confirmed, and must be before any answer leaves.
 * A command confirms it by appending with `condition` (the append lands only while the key is
 * active) and then sets `confirmed`; every other outcome is confirmed by KeyConfirmation.
 */
export interface PendingKeyCheck {
  secretHash: string;
  condition: AppendCondition;
  confirmed: boolean;
  /** KeyConfirmation has ruled on this request's answer: it is not asked twice. */
  settled?: boolean;
}
