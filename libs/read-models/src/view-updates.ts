/**
 * The channel on which the worker announces (a VersionAnnouncer) the version each project's views reached
 * after it committed them, for one deployment (its queue prefix). A read waiting for its own write
 * (`minVersion`) wakes on it rather than at its next look at the views.
 */
export function viewUpdatesChannel(queuePrefix: string): string {
  return `${queuePrefix}:views-updated`;
}
