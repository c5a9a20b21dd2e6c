/** One read's watch on one project's views: what readOwnWrite waits on between its looks at them. */
export interface ViewWatch {
  /**
   * Resolves once the project's views were announced updated since the watch began or since the last
   * `next` resolved, or after `ms`, or when `signal` is aborted: whichever comes first.
   */
  next(ms: number, signal: AbortSignal): Promise<void>;
  /** Ends the watch; a `next` still waiting resolves. */
  close(): void;
}

/** Where a read watches a project's views from. */
export interface ViewWatching {
  watch(projectId: string): ViewWatch;
}

/**
 * The watches of the reads waiting for their own write, by project, woken by what is heard of the views
 * (ViewUpdates feeds it the worker's announcements). A watch begins before its read first looks at the
 * views, so that an update announced between that look and the wait still wakes it.
 */
export class ViewWatches implements ViewWatching {
  private readonly watches = new Map<string, Set<ProjectViewWatch>>();

  watch(projectId: string): ViewWatch {
    const key = projectId.toLowerCase();
    const watch = new ProjectViewWatch(() => {
      const watching = this.watches.get(key);
      watching?.delete(watch);
      if (watching?.size === 0) this.watches.delete(key);
    });
    const watching = this.watches.get(key) ?? new Set();
    watching.add(watch);
    this.watches.set(key, watching);
    return watch;
  }

  /** The project's views were updated: its watches wake. */
  updated(projectId: string): void {
    for (const watch of this.watches.get(projectId.toLowerCase()) ?? []) watch.wake();
  }

  /** Something may have been missed (the announcements' subscription was lost): every watch wakes. */
  wakeAll(): void {
    for (const watching of this.watches.values()) for (const watch of watching) watch.wake();
  }

  /** How many projects are watched now. */
  get watched(): number {
    return this.watches.size;
  }
}

class ProjectViewWatch implements ViewWatch {
  /** Woken while no `next` waited: the next one resolves at once. */
  private woken = false;
  private waiting: (() => void) | undefined;

  constructor(private readonly onClose: () => void) {}

  next(ms: number, signal: AbortSignal): Promise<void> {
    if (this.woken || signal.aborted) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiting = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.waiting = done;
    });
  }

  wake(): void {
    this.woken = true;
    this.waiting?.();
  }

  close(): void {
    this.onClose();
    this.waiting?.();
  }
}
