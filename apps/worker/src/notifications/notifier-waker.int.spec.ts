import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { type Job, Queue, Worker } from 'bullmq';
import { loadConfig } from '@app/config';
import { VersionAnnouncer, appendsChannel } from '@app/event-store';
import { eventually } from '../../../../test/support/test-environment.js';
import { NOTIFIER_JOBS, NOTIFIER_QUEUE } from './notification-queues.js';
import { FOLLOW_WINDOW, NotifierWaker } from './notifier-waker.service.js';

// The waker with the real Redis and a queue prefix of each spec's own; no notifier runs unless a spec starts one.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Harness {
  queue: Queue;
  waker: NotifierWaker;
  /** Announces one append of a project of its own (or of `projectId`), as the API does after a commit. */
  announce(projectId?: string): void;
  /** Announces an append every few milliseconds for `windows` follow windows. */
  announceFor(windows: number): Promise<void>;
  followJobsQueued(): Promise<number>;
  /** Announces until the waker has subscribed: the first announcement it hears asks for a follow job. */
  firstFollowJob(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startWaker(): Promise<Harness> {
  const config = loadConfig({ NODE_ENV: 'test', REDIS_URL, QUEUE_PREFIX: `pt_test_waker_${randomBytes(4).toString('hex')}` });
  const queue = new Queue(NOTIFIER_QUEUE, { connection: { url: REDIS_URL }, prefix: config.queuePrefix });
  const waker = new NotifierWaker(config, queue);
  const announcer = new VersionAnnouncer(REDIS_URL, appendsChannel(config.queuePrefix));
  cleanups.push(async () => {
    await waker.onApplicationShutdown();
    await announcer.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });
  await waker.onApplicationBootstrap();
  let version = 0;
  const projectId = randomUUID();
  const announce = (streamId = projectId) => announcer.announce({ streamId, version: ++version });
  const followJobsQueued = async () =>
    (await queue.getJobs(['waiting', 'delayed', 'prioritized'])).filter((job) => job.name === NOTIFIER_JOBS.follow).length;
  return {
    queue,
    waker,
    announce,
    followJobsQueued,
    async firstFollowJob() {
      await eventually(async () => {
        announce();
        return (await followJobsQueued()) > 0;
      }, 5_000, 'the first follow job');
    },
    async announceFor(windows: number) {
      const until = Date.now() + windows * FOLLOW_WINDOW.minMs;
      while (Date.now() < until) {
        announce();
        await sleep(FOLLOW_WINDOW.minMs / 4);
      }
    },
  };
}

describe('the notifier waker', () => {
  it('leaves one follow job waiting however many windows pass before the notifier takes it', async () => {
    const harness = await startWaker();
    await harness.firstFollowJob();

    await harness.announceFor(30);

    // Thirty windows' worth of appends, and the notifier has one job to run: it reads the feed to its end.
    expect(await harness.followJobsQueued()).toBe(1);
  });

  it('keeps one more follow job while one runs, to run after it, and no other', async () => {
    const harness = await startWaker();
    const started: { name: string; at: number }[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const notifier = new Worker(
      NOTIFIER_QUEUE,
      async (job: Job) => {
        started.push({ name: job.name, at: Date.now() });
        // The first follow job runs for as long as the spec holds it, as a slow notifier's does under load.
        if (job.name === NOTIFIER_JOBS.follow && started.filter((run) => run.name === NOTIFIER_JOBS.follow).length === 1) await held;
      },
      { connection: { url: REDIS_URL }, prefix: harness.queue.opts.prefix, concurrency: 1 },
    );
    cleanups.push(() => notifier.close(true));
    const follows = () => started.filter((run) => run.name === NOTIFIER_JOBS.follow);

    await eventually(async () => {
      harness.announce();
      return follows().length === 1;
    }, 5_000, 'the first follow job running');
    await harness.announceFor(20);
    expect(await harness.followJobsQueued()).toBe(0);

    const releasedAt = Date.now();
    release();
    await eventually(async () => follows().length === 2, 5_000, 'the follow job kept for after the running one');
    expect(follows()[1]!.at).toBeGreaterThanOrEqual(releasedAt);
    // Nothing else was kept: after a few more windows with no appends, no third job has run or waits.
    await sleep(3 * FOLLOW_WINDOW.maxMs);
    expect(follows()).toHaveLength(2);
    expect(await harness.followJobsQueued()).toBe(0);
  });
});

describe("the notifier waker's window", () => {
  it('grows with the rate of announcements up to its longest, and is the shortest again after a quiet spell', async () => {
    const harness = await startWaker();
    await harness.firstFollowJob();
    expect(harness.waker.currentWindowMs).toBe(FOLLOW_WINDOW.minMs);
    // Eight appends every 4 ms or so (2,000 a second; at least 800 on a slow host) for half a second, on
    // eight projects: the API announces a turn's appends of one project as one.
    const projects = Array.from({ length: 8 }, () => randomUUID());
    const until = Date.now() + 500;
    while (Date.now() < until) {
      for (const project of projects) harness.announce(project);
      await sleep(4);
    }
    await eventually(async () => harness.waker.currentWindowMs >= 80, 2_000, 'a window of 80 ms or more');
    expect(harness.waker.currentWindowMs).toBeLessThanOrEqual(FOLLOW_WINDOW.maxMs);
    // Quiet for longer than the longest window: the next announcement opens the shortest window.
    await sleep(2 * FOLLOW_WINDOW.maxMs);
    harness.announce();
    await eventually(async () => harness.waker.currentWindowMs === FOLLOW_WINDOW.minMs, 2_000, 'the shortest window again');
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
