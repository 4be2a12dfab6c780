import { SharedReads } from "../../src/http/sharedReads";

/** Every viewer of a live board on one instance shares one database read per interval. */
describe("shared reads of a live board", () => {
  let now = 0;
  const reads: number[] = [];
  const boards = new SharedReads<number, string>(async (id) => {
    reads.push(id);
    return `board ${id} read ${reads.length}`;
  }, 1000, () => now);

  it("serves many viewers of a campaign from one read, and reads again once the interval has passed", async () => {
    const viewers = await Promise.all([1, 2, 3, 4, 5].map(() => boards.get(7)));
    expect(new Set(viewers)).toEqual(new Set(["board 7 read 1"]));
    now = 999;
    expect(await boards.get(7)).toBe("board 7 read 1");
    // Another campaign is its own read.
    expect(await boards.get(8)).toBe("board 8 read 2");
    now = 1000;
    expect(await boards.get(7)).toBe("board 7 read 3");
    expect(reads).toEqual([7, 8, 7]);
  });

  it("does not share a failed read", async () => {
    let fail = true;
    const flaky = new SharedReads<number, string>(async () => {
      if (fail) throw new Error("database gone");
      return "board";
    }, 1000, () => now);
    await expect(flaky.get(1)).rejects.toThrow("database gone");
    fail = false;
    expect(await flaky.get(1)).toBe("board");
  });
});
