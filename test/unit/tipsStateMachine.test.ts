import { nextTipState } from "../../src/domain/tips/stateMachine";
import { newPseudonym } from "../../src/domain/tips/pseudonym";
import { summaryOf } from "../../src/domain/tips";

const tip = (state: "received" | "verifying" | "closed" | "rejected", extra: Partial<Parameters<typeof nextTipState>[0]> = {}) => ({ state, result: null, rewardState: null, ...extra });

describe("tip state machine", () => {
  it("goes received → verifying → closed, or to rejected from either open state", () => {
    expect(nextTipState(tip("received"), "accept")).toBe("verifying");
    expect(nextTipState(tip("verifying"), "assign")).toBe("verifying");
    expect(nextTipState(tip("verifying"), "close")).toBe("closed");
    expect(nextTipState(tip("received"), "reject")).toBe("rejected");
    expect(nextTipState(tip("verifying"), "reject")).toBe("rejected");
  });

  it("says in Chinese why a step is not possible", () => {
    expect(() => nextTipState(tip("received"), "close")).toThrow("该举报当前为「待受理」，不能办结：只有「核查中」的举报可以办结");
    expect(() => nextTipState(tip("closed"), "reject")).toThrow("只有「待受理」或「核查中」的举报可以不予受理");
    expect(() => nextTipState(tip("closed", { result: "unsubstantiated" }), "reward")).toThrow("只有核查属实的举报才能给予奖励");
    expect(() => nextTipState(tip("closed", { result: "substantiated", rewardState: "pending" }), "reward")).toThrow("不能重复决定");
    expect(nextTipState(tip("closed", { result: "substantiated", rewardState: "pending" }), "reward_approve")).toBe("closed");
    expect(() => nextTipState(tip("closed", { result: "substantiated", rewardState: "pending" }), "reward_paid")).toThrow("该举报的奖励尚未审批");
    expect(nextTipState(tip("closed", { result: "substantiated", rewardState: "approved" }), "reward_paid")).toBe("closed");
  });
});

describe("what handlers and notices see of a tip", () => {
  it("calls the tipster by a fresh random pseudonym without look-alike characters", () => {
    const names = Array.from({ length: 200 }, newPseudonym);
    for (const n of names) expect(n).toMatch(/^举报人-[34679ACDEFGHJKMNPQRTUVWXY]{4}$/);
    expect(new Set(names).size).toBeGreaterThan(190);
  });

  it("summarises content on one line, cut at 60 characters", () => {
    expect(summaryOf("  仓库\n动火  ")).toBe("仓库 动火");
    expect(summaryOf("字".repeat(61))).toBe(`${"字".repeat(60)}…`);
  });
});
