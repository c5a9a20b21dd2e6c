import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { AppendNotice } from '@app/event-store';
import type { ProjectionJob } from '@app/read-models';
import { PROJECTS_PER_BATCH, QUIET_SPELL_MS, SyncWindow } from './sync-window.js';

interface Departure {
  at: number;
  jobs: ProjectionJob[];
  notices: AppendNotice[];
}

function windowOf(minMs: number, maxMs = minMs) {
  const departures: Departure[] = [];
  const start = performance.now();
  const window = new SyncWindow({ minMs, maxMs }, (jobs, notices) => departures.push({ at: performance.now() - start, jobs, notices }));
  return { window, departures };
}

/**
 * The window keeps time with performance.now(), setTimeout and setImmediate, all faked here: a spec's
 * pauses are exact, whatever else the machine runs (a process held off its core for 30 ms would have
 * looked like a quiet spell to the window, and left early).
 */
const sleep = (ms: number) => jest.advanceTimersByTimeAsync(ms);
/** One turn of the event loop: what setImmediate scheduled runs. */
const turn = () => jest.advanceTimersByTimeAsync(0);

const notice = (streamId: string, version: number, recordedAt?: number): AppendNotice => ({ streamId, version, ...(recordedAt ? { recordedAt } : {}) });

/** Eight announcements every 4 ms (2,000 a second), on 16 projects, for `ms` milliseconds; resolves to the last version announced. */
async function announceUnderLoad(window: SyncWindow, ms: number): Promise<number> {
  const until = performance.now() + ms;
  let version = 0;
  while (performance.now() < until) {
    version += 1;
    for (let n = 0; n < 8; n += 1) window.offer(notice(`p${(version * 8 + n) % 16}`, version));
    await sleep(4);
  }
  return version;
}

describe('SyncWindow', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('sends the first announcement after a quiet spell at the end of its turn, without waiting for the window', async () => {
    const { window, departures } = windowOf(60_000);
    window.offer(notice('a', 1));
    window.offer(notice('b', 1));
    expect(departures).toEqual([]);
    await turn();
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
    await turn();
    window.offer(notice('a', 3, 1003));
    window.offer(notice('b', 7, 1004));
    window.offer(notice('a', 2, 1002));
    await sleep(50);
    expect(departures).toHaveLength(1);
    await sleep(200);
    expect(departures).toHaveLength(2);
    const second = departures[1]!;
    expect(second.at - departures[0]!.at).toBe(150);
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
    await turn();
    expect(departures.map((d) => d.jobs.length)).toEqual([PROJECTS_PER_BATCH, PROJECTS_PER_BATCH, 3]);
    expect(departures.flatMap((d) => d.jobs.map((j) => j.streamId))).toEqual(projects);
  });

  it('sends what waits at once when flushed, and nothing after', async () => {
    const { window, departures } = windowOf(1000);
    window.offer(notice('a', 1));
    await turn();
    window.offer(notice('b', 2));
    window.flush();
    expect(departures.map((d) => d.jobs)).toEqual([[{ streamId: 'a', version: 1 }], [{ streamId: 'b', version: 2 }]]);
    await sleep(20);
    expect(departures).toHaveLength(2);
  });

  it('lengthens the window with the rate of announcements, within its bounds, and starts short again after a quiet spell', async () => {
    const { window, departures } = windowOf(10, 100);
    expect(window.currentWindowMs).toBe(10);
    await announceUnderLoad(window, 600);
    // Each departure carries the window's announcements: far more per job than a 10 ms window would.
    expect(window.currentWindowMs).toBeGreaterThan(40);
    const settled = departures.slice(-3, -1);
    for (const [before, after] of settled.slice(1).map((d, n) => [settled[n]!, d] as const)) {
      expect(after.at - before.at).toBeGreaterThan(40);
    }
    expect(Math.min(...settled.map((d) => d.notices.length))).toBeGreaterThan(20);
    // Once the load ends, the first announcement after the window leaves at once, and the window is short again.
    await sleep(150);
    const before = departures.length;
    window.offer(notice('quiet', 1));
    await turn();
    expect(departures).toHaveLength(before + 1);
    expect(window.currentWindowMs).toBe(10);
  });

  it(`sends the first announcement after ${QUIET_SPELL_MS} ms without any at once, though the window since the last departure has not passed`, async () => {
    const { window, departures } = windowOf(200);
    const until = async (count: number) => {
      while (departures.length < count) await sleep(1);
    };
    window.offer(notice('a', 1));
    await until(1);
    // Within the load: an announcement 5 ms after the last one waits for the window to end.
    await sleep(5);
    window.offer(notice('a', 2));
    await sleep(QUIET_SPELL_MS + 10);
    expect(departures).toHaveLength(1);
    await until(2);
    expect(departures[1]!.at - departures[0]!.at).toBe(200);
    // The load is over: the next announcement comes well within the window after that departure, yet
    // more than a quiet spell after the last announcement, and leaves one turn later.
    await sleep(QUIET_SPELL_MS + 10);
    window.offer(notice('a', 3));
    await turn();
    expect(departures).toHaveLength(3);
    expect(departures[2]!.jobs).toEqual([{ streamId: 'a', version: 3 }]);
  });

  it('keeps the window a load lengthened when announcements held back by a busy event loop arrive together after a quiet spell', async () => {
    const { window, departures } = windowOf(10, 100);
    const version = await announceUnderLoad(window, 300);
    expect(window.currentWindowMs).toBeGreaterThan(40);
    // The worker had no core for longer than the longest window (so no departure of the load is still
    // pending, wherever the load's last window ended); what was announced meanwhile comes in one turn
    // and leaves at once.
    await sleep(Math.max(QUIET_SPELL_MS, 100) + 10);
    const before = departures.length;
    for (let n = 0; n < 400; n += 1) window.offer(notice(`p${n % 16}`, version + 1 + n));
    await turn();
    expect(departures).toHaveLength(before + 1);
    // Hundreds of announcements since the last departure: the load goes on, and so does the long window.
    expect(window.currentWindowMs).toBeGreaterThan(40);
  });

  it('tells whether a project waits in the window, and not once it has left', async () => {
    const { window } = windowOf(150);
    window.offer(notice('a', 1));
    await turn();
    window.offer(notice('a', 2));
    expect(window.holds('a')).toBe(true);
    expect(window.holds('b')).toBe(false);
    window.flush();
    expect(window.holds('a')).toBe(false);
  });
});
