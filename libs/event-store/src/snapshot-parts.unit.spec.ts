import { describe, expect, it } from '@jest/globals';
import { joinParts, SnapshotParts } from './snapshot-parts.js';

const items = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => ({ id: `m-${from + index}`, value: from + index }));

describe('snapshot parts', () => {
  it('writes a long array as full parts and the items after them, and joins it back as it was', () => {
    const parts = new SnapshotParts(4);
    const state = { name: 'P', indicators: { i: { measurements: items(0, 10) }, j: { measurements: items(0, 3) } }, tags: ['a', 'b', 'c', 'd', 'e'] };
    const split = parts.split('s', state);
    // Two parts of i's measurements, one of the tags; j's three measurements stay in the text.
    expect(split.hashes).toHaveLength(3);
    expect(split.fresh.map((part) => part.hash)).toEqual(split.hashes);
    expect(split.text).not.toContain('"m-7"');
    expect(split.text).toContain('"m-8"');
    const stored = new Map(split.fresh.map((part) => [part.hash, part.items]));
    expect(joinParts(split.text, stored)).toEqual(state);
    // Without one of its parts, it cannot be read.
    stored.delete(split.hashes[0]!);
    expect(joinParts(split.text, stored)).toBeUndefined();
  });

  it('sends a part once it is stored only when it is new, and makes the same part of equal items whatever the objects', () => {
    const parts = new SnapshotParts(4);
    const log = items(0, 9);
    const first = parts.split('s', { measurements: log.slice(0, 9) });
    parts.markStored('s', first.fresh.map((part) => part.hash));
    // The log grew by three: one part more, the only one sent.
    log.push(...items(9, 12));
    const next = parts.split('s', { measurements: log.slice() });
    expect(next.hashes.slice(0, 2)).toEqual(first.hashes);
    expect(next.fresh.map((part) => part.hash)).toEqual([next.hashes[2]]);
    parts.markStored('s', [next.hashes[2]!]);
    expect(parts.split('s', { measurements: log.slice() }).fresh).toEqual([]);
    // The same items read back (other objects) make the same parts; another stream has stored none.
    expect(parts.split('s', JSON.parse(JSON.stringify({ measurements: log }))).hashes).toEqual(next.hashes);
    expect(parts.split('t', { measurements: log }).fresh).toHaveLength(3);
    // A part whose item changed (a measurement superseded) is another part; one forgotten is sent again.
    const changed = [...log.slice(0, 1), { ...log[1]!, supersededBy: 'c' }, ...log.slice(2)];
    expect(parts.split('s', { measurements: changed }).fresh).toHaveLength(1);
    parts.forget('s');
    expect(parts.split('s', { measurements: log }).fresh).toHaveLength(3);
  });

  it('remembers the parts of the streams saved most recently, a save that sent nothing new counting as one', () => {
    const parts = new SnapshotParts(4, 2);
    const state = { measurements: items(0, 4) };
    const saved = (stream: string) => parts.markStored(stream, parts.split(stream, state).fresh.map((part) => part.hash));
    saved('s');
    saved('t');
    // s again: nothing new to send, yet it is now the most recent; u then takes the place of t.
    expect(parts.split('s', state).fresh).toEqual([]);
    saved('s');
    saved('u');
    expect(parts.split('s', state).fresh).toEqual([]);
    expect(parts.split('u', state).fresh).toEqual([]);
    expect(parts.split('t', state).fresh).toHaveLength(1);
  });
});
