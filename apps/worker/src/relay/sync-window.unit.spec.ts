import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import type { AppendNotice } from '@app/event-store';
import type { ProjectionJob } from '@app/read-models';
import { PROJECTS_PER_BATCH, SyncWindow } from './sync-window.js';

interface Departure {
  at: number;
  jobs: ProjectionJob[];
  notices: AppendNotice[];
}

function windowOf(windowMs: number) {
  const departures: Departure[] = [];
  const start = performance.now();
  const window = new SyncWindow(windowMs, (jobs, notices) => departures.push({ at: performance.now() - start, jobs, notices }));
  return { window, departures };
}

const notice = (streamId: string, version: number, recordedAt?: number): AppendNotice => ({ streamId, version, ...(recordedAt ? { recordedAt } : {}) });

describe('SyncWindow', () => {
  it('sends the first announcement after a quiet spell at the end of its turn, without waiting for the window', async () => {
    const { window, departures } = windowOf(60_000);
    window.offer(notice('a', 1));
    window.offer(notice('b', 1));
    expect(departures).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    // One turn of the event loop later, with a window of a minute: it did not wait for the window.
    expect(departures).toHaveLength(1);
    expect(departures[0]!.jobs).toEqual([
      { streamId: 'a', version: 1 },
      { streamId: 'b', version: 1 },
    ]);
  });

  it('gathers what is announced within the window into one departure, each project once at its latest version', async () => {
    const { window, departures } = windowOf(150);
    window.offer(notice('a', 1, 1000));
    await new Promise((resolve) => setImmediate(resolve));
    window.offer(notice('a', 3, 1003));
    window.offer(notice('b', 7, 1004));
    window.offer(notice('a', 2, 1002));
    await sleep(50);
    expect(departures).toHaveLength(1);
    await sleep(200);
    expect(departures).toHaveLength(2);
    const second = departures[1]!;
    expect(second.at - departures[0]!.at).toBeGreaterThanOrEqual(140);
    expect(second.jobs).toEqual([
      { streamId: 'a', version: 3 },
      { streamId: 'b', version: 7 },
    ]);
    expect(second.notices.map((n) => n.recordedAt).sort()).toEqual([1002, 1003, 1004]);
  });

  it(`splits a burst of more than ${PROJECTS_PER_BATCH} projects into several departures`, async () => {
    const { window, departures } = windowOf(10);
    const projects = Array.from({ length: PROJECTS_PER_BATCH * 2 + 3 }, (_, n) => `p${n}`);
    for (const streamId of projects) window.offer(notice(streamId, 1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(departures.map((d) => d.jobs.length)).toEqual([PROJECTS_PER_BATCH, PROJECTS_PER_BATCH, 3]);
    expect(departures.flatMap((d) => d.jobs.map((j) => j.streamId))).toEqual(projects);
  });

  it('sends what waits at once when flushed, and nothing after', async () => {
    const { window, departures } = windowOf(1000);
    window.offer(notice('a', 1));
    await new Promise((resolve) => setImmediate(resolve));
    window.offer(notice('b', 2));
    window.flush();
    expect(departures.map((d) => d.jobs)).toEqual([[{ streamId: 'a', version: 1 }], [{ streamId: 'b', version: 2 }]]);
    await sleep(20);
    expect(departures).toHaveLength(2);
  });
});
