import { describe, expect, it } from '@jest/globals';
import { VersionsInFlight } from './versions-in-flight.js';

/** A VersionsInFlight on a clock the test moves. */
function inFlight(forMs: number) {
  let now = 1_000;
  const versions = new VersionsInFlight(forMs, () => now);
  return { versions, advance: (ms: number) => (now += ms) };
}

const lagging = (streamId: string, version: number) => ({ streamId, version });

describe('VersionsInFlight', () => {
  it('covers a project behind by no more than the version a recent batch carries', () => {
    const { versions } = inFlight(1_000);
    versions.carry([lagging('p', 10), lagging('q', 3)]);
    expect(versions.covers(lagging('p', 9))).toBe(true);
    expect(versions.covers(lagging('p', 10))).toBe(true);
    // Appended after the batch left, and announced to no one here: a job of its own.
    expect(versions.covers(lagging('p', 11))).toBe(false);
    expect(versions.covers(lagging('r', 1))).toBe(false);
  });

  it('stops covering a version carried longer ago than its interval, so the reconcile offers it again', () => {
    const { versions, advance } = inFlight(1_000);
    versions.carry([lagging('p', 10)]);
    advance(1_000);
    expect(versions.covers(lagging('p', 10))).toBe(true);
    advance(1);
    expect(versions.covers(lagging('p', 10))).toBe(false);
  });

  it('keeps the highest version carried, from the latest batch', () => {
    const { versions, advance } = inFlight(1_000);
    versions.carry([lagging('p', 10)]);
    advance(900);
    // A batch that left later with an older version (reordered) does not lower what is carried.
    versions.carry([lagging('p', 8)]);
    advance(900);
    expect(versions.covers(lagging('p', 10))).toBe(true);
  });

  it('matches project ids whatever their case (PostgreSQL writes uuids in lower case)', () => {
    const { versions } = inFlight(1_000);
    versions.carry([lagging('AB12', 4)]);
    expect(versions.covers(lagging('ab12', 4))).toBe(true);
  });

  it('forgets, when pruned, only what no longer covers anything', () => {
    const { versions, advance } = inFlight(1_000);
    versions.carry([lagging('old', 1)]);
    advance(600);
    versions.carry([lagging('new', 1)]);
    advance(500);
    versions.prune();
    expect(versions.size).toBe(1);
    expect(versions.covers(lagging('new', 1))).toBe(true);
  });
});
