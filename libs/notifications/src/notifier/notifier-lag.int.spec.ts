import { describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { createProjectCommandHandler } from '@app/event-store';
import { metadata, startedProject } from '../../../event-store/src/testing/project-streams.js';
import { openStoreDatabase } from '../../../../test/support/store-database.js';
import { eventually } from '../../../../test/support/test-environment.js';
import { notifierLagSeconds } from './notifier-lag.js';
import { Notifier } from './notifier.js';

let pool: pg.Pool;
let handler: ReturnType<typeof createProjectCommandHandler>;
let notifier: Notifier;
openStoreDatabase('notifier_lag', 2, (opened) => {
  pool = opened.pool;
  handler = createProjectCommandHandler(opened.store);
  notifier = new Notifier(opened.pool, opened.store);
});

/**
 * Follows the feed until the lag reads 0. The feed offers an event only once every transaction older
 * than its own has ended, on the whole server: another database's long transaction can hold it back.
 */
const caughtUp = () =>
  eventually(async () => {
    await notifier.catchUp();
    return (await notifierLagSeconds(pool)) === 0;
  }, 10_000, 'the notifier at the end of the feed');

describe('the notifier lag', () => {
  it('is the age of the oldest event the notifier has not followed, and 0 once it has followed them all', async () => {
    expect(await notifierLagSeconds(pool)).toBe(0);
    const projectId = await startedProject(handler, 0);
    await caughtUp();

    // An event left behind: its age, growing, until the notifier gets past it.
    await handler.handle(projectId, { type: 'SuspendProject', data: { date: '2020-03-01', reason: 'Flooding' } }, { metadata: metadata() });
    const behind = await notifierLagSeconds(pool);
    expect(behind).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await notifierLagSeconds(pool)).toBeGreaterThanOrEqual(behind + 0.29);

    await caughtUp();
  });
});
