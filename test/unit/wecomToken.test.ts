import { AccessTokenCache } from "../../src/channels/tokenCache";
import { MemoryKv } from "../../src/kv/memoryKv";

describe("AccessTokenCache", () => {
  let now: number;
  let kv: MemoryKv;
  let fetches: number;
  let release: (() => void) | undefined;

  const cache = (gate = false) =>
    new AccessTokenCache({
      channel: "wecom",
      kv,
      key: "wecom:token:c:1",
      now: () => now,
      pollMs: 5,
      fetch: async () => {
        fetches += 1;
        const n = fetches;
        if (gate) await new Promise<void>((resolve) => (release = resolve));
        return { token: `T${n}`, expiresInS: 7200 };
      },
    });

  beforeEach(() => {
    now = Date.parse("2026-11-27T02:00:00Z");
    kv = new MemoryKv("t:", () => now);
    fetches = 0;
    release = undefined;
  });
  afterEach(() => kv.close());

  it("fetches once and serves every caller from the kv until the refresh window", async () => {
    const a = cache();
    const b = cache();
    expect(await a.get()).toBe("T1");
    now += 5000_000; // 83 minutes: still before 80 % of 2 h
    expect(await b.get()).toBe("T1");
    expect(fetches).toBe(1);
  });

  it("refreshes ahead of expiry: one caller refreshes, the others keep the valid token meanwhile", async () => {
    const a = cache(true);
    const b = cache(true);
    const first = a.get();
    await new Promise((r) => setTimeout(r, 10));
    release?.();
    expect(await first).toBe("T1");
    now += 7200_000 * 0.85;
    const refreshing = a.get();
    await new Promise((r) => setTimeout(r, 10));
    expect(await b.get()).toBe("T1"); // the lock is taken: b does not wait
    release?.();
    expect(await refreshing).toBe("T2");
    expect(await b.get()).toBe("T2");
    expect(fetches).toBe(2);
  });

  it("never hands out a token in its last minute", async () => {
    const a = cache();
    await a.get();
    now += 7200_000 - 30_000;
    expect(await a.get()).toBe("T2");
  });

  it("concurrent callers with an empty cache wait for one fetch", async () => {
    const instances = [cache(true), cache(true), cache(true)];
    const pending = instances.flatMap((c) => [c.get(), c.get()]);
    await new Promise((r) => setTimeout(r, 20));
    release?.();
    expect(await Promise.all(pending)).toEqual(Array(6).fill("T1"));
    expect(fetches).toBe(1);
  });

  it("invalidate drops only the token that was refused", async () => {
    const a = cache();
    await a.get();
    await a.invalidate("some-older-token");
    expect(await a.get()).toBe("T1");
    await a.invalidate("T1");
    expect(await a.get()).toBe("T2");
  });

  it("a failed fetch is reported to the caller and not cached", async () => {
    const failing = new AccessTokenCache({
      channel: "wecom",
      kv,
      key: "wecom:token:c:2",
      now: () => now,
      fetch: async () => {
        fetches += 1;
        throw new Error("secret wrong");
      },
    });
    await expect(failing.get()).rejects.toThrow("secret wrong");
    await expect(failing.get()).rejects.toThrow("secret wrong");
    expect(fetches).toBe(2);
    expect(await kv.get("lock:wecom:token:c:2")).toBeNull();
  });
});
