import { ChannelError } from "../../src/channels/channel";
import { errcodeError } from "../../src/channels/wecom/wecomError";
import { classifyFailure, DEFAULT_BACKOFF, retryDelayMs, SendTimeoutError } from "../../src/outbox/backoff";

describe("outbox back-off", () => {
  const low = () => 0;
  const high = () => 1;

  it("doubles from 10 s with equal jitter: between half and all of the exponential delay", () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, DEFAULT_BACKOFF, low))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, DEFAULT_BACKOFF, high))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(retryDelayMs(1, DEFAULT_BACKOFF, () => 0.5)).toBe(7_500);
  });

  it("never waits longer than the cap, however many attempts", () => {
    expect(retryDelayMs(9, DEFAULT_BACKOFF, high)).toBe(30 * 60_000);
    expect(retryDelayMs(500, DEFAULT_BACKOFF, high)).toBe(30 * 60_000);
    expect(retryDelayMs(500, DEFAULT_BACKOFF, low)).toBe(15 * 60_000);
  });

  it("keeps the whole default retry horizon inside WeChat Work's 4-hour duplicate-check window", () => {
    const total = Array.from({ length: 8 }, (_, i) => retryDelayMs(i + 1, DEFAULT_BACKOFF, high)).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan(4 * 3_600_000);
  });

  it("honours a platform's retry-after when it is longer", () => {
    expect(retryDelayMs(1, DEFAULT_BACKOFF, low, 60_000)).toBe(60_000);
    expect(retryDelayMs(6, DEFAULT_BACKOFF, low, 60_000)).toBe(160_000);
  });

  it("spreads a burst of failures over time", () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(3, DEFAULT_BACKOFF, random)));
    expect(delays.size).toBeGreaterThan(40);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(20_000);
  });

  it("retries platform errors marked retryable, timeouts and unknown errors; fails permanent ones", () => {
    expect(classifyFailure(new ChannelError("wecom", "45009", "接口调用超过限制", true, 60_000))).toEqual({
      retryable: true,
      code: "45009",
      message: "45009：接口调用超过限制",
      retryAfterMs: 60_000,
    });
    expect(classifyFailure(new ChannelError("wecom", "60011", "无权限", false))).toMatchObject({ retryable: false, code: "60011" });
    expect(classifyFailure(new SendTimeoutError(10_000))).toMatchObject({ retryable: true, code: "timeout" });
    expect(classifyFailure(new TypeError("fetch failed"))).toMatchObject({ retryable: true, code: "error", message: "发送出错：TypeError: fetch failed" });
    expect(classifyFailure("boom")).toMatchObject({ retryable: true, code: "error" });
  });

  it("marks a setting only an operator can fix as a configuration problem, and nothing else", () => {
    expect(classifyFailure(errcodeError("message/send", 60020))).toMatchObject({ retryable: false, code: "wecom_60020", configProblem: true });
    expect(classifyFailure(errcodeError("gettoken", 40001))).toMatchObject({ code: "wecom_40001", configProblem: true });
    expect(classifyFailure(errcodeError("message/send", 45002)).configProblem).toBeUndefined();
    expect(classifyFailure(new ChannelError("wecom", "60011", "无权限", false)).configProblem).toBeUndefined();
  });
});
