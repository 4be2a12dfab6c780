import { ManualClock } from "../../src/clock";
import { deferForQuietHours, nextShanghaiMidnight, parseQuietHours, quietUntil } from "../../src/domain/outbox/quietHours";

// Shanghai is UTC+8: 21:00 there is 13:00Z, 08:00 is 00:00Z.
describe("outbox quiet hours (Asia/Shanghai)", () => {
  const night = parseQuietHours("21:00-08:00");

  it("parses HH:MM-HH:MM", () => {
    expect(night).toEqual({ startMinute: 21 * 60, endMinute: 8 * 60 });
    expect(() => parseQuietHours("9-5")).toThrow();
  });

  it("knows when a quiet night ends, before and after midnight", () => {
    const clock = new ManualClock("2026-01-05T12:59:59.999Z"); // 20:59:59.999
    expect(quietUntil(clock.now(), night)).toBeNull();
    clock.advance(1); // 21:00 sharp is quiet
    expect(quietUntil(clock.now(), night)).toEqual(new Date("2026-01-06T00:00:00Z"));
    clock.set("2026-01-05T15:59:00Z"); // 23:59
    expect(quietUntil(clock.now(), night)).toEqual(new Date("2026-01-06T00:00:00Z"));
    clock.set("2026-01-05T16:00:00Z"); // 00:00 on the 6th
    expect(quietUntil(clock.now(), night)).toEqual(new Date("2026-01-06T00:00:00Z"));
    clock.set("2026-01-05T23:59:59.999Z"); // 07:59:59.999
    expect(quietUntil(clock.now(), night)).toEqual(new Date("2026-01-06T00:00:00Z"));
    clock.set("2026-01-06T00:00:00Z"); // 08:00 sharp is working time
    expect(quietUntil(clock.now(), night)).toBeNull();
  });

  it("handles a quiet span inside one day and an empty one", () => {
    const lunch = parseQuietHours("12:00-13:30");
    expect(quietUntil(new Date("2026-01-05T04:15:00Z"), lunch)).toEqual(new Date("2026-01-05T05:30:00Z"));
    expect(quietUntil(new Date("2026-01-05T05:30:00Z"), lunch)).toBeNull();
    expect(quietUntil(new Date("2026-01-05T14:00:00Z"), parseQuietHours("00:00-00:00"))).toBeNull();
  });

  it("defers routine messages only", () => {
    const at = new Date("2026-01-05T14:30:00Z"); // 22:30
    expect(deferForQuietHours(at, "routine", night)).toEqual(new Date("2026-01-06T00:00:00Z"));
    expect(deferForQuietHours(at, "callout", night)).toBe(at);
    expect(deferForQuietHours(at, "reply", night)).toBe(at);
    const day = new Date("2026-01-05T06:00:00Z"); // 14:00
    expect(deferForQuietHours(day, "routine", night)).toBe(day);
  });

  it("finds the next natural day in Shanghai, when daily quotas reset", () => {
    expect(nextShanghaiMidnight(new Date("2026-01-05T02:00:00Z"))).toEqual(new Date("2026-01-05T16:00:00Z"));
    expect(nextShanghaiMidnight(new Date("2026-01-05T16:00:00Z"))).toEqual(new Date("2026-01-06T16:00:00Z"));
    expect(nextShanghaiMidnight(new Date("2026-01-05T15:59:59.999Z"))).toEqual(new Date("2026-01-05T16:00:00Z"));
  });
});
