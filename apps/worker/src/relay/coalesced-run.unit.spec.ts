import { describe, expect, it } from '@jest/globals';
import { CoalescedRun } from './coalesced-run.js';

/** A task whose runs are held until the spec lets each go, recording how many ran at once. */
function heldTask() {
  const releases: (() => void)[] = [];
  let active = 0;
  const state = { runs: 0, mostAtOnce: 0 };
  const task = async () => {
    state.runs++;
    active++;
    state.mostAtOnce = Math.max(state.mostAtOnce, active);
    await new Promise<void>((resolve) => releases.push(resolve));
    active--;
  };
  const releaseNext = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    releases.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { task, state, releaseNext };
}

describe('CoalescedRun', () => {
  it('serves the requests made during a run with one more run after it, never two at once', async () => {
    const { task, state, releaseNext } = heldTask();
    const run = new CoalescedRun(task);
    const settled: string[] = [];
    void run.request().then(() => settled.push('first'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.runs).toBe(1);

    // Asked three times while the first run is held: it must not count for them.
    for (const name of ['a', 'b', 'c']) void run.request().then(() => settled.push(name));
    await releaseNext();
    expect(settled).toEqual(['first']);
    expect(state.runs).toBe(2);

    await releaseNext();
    expect(settled).toEqual(['first', 'a', 'b', 'c']);
    expect(state).toEqual({ runs: 2, mostAtOnce: 1 });

    // Idle again: the next request starts a run of its own.
    const later = run.request();
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.runs).toBe(3);
    await releaseNext();
    await later;
  });

  it('goes on after a run that throws', async () => {
    let runs = 0;
    const run = new CoalescedRun(async () => {
      runs++;
      if (runs === 1) throw new Error('the first run fails');
    });
    await run.request();
    await run.request();
    expect(runs).toBe(2);
  });
});
