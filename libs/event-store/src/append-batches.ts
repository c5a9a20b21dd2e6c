/**
 * Group commit for appends: an append that arrives while another is on its way to PostgreSQL waits,
 * and every append waiting when that one comes back goes in one statement (one round trip, one
 * transaction, one commit to disk). Alone, an append goes at once, as it would without this; under
 * load, the commands of many projects share each round trip instead of queueing for connections and
 * commits of their own. Each append still succeeds or fails by itself: the batch statement moves each
 * stream's head only from the version and hash that append names.
 *
 * Only appends of one kind (one statement's shape) share a batch, and two appends to one stream never
 * do (one statement cannot move a head twice): the others wait for the next. Nothing here knows SQL;
 * `runOne` and `runMany` say how an append and a batch run.
 */
export class AppendBatches<Append extends { streamId: string; kind: string }, Outcome> {
  private waiting: Pending<Append, Outcome>[] = [];
  private sending = false;

  /**
   * @param runOne runs one append by itself.
   * @param runMany runs two or more appends on distinct streams together, an outcome for each in order;
   * what it throws fails every append of the batch, unless `retryAlone` says the batch failed as a whole
   * and stored nothing (one append's fault fails the statement), when each runs again by itself.
   * @param maxBatch most appends in one batch.
   */
  constructor(
    private readonly runOne: (append: Append) => Promise<Outcome>,
    private readonly runMany: (appends: readonly Append[]) => Promise<Outcome[]>,
    private readonly retryAlone: (error: unknown) => boolean,
    private readonly maxBatch = 64,
  ) {}

  submit(append: Append): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      this.waiting.push({ append, resolve, reject });
      this.sendNext();
    });
  }

  private sendNext(): void {
    if (this.sending || this.waiting.length === 0) return;
    const batch = this.takeBatch();
    this.sending = true;
    void this.send(batch).finally(() => {
      this.sending = false;
      this.sendNext();
    });
  }

  /**
   * The append waiting longest and those of its kind waiting longest after it, on distinct streams, up
   * to `maxBatch`; the rest keep their places.
   */
  private takeBatch(): Pending<Append, Outcome>[] {
    const batch: Pending<Append, Outcome>[] = [];
    const rest: Pending<Append, Outcome>[] = [];
    const streams = new Set<string>();
    const { kind } = this.waiting[0]!.append;
    for (const pending of this.waiting) {
      const joins = batch.length < this.maxBatch && pending.append.kind === kind && !streams.has(pending.append.streamId);
      if (joins) streams.add(pending.append.streamId);
      (joins ? batch : rest).push(pending);
    }
    this.waiting = rest;
    return batch;
  }

  private async send(batch: readonly Pending<Append, Outcome>[]): Promise<void> {
    if (batch.length === 1) return this.sendAlone(batch[0]!);
    let outcomes: Outcome[];
    try {
      outcomes = await this.runMany(batch.map((pending) => pending.append));
    } catch (error) {
      if (this.retryAlone(error)) await Promise.all(batch.map((pending) => this.sendAlone(pending)));
      else for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, index) => pending.resolve(outcomes[index]!));
  }

  private async sendAlone(pending: Pending<Append, Outcome>): Promise<void> {
    try {
      pending.resolve(await this.runOne(pending.append));
    } catch (error) {
      pending.reject(error);
    }
  }
}

interface Pending<Append, Outcome> {
  append: Append;
  resolve: (outcome: Outcome) => void;
  reject: (error: unknown) => void;
}
