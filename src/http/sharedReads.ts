/**
 * One read per key per interval, however many ask: every viewer of a live board on this instance
 * shares the database read of that board instead of making its own. The read goes to the database
 * (not to this process's memory), so what another instance stored reaches every viewer.
 */
export class SharedReads<K, V> {
  private readonly reads = new Map<K, { at: number; value: Promise<V> }>();

  /**
   * @param read the read itself (e.g. one 叫应 board)
   * @param freshMs how long a read serves later askers
   * @param now wall-clock milliseconds (a socket-level interval, not a business time); tests pass their own
   */
  constructor(
    private readonly read: (key: K) => Promise<V>,
    private readonly freshMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K): Promise<V> {
    const now = this.now();
    for (const [k, r] of this.reads) if (now - r.at >= this.freshMs) this.reads.delete(k);
    const known = this.reads.get(key);
    if (known) return known.value;
    const value = this.read(key);
    this.reads.set(key, { at: now, value });
    // A failed read is not shared: the next asker tries again.
    value.catch(() => {
      if (this.reads.get(key)?.value === value) this.reads.delete(key);
    });
    return value;
  }
}
