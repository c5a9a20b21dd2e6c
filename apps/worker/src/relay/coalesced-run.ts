/**
 * A task that runs one at a time, where a request made while it runs is served by one more run after
 * it, however many requests came meanwhile: for a reconcile, which must see everything committed before
 * it was asked for (a run already past its read would not), and which gains nothing from running twice.
 */
export class CoalescedRun {
  private running = false;
  private again = false;
  private waiting: (() => void)[] = [];

  /** What the task throws is the task's to report: a run that throws is over all the same. */
  constructor(private readonly task: () => Promise<void>) {}

  /** Resolves once a run that started after this request has ended. */
  request(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (this.running) this.again = true;
      else void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    do {
      this.again = false;
      const served = this.waiting.splice(0);
      await this.task().catch(() => undefined);
      for (const resolve of served) resolve();
    } while (this.again);
    this.running = false;
  }
}
