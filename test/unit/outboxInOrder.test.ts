import type { ClaimedGroup } from "../../src/outbox/claim";
import { sendInOrder } from "../../src/outbox/inOrder";
import type { Lane } from "../../src/domain/outbox/lanes";

/** A claimed group of message `id` to `recipients` on WeChat Work. */
function group(id: number, lane: Lane, ...recipients: string[]): ClaimedGroup {
  return { messageId: id, channel: "wecom", lane, resend: false, payload: "{}", rows: recipients.map((r, i) => ({ id: id * 100 + i, recipient: r, lane, attempts: 0, giveUpAt: null })) };
}

/**
 * A sender whose calls finish only when the test says so; it records when each group started
 * and finished, and how many were under way at once.
 */
function controlledSender() {
  const events: string[] = [];
  const pending = new Map<number, () => void>();
  let running = 0;
  let most = 0;
  const send = (g: ClaimedGroup) => {
    events.push(`start ${g.messageId}`);
    running += 1;
    most = Math.max(most, running);
    return new Promise<void>((resolve) =>
      pending.set(g.messageId, () => {
        running -= 1;
        events.push(`end ${g.messageId}`);
        resolve();
      }),
    );
  };
  const finish = async (id: number) => {
    const done = pending.get(id);
    if (!done) throw new Error(`message ${id} was not being sent (${events.join(", ")})`);
    pending.delete(id);
    done();
    await settle();
  };
  return { events, send, finish, started: () => [...pending.keys()], most: () => most };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("outbox: a claim's groups sent several at a time", () => {
  it("sends different people's messages at once, but one person's strictly in claim order", async () => {
    const s = controlledSender();
    const all = sendInOrder([group(1, "reply", "zhangsan"), group(2, "reply", "lisi"), group(3, "reply", "ZhangSan"), group(4, "reply", "wangwu")], 8, s.send);
    await settle();
    // 3 goes to 1's recipient (account ids compare without case): it waits; the others go at once.
    expect(s.started().sort()).toEqual([1, 2, 4]);
    await s.finish(2);
    await s.finish(4);
    expect(s.started()).toEqual([1]);
    await s.finish(1);
    expect(s.started()).toEqual([3]);
    await s.finish(3);
    await all;
    expect(s.events.indexOf("end 1")).toBeLessThan(s.events.indexOf("start 3"));
  });

  it("keeps no more than the limit under way, starting the waiting in claim order", async () => {
    const s = controlledSender();
    const all = sendInOrder([1, 2, 3, 4, 5].map((id) => group(id, "reply", `u${id}`)), 2, s.send);
    await settle();
    expect(s.started()).toEqual([1, 2]);
    await s.finish(2);
    expect(s.started()).toEqual([1, 3]);
    await s.finish(1);
    expect(s.started()).toEqual([3, 4]);
    await s.finish(3);
    expect(s.started()).toEqual([4, 5]);
    await s.finish(4);
    await s.finish(5);
    await all;
    expect(s.most()).toBe(2);
  });

  it("finishes a higher lane before starting a lower one (叫应 cards before replies before routine)", async () => {
    const s = controlledSender();
    const all = sendInOrder([group(1, "callout", "a"), group(2, "callout", "b"), group(3, "reply", "c"), group(4, "routine", "d")], 8, s.send);
    await settle();
    expect(s.started().sort()).toEqual([1, 2]);
    await s.finish(1);
    expect(s.started()).toEqual([2]);
    await s.finish(2);
    expect(s.started()).toEqual([3]);
    await s.finish(3);
    expect(s.started()).toEqual([4]);
    await s.finish(4);
    await all;
  });

  it("a group sent to many people waits for each of them, and one that failed does not stop the rest", async () => {
    const events: string[] = [];
    const groups = [group(1, "reply", "a"), group(2, "reply", "b", "c"), group(3, "reply", "a", "c")];
    await sendInOrder(groups, 8, async (g) => {
      events.push(`start ${g.messageId}`);
      await settle();
      events.push(`end ${g.messageId}`);
      if (g.messageId === 1) throw new Error("platform down");
    });
    expect(events.indexOf("start 3")).toBeGreaterThan(events.indexOf("end 1"));
    expect(events.indexOf("start 3")).toBeGreaterThan(events.indexOf("end 2"));
    expect(events).toContain("end 3");
  });
});
