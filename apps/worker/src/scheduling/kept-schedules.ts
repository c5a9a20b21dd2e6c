import type { JobSchedulerTemplateOptions, Queue, RepeatOptions } from 'bullmq';

/** A BullMQ job scheduler: its fixed id, when it repeats, and the job it adds. */
export interface Schedule {
  id: string;
  repeat: Omit<RepeatOptions, 'key'>;
  job: { name: string; opts?: JobSchedulerTemplateOptions };
}

/**
 * A queue's job schedulers, kept. They live in Redis, which keeps nothing on disk here: a restart or a
 * flush loses them, and nothing would run on schedule again until a worker restarted (the audit
 * checkpoints stopped so, silently). `start` sets them (under fixed ids, so several workers share one
 * schedule, and a changed setting replaces the old one), then checks every `checkEveryMs` that they
 * are still there and sets the missing ones again.
 */
export class KeptSchedules {
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly queue: Queue,
    private readonly schedules: readonly Schedule[],
    private readonly warn: (line: string) => void,
  ) {}

  async start(checkEveryMs: number): Promise<void> {
    await this.set(this.schedules);
    this.timer = setInterval(() => void this.restore(), checkEveryMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async set(schedules: readonly Schedule[]): Promise<void> {
    for (const schedule of schedules) await this.queue.upsertJobScheduler(schedule.id, schedule.repeat, schedule.job);
  }

  private async restore(): Promise<void> {
    // With Redis out of reach a check waits for it; one waiting is enough.
    if (this.checking) return;
    this.checking = true;
    try {
      const present = await Promise.all(this.schedules.map((schedule) => this.queue.getJobScheduler(schedule.id)));
      const missing = this.schedules.filter((_, index) => present[index] === undefined);
      if (missing.length > 0) {
        this.warn(`job schedulers missing from Redis (restarted or flushed?): ${missing.map((schedule) => schedule.id).join(', ')}; setting them again`);
        await this.set(missing);
      }
    } catch (error) {
      this.warn(`cannot check the job schedulers: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.checking = false;
    }
  }
}
