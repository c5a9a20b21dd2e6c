/**
 * Progress of a long run on stderr: a redrawn bar on a terminal, a line every few seconds otherwise
 * (CI logs), so stdout keeps only the verdict.
 */
export class Progress {
  private readonly started = Date.now();
  private lastLine = 0;
  private reachedTotal = false;

  /** An `approximate` total (an estimate) is shown as such, and the count may pass it. */
  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly options: { approximate?: boolean; stream?: NodeJS.WriteStream } = {},
  ) {}

  private get stream(): NodeJS.WriteStream {
    return this.options.stream ?? process.stderr;
  }

  update(done: number): void {
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = elapsed > 0 ? Math.round(done / elapsed) : 0;
    const share = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const total = `${this.options.approximate ? '~' : ''}${this.total.toLocaleString('en')}`;
    const text = `${this.label} ${Math.round(share * 100)}% ${done.toLocaleString('en')}/${total} events, ${rate.toLocaleString('en')}/s`;
    if (this.stream.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      this.stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`);
    } else if (Date.now() - this.lastLine > 2_000 || (done >= this.total && !this.reachedTotal)) {
      this.lastLine = Date.now();
      this.reachedTotal ||= done >= this.total;
      this.stream.write(`${text}\n`);
    }
  }

  done(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
