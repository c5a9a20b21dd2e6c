import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { expect, it } from '@jest/globals';
import { loadConfig } from '@app/config';
import { VersionAnnouncer } from '@app/event-store';
import { viewUpdatesChannel } from '@app/read-models';
import { ViewUpdates } from './view-updates.service.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("wakes a read watching a project when the worker announces that project's views updated, on its deployment's channel only", async () => {
  const config = loadConfig({ NODE_ENV: 'test', REDIS_URL, QUEUE_PREFIX: `pt_test_views_${randomBytes(4).toString('hex')}` });
  const otherChannel = viewUpdatesChannel(`${config.queuePrefix}_other`);
  const updates = new ViewUpdates(config);
  const worker = new VersionAnnouncer(REDIS_URL, viewUpdatesChannel(config.queuePrefix));
  const otherDeployment = new VersionAnnouncer(REDIS_URL, otherChannel);
  const otherListener = new Redis(REDIS_URL);
  updates.onModuleInit();
  try {
    // Each watch's look waits far longer than the spec's timeout unless an announcement wakes it.
    const [mine, elsewhere] = [randomUUID(), randomUUID()];
    const elsewhereWatch = updates.watch(elsewhere);
    let elsewhereWoken = false;
    void elsewhereWatch.next(60_000, new AbortController().signal).then(() => (elsewhereWoken = true));
    // The other deployment's worker announces that project until its own channel carries it.
    let otherHeard = 0;
    otherListener.on('message', () => otherHeard++);
    await otherListener.subscribe(otherChannel);
    for (let version = 1; otherHeard === 0; version++) {
      otherDeployment.announce({ streamId: elsewhere, version });
      await sleep(50);
    }

    // Announcers connect in the background and drop what is announced before: announce until heard.
    const watch = updates.watch(mine);
    let woken = false;
    for (let version = 1; !woken; version++) {
      const next = watch.next(60_000, new AbortController().signal).then(() => (woken = true));
      worker.announce({ streamId: mine, version });
      await Promise.race([next, sleep(50)]);
    }
    // Subscribed now: the other deployment announces once more, and its channel carries it.
    const heardBefore = otherHeard;
    for (let version = 1_000; otherHeard === heardBefore; version++) {
      otherDeployment.announce({ streamId: elsewhere, version });
      await sleep(50);
    }
    await sleep(50);
    expect({ woken, elsewhereWoken }).toEqual({ woken: true, elsewhereWoken: false });
    elsewhereWatch.close();
    watch.close();
  } finally {
    otherListener.disconnect();
    await Promise.all([updates.onApplicationShutdown(), worker.close(), otherDeployment.close()]);
  }
});
