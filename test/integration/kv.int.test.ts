import { setTimeout as sleep } from "node:timers/promises";
import { openKv, type KeyValue } from "../../src/kv";
import { backend, testConfig } from "../support/backend";

describe(`key-value store (${backend()})`, () => {
  let kv: KeyValue;

  beforeAll(async () => {
    kv = await openKv(await testConfig());
  });
  afterAll(() => kv.close());

  it("lets only the first writer of a key through (de-duplication)", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => kv.setIfAbsent("dedupe:wecom:1000002:42", "1", 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("forgets a key after its time to live", async () => {
    await kv.set("session:u1", "{\"flow\":\"checkin\"}", 150);
    expect(await kv.get("session:u1")).toBe("{\"flow\":\"checkin\"}");
    await sleep(300);
    expect(await kv.get("session:u1")).toBeNull();
    expect(await kv.setIfAbsent("session:u1", "again", 1000)).toBe(true);
  });

  it("deletes keys", async () => {
    await kv.set("token:x", "abc", 60_000);
    await kv.del("token:x");
    expect(await kv.get("token:x")).toBeNull();
  });

  it("gives a lock to one owner, who alone may release or extend it", async () => {
    const first = await kv.acquireLock("job:digest", 60_000);
    expect(first).not.toBeNull();
    expect(await kv.acquireLock("job:digest", 60_000)).toBeNull();
    expect(await kv.get("lock:job:digest")).toBe(first!.token);
    expect(await first!.extend(60_000)).toBe(true);
    expect(await first!.release()).toBe(true);
    expect(await first!.release()).toBe(false);
    const second = await kv.acquireLock("job:digest", 60_000);
    expect(second).not.toBeNull();
    await second!.release();
  });

  it("lets an expired lock be taken over, and the old owner can no longer release it", async () => {
    const old = await kv.acquireLock("job:slow", 100);
    await sleep(250);
    const next = await kv.acquireLock("job:slow", 60_000);
    expect(next).not.toBeNull();
    expect(await old!.release()).toBe(false);
    expect(await old!.extend(60_000)).toBe(false);
    expect(await kv.get("lock:job:slow")).toBe(next!.token);
    await next!.release();
  });

  it("counts hits in a window that starts at the first hit", async () => {
    const counts = await Promise.all(Array.from({ length: 31 }, () => kv.increment("rate:wecom:member:zhangwei:m", 200)));
    expect(Math.max(...counts)).toBe(31);
    expect(new Set(counts).size).toBe(31);
    await sleep(350);
    expect(await kv.increment("rate:wecom:member:zhangwei:m", 200)).toBe(1);
  });

  it("answers ping while reachable", async () => {
    await expect(kv.ping()).resolves.toBeUndefined();
  });
});

describe("an unreachable Redis", () => {
  it("is a start-up error that names REDIS_URL", async () => {
    const config = await testConfig({ REDIS_URL: "redis://127.0.0.1:1" });
    await expect(openKv(config)).rejects.toMatchObject({ code: "kv_unreachable", message: expect.stringContaining("REDIS_URL") });
  });
});
