import { describe, expect, it } from '@jest/globals';
import { Progress } from './progress.js';

/** A stream that keeps what is written to it, a terminal or not. */
function captured(isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const stream = { isTTY, write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('Progress', () => {
  it('redraws one bar on a terminal, full at the total', () => {
    const { stream, written } = captured(true);
    const progress = new Progress('streams', 1_000, { stream });
    progress.update(500);
    progress.update(1_000);
    progress.done();
    expect(written[0]).toMatch(/^\r\[#{15}-{15}\] streams 50% 500\/1,000 events, /);
    expect(written[1]).toMatch(/^\r\[#{30}\] streams 100% 1,000\/1,000 events, /);
    expect(written[2]).toBe('\n');
  });

  it('writes lines, not a bar, elsewhere: the first, then one every few seconds and one on reaching the total', () => {
    const { stream, written } = captured(false);
    const progress = new Progress('streams', 3_000, { stream });
    progress.update(1_000);
    progress.update(2_000);
    progress.update(3_000);
    expect(written).toHaveLength(2);
    expect(written[0]).toMatch(/^streams 33% 1,000\/3,000 events, [\d,]+\/s\n$/);
    expect(written[1]).toMatch(/^streams 100% 3,000\/3,000 events, /);
  });

  it('shows an estimated total as such, and stays at 100% once the count passes it, with one line for it', () => {
    const { stream, written } = captured(false);
    const progress = new Progress('streams', 2_000, { approximate: true, stream });
    progress.update(1_000);
    progress.update(2_000);
    progress.update(2_400);
    progress.update(2_460);
    expect(written).toHaveLength(2);
    expect(written[0]).toMatch(/^streams 50% 1,000\/~2,000 events, /);
    expect(written[1]).toMatch(/^streams 100% 2,000\/~2,000 events, /);
  });
});
