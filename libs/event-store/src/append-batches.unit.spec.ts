import { describe, expect, it } from '@jest/globals';
import { AppendBatches } from './append-batches.js';

interface Append {
  streamId: string;
  kind: string;
}

/** Batches whose runs are recorded and finish only when the spec lets them (`finish`), in order. */
function recordedBatches(options: { maxBatch?: number; failMany?: Error; retryAlone?: boolean; failAlone?: (append: Append) => boolean } = {}) {
  const runs: string[][] = [];
  const finishers: (() => void)[] = [];
  const run = (appends: readonly Append[]) =>
    new Promise<string[]>((resolve, reject) => {
      runs.push(appends.map((append) => append.streamId));
      finishers.push(() => {
        if (appends.length > 1 && options.failMany) reject(options.failMany);
        else if (appends.length === 1 && options.failAlone?.(appends[0]!)) reject(new Error(`${appends[0]!.streamId} refused`));
        else resolve(appends.map((append) => `${append.streamId} stored`));
      });
    });
  const batches = new AppendBatches<Append, string>(
    async (append) => (await run([append]))[0]!,
    run,
    () => options.retryAlone ?? false,
    options.maxBatch,
  );
  /** Lets the oldest unfinished run finish, then lets the batches send what waits. */
  const finish = async () => {
    finishers.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, runs, finish, pending: () => finishers.length };
}

const append = (streamId: string, kind = ''): Append => ({ streamId, kind });

describe('AppendBatches', () => {
  it('sends an append alone at once, and those arriving meanwhile together once it is back, in arrival order', async () => {
    const { batches, runs, finish } = recordedBatches();
    const outcomes = ['a', 'b', 'c', 'd'].map((stream) => batches.submit(append(stream)));
    expect(runs).toEqual([['a']]);
    await finish();
    expect(runs).toEqual([['a'], ['b', 'c', 'd']]);
    await finish();
    await expect(Promise.all(outcomes)).resolves.toEqual(['a stored', 'b stored', 'c stored', 'd stored']);
  });

  it('batches only appends of the oldest waiting one\'s kind, and never two to one stream; the rest keep their order', async () => {
    const { batches, runs, finish } = recordedBatches();
    const outcomes = [append('x'), append('a'), append('b', 'key'), append('a'), append('c'), append('d', 'key')].map((one) => batches.submit(one));
    await finish();
    await finish();
    await finish();
    await finish();
    await Promise.all(outcomes);
    expect(runs).toEqual([['x'], ['a', 'c'], ['b', 'd'], ['a']]);
  });

  it('puts at most maxBatch appends in a batch', async () => {
    const { batches, runs, finish } = recordedBatches({ maxBatch: 2 });
    const outcomes = ['a', 'b', 'c', 'd', 'e'].map((stream) => batches.submit(append(stream)));
    await finish();
    await finish();
    await finish();
    await Promise.all(outcomes);
    expect(runs).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('runs each append of a failed batch again alone when the failure says nothing was stored', async () => {
    const { batches, runs, finish, pending } = recordedBatches({ failMany: new Error('one of them is at fault'), retryAlone: true, failAlone: (one) => one.streamId === 'c' });
    const outcomes = Promise.allSettled(['a', 'b', 'c', 'd'].map((stream) => batches.submit(append(stream))));
    await finish();
    await finish();
    expect(runs.slice(2)).toEqual([['b'], ['c'], ['d']]);
    while (pending() > 0) await finish();
    expect((await outcomes).map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : (outcome.reason as Error).message))).toEqual([
      'a stored',
      'b stored',
      'c refused',
      'd stored',
    ]);
  });

  it('fails every append of a batch with its error when the failure may have stored it (no retry)', async () => {
    const lost = new Error('connection lost');
    const { batches, runs, finish } = recordedBatches({ failMany: lost, retryAlone: false });
    const outcomes = Promise.allSettled(['a', 'b', 'c'].map((stream) => batches.submit(append(stream))));
    await finish();
    await finish();
    const settled = await outcomes;
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(settled.slice(1).map((outcome) => (outcome as PromiseRejectedResult).reason)).toEqual([lost, lost]);
    expect(runs).toEqual([['a'], ['b', 'c']]);
  });
});
