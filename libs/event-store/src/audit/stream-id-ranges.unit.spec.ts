import { describe, expect, it } from '@jest/globals';
import { splitStreamIdRange } from './stream-id-ranges.js';

const at = (leading: string) => `${leading}-0000-0000-0000-000000000000`;

/** Which slice of `slices` holds `id` (from included, below excluded), by UUID text order. */
function sliceOf(slices: ReturnType<typeof splitStreamIdRange>, id: string): number[] {
  return slices.flatMap((slice, index) => ((slice.from === undefined || id >= slice.from) && (slice.below === undefined || id < slice.below) ? [index] : []));
}

describe('splitStreamIdRange', () => {
  it('cuts the whole id space into contiguous slices of equal width', () => {
    expect(splitStreamIdRange({}, 1)).toEqual([{}]);
    expect(splitStreamIdRange({}, 2)).toEqual([{ below: at('80000000') }, { from: at('80000000') }]);
    expect(splitStreamIdRange({}, 4)).toEqual([
      { below: at('40000000') },
      { from: at('40000000'), below: at('80000000') },
      { from: at('80000000'), below: at('c0000000') },
      { from: at('c0000000') },
    ]);
  });

  it('cuts a slice within its own bounds, so lanes within a thread\'s slice cover it exactly once', () => {
    const range = { from: '80000000-0000-0000-0000-000000000000', below: 'c0000000-1234-4000-8000-000000000000' };
    const lanes = splitStreamIdRange(range, 2);
    expect(lanes).toEqual([
      { from: range.from, below: at('a0000000') },
      { from: at('a0000000'), below: range.below },
    ]);
    for (const id of [range.from, '9fffffff-ffff-4fff-bfff-ffffffffffff', at('a0000000'), 'c0000000-1233-4000-8000-000000000000']) {
      expect(sliceOf(lanes, id)).toHaveLength(1);
    }
    expect(sliceOf(lanes, range.below)).toEqual([]);
    expect(sliceOf(lanes, '7fffffff-ffff-4fff-bfff-ffffffffffff')).toEqual([]);
  });

  it('covers every id exactly once whatever the number of slices', () => {
    const ids = ['00000000-0000-4000-8000-000000000000', '2a4f0c11-0000-4000-8000-000000000001', '55555555-5555-4555-9555-555555555555', 'ffffffff-ffff-4fff-bfff-ffffffffffff'];
    for (const parts of [1, 2, 3, 7, 16]) {
      const slices = splitStreamIdRange({}, parts);
      expect(slices).toHaveLength(parts);
      for (const id of ids) expect(sliceOf(slices, id)).toHaveLength(1);
    }
  });

  it('leaves a range too narrow to cut whole', () => {
    const range = { from: '12345678-0000-4000-8000-000000000000', below: '12345679-0000-4000-8000-000000000000' };
    expect(splitStreamIdRange(range, 2)).toEqual([range]);
  });
});
