import { ManualClock } from "../../src/clock";
import { MemoryKv } from "../../src/kv/memoryKv";
import { channelLimits } from "../../src/channels/registry";
import { loadConfig } from "../../src/config";
import { RateLimiter } from "../../src/outbox/rateLimits";

const WECOM = { WECOM_CORP_ID: "ww1", WECOM_AGENT_ID: "1000002", WECOM_SECRET: "s", WECOM_TOKEN: "t", WECOM_ENCODING_AES_KEY: "a".repeat(43) };
const defaultLimits = (quota?: number) => channelLimits(loadConfig({ ...WECOM, ...(quota ? { WECOM_DAILY_QUOTA: String(quota) } : {}) }));

describe("outbox rate limits", () => {
  let kv: MemoryKv;
  const clock = new ManualClock();
  beforeEach(() => {
    kv = new MemoryKv("as:test:");
    clock.set("2026-01-05T02:00:30Z");
  });
  afterEach(() => kv.close());

  it("uses WeChat Work's published limits and the configured daily quota (declared by the channel module)", () => {
    expect(defaultLimits().wecom).toEqual({ perRecipientPerMinute: 30, perRecipientPerHour: 1000, perAppPerDay: 200_000, perApiPerMinute: 10_000 });
    expect(defaultLimits(5000).wecom?.perAppPerDay).toBe(5000);
    // DingTalk declares its API rate (20 a second on the standard edition) and its robot's 20 group messages a minute.
    expect(defaultLimits().dingtalk).toEqual({ perApiPerMinute: 1_200, groupChatsPerMinute: 20 });
  });

  it("lets 20 group messages a minute through, counted over every group, and holds the 21st until the next minute; people are not counted", async () => {
    const limiter = new RateLimiter(kv, defaultLimits());
    for (let i = 0; i < 20; i++) expect((await limiter.admit("dingtalk", [i % 2 ? "group:cidA" : "group:cidB"], clock.now())).allowed).toHaveLength(1);
    const over = await limiter.admit("dingtalk", ["group:cidA", "ding-zhang"], clock.now());
    expect(over.allowed).toEqual(["ding-zhang"]);
    expect(over.deferred).toEqual([{ until: new Date("2026-01-05T02:01:00Z"), recipients: ["group:cidA"], limit: "group_per_minute" }]);
    clock.set("2026-01-05T02:01:00Z");
    expect((await limiter.admit("dingtalk", ["group:cidA"], clock.now())).allowed).toEqual(["group:cidA"]);
  });

  it("lets 30 messages a minute through to one person and holds the 31st until the next minute", async () => {
    const limiter = new RateLimiter(kv, defaultLimits());
    for (let i = 0; i < 30; i++) expect((await limiter.admit("wecom", ["a"], clock.now())).allowed).toEqual(["a"]);
    const over = await limiter.admit("wecom", ["a", "b"], clock.now());
    expect(over.allowed).toEqual(["b"]);
    expect(over.deferred).toEqual([{ until: new Date("2026-01-05T02:01:00Z"), recipients: ["a"], limit: "recipient_per_minute" }]);
    clock.set("2026-01-05T02:01:00Z");
    expect((await limiter.admit("wecom", ["a"], clock.now())).allowed).toEqual(["a"]);
  });

  it("counts one person however WeChat Work's user id is cased", async () => {
    const limiter = new RateLimiter(kv, { wecom: { perRecipientPerMinute: 1 } });
    await limiter.admit("wecom", ["ZhangSan"], clock.now());
    expect((await limiter.admit("wecom", ["zhangsan"], clock.now())).allowed).toEqual([]);
  });

  it("holds a person over the hourly limit until the next hour", async () => {
    const limiter = new RateLimiter(kv, { wecom: { perRecipientPerHour: 2 } });
    await limiter.admit("wecom", ["a"], clock.now());
    await limiter.admit("wecom", ["a"], clock.now());
    expect((await limiter.admit("wecom", ["a"], clock.now())).deferred[0]).toMatchObject({ until: new Date("2026-01-05T03:00:00Z"), limit: "recipient_per_hour" });
  });

  it("sends as many as the daily quota allows and holds the rest until midnight in Shanghai", async () => {
    const limiter = new RateLimiter(kv, { wecom: { perAppPerDay: 3 } });
    const result = await limiter.admit("wecom", ["a", "b", "c", "d", "e"], clock.now());
    expect(result.allowed).toEqual(["a", "b", "c"]);
    expect(result.deferred).toEqual([{ until: new Date("2026-01-05T16:00:00Z"), recipients: ["d", "e"], limit: "app_per_day" }]);
    clock.set("2026-01-05T16:00:00Z");
    expect((await limiter.admit("wecom", ["d", "e"], clock.now())).allowed).toEqual(["d", "e"]);
  });

  it("keeps 1 % of the per-minute API budget for the calls in flight as the minute ends", async () => {
    // Counted when admitted, the calls under way at :59.99 land in the platform's next minute.
    const limiter = new RateLimiter(kv, { wecom: { perApiPerMinute: 10_000 } });
    const admitted = await Promise.all(Array.from({ length: 10_000 }, () => limiter.admit("wecom", ["a"], clock.now())));
    expect(admitted.filter((a) => a.allowed.length === 1)).toHaveLength(9_900);
    expect(admitted.find((a) => a.allowed.length === 0)?.deferred[0]).toMatchObject({ until: new Date("2026-01-05T02:01:00Z"), limit: "api_per_minute" });
  });

  it("holds a whole call once the per-minute API budget is spent", async () => {
    const limiter = new RateLimiter(kv, { wecom: { perApiPerMinute: 1 } });
    expect((await limiter.admit("wecom", ["a", "b"], clock.now())).allowed).toEqual(["a", "b"]);
    expect(await limiter.admit("wecom", ["c"], clock.now())).toEqual({ allowed: [], deferred: [{ until: new Date("2026-01-05T02:01:00Z"), recipients: ["c"], limit: "api_per_minute" }] });
  });

  it("leaves channels without limits alone", async () => {
    const limiter = new RateLimiter(kv, {});
    expect(await limiter.admit("console", ["x"], clock.now())).toEqual({ allowed: ["x"], deferred: [] });
  });
});
