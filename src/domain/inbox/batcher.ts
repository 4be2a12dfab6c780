/**
 * Gathers the calls made in one turn of the event loop and runs them as one piece of work: the
 * callbacks that reach the inbox together share one statement (and one commit) instead of paying
 * a round trip and a redo-log flush each. A batch goes out on the next `setImmediate` (or after
 * `delayMs`), or at once when it reaches `maxItems` items or `maxWeight` (bytes, say). Every caller gets its own result
 * once the whole batch has run, and every caller of a batch that fails gets the failure.
 */
export interface BatcherOptions<T, R> {
  /** Runs one batch; returns one result per item, in order. */
  run(items: T[]): Promise<R[]>;
  maxItems: number;
  /** What an item counts against `maxWeight`; 1 each by default. */
  weigh?(item: T): number;
  maxWeight?: number;
  /**
   * Waits this long for more items instead of one turn of the event loop: for work nobody waits
   * on, where bigger batches mean fewer round trips. `drain` sends it at once all the same.
   */
  delayMs?: number;
}

interface Waiting<T, R> {
  item: T;
  weight: number;
  resolve(result: R): void;
  reject(err: unknown): void;
}

export class Batcher<T, R> {
  private queue: Waiting<T, R>[] = [];
  private weight = 0;
  private cancelTimer: (() => void) | undefined;
  private readonly running = new Set<Promise<void>>();
  private readonly maxWeight: number;
  /** Drains under way: meanwhile nothing waits for `delayMs`. */
  private draining = 0;

  constructor(private readonly o: BatcherOptions<T, R>) {
    this.maxWeight = o.maxWeight ?? Infinity;
  }

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const weight = this.o.weigh?.(item) ?? 1;
      this.queue.push({ item, weight, resolve, reject });
      this.weight += weight;
      this.schedule();
    });
  }

  /**
   * Sends what is queued now and waits until every batch has finished, including those of items
   * added meanwhile (which go out on the next turn, not after `delayMs`).
   */
  async drain(): Promise<void> {
    const release = this.hurry();
    try {
      while (this.queue.length > 0 || this.running.size > 0) {
        this.flush();
        await Promise.allSettled([...this.running]);
      }
    } finally {
      release();
    }
  }

  /** Until the returned function is called, items go out on the next turn instead of after `delayMs`. */
  hurry(): () => void {
    this.draining++;
    if (this.cancelTimer) {
      this.cancelTimer();
      this.cancelTimer = undefined;
      this.schedule();
    }
    let released = false;
    return () => {
      if (!released) this.draining--;
      released = true;
    };
  }

  /** True while items wait or a batch runs. */
  get busy(): boolean {
    return this.queue.length > 0 || this.running.size > 0;
  }

  private schedule(): void {
    if (this.queue.length === 0) return;
    if (this.queue.length >= this.o.maxItems || this.weight >= this.maxWeight) this.flush();
    else if (!this.cancelTimer) this.cancelTimer = this.startTimer();
  }

  private startTimer(): () => void {
    if (this.o.delayMs === undefined || this.draining > 0) {
      const immediate = setImmediate(() => this.flush());
      return () => clearImmediate(immediate);
    }
    const timeout = setTimeout(() => this.flush(), this.o.delayMs);
    return () => clearTimeout(timeout);
  }

  private flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.queue.length === 0) return;
    // As many as fit (always at least one); the rest wait for the next batch.
    let count = 0;
    let weight = 0;
    while (count < this.queue.length && count < this.o.maxItems) {
      const next = (this.queue[count] as Waiting<T, R>).weight;
      if (count > 0 && weight + next > this.maxWeight) break;
      weight += next;
      count++;
    }
    const batch = this.queue.splice(0, count);
    this.weight -= weight;
    const done = this.execute(batch);
    this.running.add(done);
    void done.finally(() => this.running.delete(done));
    this.schedule();
  }

  private async execute(batch: Waiting<T, R>[]): Promise<void> {
    let results: R[];
    try {
      results = await this.o.run(batch.map((w) => w.item));
      if (results.length !== batch.length) throw new Error(`batch returned ${results.length} results for ${batch.length} items`);
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i] as R));
  }
}
