import { POOL_QUEUE_FULL } from '@app/database';
import { TooManyWaitingCommands } from '@app/event-store';

/** Refused at once because more requests wait for the database than it can serve (no outage). */
export function isOverload(exception: unknown): boolean {
  return exception instanceof TooManyWaitingCommands || (exception instanceof Error && exception.message === POOL_QUEUE_FULL);
}
