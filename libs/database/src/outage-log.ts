/** Where an OutageLog writes its lines. */
export interface OutageLogSink {
  warn(line: string): void;
  info(line: string): void;
}

/** While a dependency stays out of reach, one line this often says how many failures were left unsaid. */
export const OUTAGE_REPORT_EVERY_MS = 30_000;

/**
 * The log of a dependency that fails and is retried (Redis for the worker's queues, PostgreSQL for the
 * API's LISTEN connection): the first failure is said at once, then one line every half minute with
 * the count of those left unsaid, and one when it answers again. A line per retry would be thousands an
 * hour for the length of an outage, burying everything else.
 */
export class OutageLog {
  private unsaid = 0;
  private lastReport = 0;
  private down = false;

  constructor(
    private readonly sink: OutageLogSink,
    private readonly clock: () => number = Date.now,
  ) {}

  failed(line: string): void {
    const now = this.clock();
    if (this.down && now - this.lastReport < OUTAGE_REPORT_EVERY_MS) {
      this.unsaid++;
      return;
    }
    const more = this.unsaid > 0 ? ` (${this.unsaid} more errors since the last line)` : '';
    this.sink.warn(`${line}${more}`);
    this.down = true;
    this.unsaid = 0;
    this.lastReport = now;
  }

  /** `line` is said only after a failure: a dependency that never failed needs no news. */
  answered(line: string): void {
    if (!this.down) return;
    this.down = false;
    this.sink.info(`${line}${this.unsaid > 0 ? ` (${this.unsaid} more errors while it did not)` : ''}`);
    this.unsaid = 0;
  }
}
