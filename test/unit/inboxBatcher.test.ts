import { Batcher } from "../../src/domain/inbox/batcher";

/** A batcher that doubles numbers and records each batch it was given. */
function doubler(options: { maxItems?: number; maxWeight?: number; fail?: boolean; delayMs?: number } = {}) {
  const batches: number[][] = [];
  const batcher = new Batcher<number, number>({
    async run(items) {
      batches.push(items);
      if (options.fail) throw new Error("database gone");
      return items.map((n) => n * 2);
    },
    maxItems: options.maxItems ?? 100,
    weigh: (n) => n,
    maxWeight: options.maxWeight,
    delayMs: options.delayMs,
  });
  return { batcher, batches };
}

describe("Batcher", () => {
  it("runs the items added in one turn as one batch and gives each caller its own result", async () => {
    const { batcher, batches } = doubler();
    expect(await Promise.all([1, 2, 3].map((n) => batcher.add(n)))).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(await batcher.add(4)).toBe(8);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it("splits at maxItems and at maxWeight, never leaving an item behind", async () => {
    const byCount = doubler({ maxItems: 2 });
    expect(await Promise.all([1, 2, 3, 4, 5].map((n) => byCount.batcher.add(n)))).toEqual([2, 4, 6, 8, 10]);
    expect(byCount.batches).toEqual([[1, 2], [3, 4], [5]]);
    const byWeight = doubler({ maxWeight: 10 });
    expect(await Promise.all([4, 5, 6, 20, 1].map((n) => byWeight.batcher.add(n)))).toEqual([8, 10, 12, 40, 2]);
    expect(byWeight.batches.flat()).toEqual([4, 5, 6, 20, 1]);
    for (const batch of byWeight.batches) expect(batch.length === 1 || batch.reduce((a, b) => a + b) <= 10).toBe(true);
  });

  it("fails every caller of a batch that fails", async () => {
    const { batcher } = doubler({ fail: true });
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => batcher.add(n)));
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected", "rejected"]);
  });

  it("fails the batch when its run returns the wrong number of results", async () => {
    const batcher = new Batcher<number, number>({ run: async () => [1], maxItems: 10 });
    await expect(Promise.all([batcher.add(1), batcher.add(2)])).rejects.toThrow("1 results for 2 items");
  });

  it("drains: sends what waits at once and returns when every batch has finished", async () => {
    const { batcher, batches } = doubler();
    const settled: number[] = [];
    const pending = [7, 8].map((n) => batcher.add(n).then((r) => settled.push(r)));
    expect(batcher.busy).toBe(true);
    await batcher.drain();
    expect(settled).toEqual([14, 16]);
    expect(batches).toEqual([[7, 8]]);
    expect(batcher.busy).toBe(false);
    await Promise.all(pending);
  });

  it("with a delay, gathers items from several turns into one batch, and drain does not wait for the delay", async () => {
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const { batcher, batches } = doubler({ delayMs: 10_000 });
    const first = batcher.add(1);
    await turn();
    await turn();
    const second = batcher.add(2);
    await turn();
    expect(batches).toEqual([]);
    await batcher.drain();
    expect(await Promise.all([first, second])).toEqual([2, 4]);
    expect(batches).toEqual([[1, 2]]);
  });

  it("when hurried, sends delayed items on the next turn, including those already waiting", async () => {
    const { batcher, batches } = doubler({ delayMs: 60_000 });
    const waiting = batcher.add(1);
    const release = batcher.hurry();
    expect(await waiting).toBe(2);
    expect(await batcher.add(2)).toBe(4);
    release();
    release(); // twice is once
    expect(batches).toEqual([[1], [2]]);
    const later = batcher.add(3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toHaveLength(2); // waits for its delay again
    await batcher.drain();
    expect(await later).toBe(6);
  });
});
