import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ViewWatches } from './view-watches.js';

// What settles first: the watch's next(), or a marker some time later.
async function settlesFirst(next: Promise<void>, markerMs: number): Promise<'next' | 'marker'> {
  let timer: NodeJS.Timeout | undefined;
  const marker = new Promise<'marker'>((resolve) => (timer = setTimeout(() => resolve('marker'), markerMs)));
  try {
    return await Promise.race([next.then(() => 'next' as const), marker]);
  } finally {
    clearTimeout(timer);
  }
}

const never = () => new AbortController().signal;

describe('ViewWatches', () => {
  it('wakes a waiting watch when its project is updated, whatever the case of its id, and not one of another project', async () => {
    const views = new ViewWatches();
    const [mine, other] = [randomUUID(), randomUUID()];
    const watch = views.watch(mine);
    const bystander = views.watch(other);
    const waiting = watch.next(60_000, never());
    const bystanding = bystander.next(60_000, never());
    views.updated(mine.toUpperCase());
    expect(await settlesFirst(waiting, 1_000)).toBe('next');
    expect(await settlesFirst(bystanding, 100)).toBe('marker');
    bystander.close();
    watch.close();
    expect(await settlesFirst(bystanding, 1_000)).toBe('next');
  });

  it('remembers an update heard while no next() waited, once', async () => {
    const views = new ViewWatches();
    const projectId = randomUUID();
    const watch = views.watch(projectId);
    views.updated(projectId);
    views.updated(projectId);
    expect(await settlesFirst(watch.next(60_000, never()), 1_000)).toBe('next');
    expect(await settlesFirst(watch.next(60_000, never()), 100)).toBe('marker');
    watch.close();
  });

  it('resolves after its time, or when aborted, with no update', async () => {
    const views = new ViewWatches();
    const watch = views.watch(randomUUID());
    const started = performance.now();
    await watch.next(50, never());
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    const gone = new AbortController();
    const waiting = watch.next(60_000, gone.signal);
    gone.abort();
    expect(await settlesFirst(waiting, 1_000)).toBe('next');
    expect(await settlesFirst(watch.next(60_000, gone.signal), 1_000)).toBe('next');
    watch.close();
  });

  it('wakes every watch at wakeAll(), and forgets a project once its last watch closes', async () => {
    const views = new ViewWatches();
    const [a, b] = [randomUUID(), randomUUID()];
    const watches = [views.watch(a), views.watch(a), views.watch(b)];
    expect(views.watched).toBe(2);
    const waiting = watches.map((watch) => watch.next(60_000, never()));
    views.wakeAll();
    expect(await Promise.all(waiting.map((next) => settlesFirst(next, 1_000)))).toEqual(['next', 'next', 'next']);
    watches[0]!.close();
    expect(views.watched).toBe(2);
    watches[1]!.close();
    watches[2]!.close();
    expect(views.watched).toBe(0);
  });
});
