import type { Notifier, NotifierBatch } from '../notifier/notifier.js';

/**
 * Test-only: lets the notifier follow the feed until it has read `events` more events, and answers the
 * batches together. One `catchUp` may stop short: the feed offers an event only once every transaction
 * older than its own has ended on the whole server, another spec's database included.
 */
export async function followFeed(notifier: Notifier, events: number, timeoutMs = 10_000): Promise<NotifierBatch> {
  const total: NotifierBatch = { events: 0, notifications: [], deliveries: [], milestonesPastDue: false };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await notifier.catchUp();
    total.events += batch.events;
    total.notifications.push(...batch.notifications);
    total.deliveries.push(...batch.deliveries);
    total.milestonesPastDue ||= batch.milestonesPastDue;
    if (total.events >= events) return total;
    if (Date.now() > deadline) throw new Error(`the notifier read ${total.events} events of the ${events} expected within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
