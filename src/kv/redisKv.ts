import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import type { Logger } from "../log";
import type { KeyValue, Lock } from "./KeyValue";

// Compare-and-act scripts: only the owner token may release or extend a lock.
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
// SET … PX … NX for every key, in one command; 1 where this call stored the key.
const SET_MANY_IF_ABSENT = `local out = {} for i, key in ipairs(KEYS) do out[i] = redis.call("set", key, ARGV[1], "PX", ARGV[2], "NX") and 1 or 0 end return out`;
// INCR and the window's expiry in one step, so a crash between them cannot leave a counter without a TTL.
const INCREMENT = `local n = redis.call("incr", KEYS[1]) if n == 1 then redis.call("pexpire", KEYS[1], ARGV[1]) end return n`;

/** The shared store for a fleet of instances. */
export class RedisKv implements KeyValue {
  private readonly redis: Redis;
  private everReady = false;

  private lastErrorLoggedAt = 0;

  constructor(
    url: string,
    private readonly prefix = "as:",
    log?: Logger,
  ) {
    this.redis = new Redis(url, {
      lazyConnect: true,
      // Fail calls quickly while Redis is away instead of queueing them without bound.
      maxRetriesPerRequest: 2,
      connectTimeout: 5000,
      enableOfflineQueue: true,
      // The commands issued in one turn of the event loop (a burst of callbacks each checking its
      // de-duplication mark) go out in one write instead of one system call each.
      enableAutoPipelining: true,
      // Reconnect after a drop, but not before the first connection: a wrong URL fails start-up now.
      retryStrategy: (times) => (this.everReady ? Math.min(times * 200, 2000) : null),
    });
    this.redis.on("ready", () => {
      this.everReady = true;
    });
    // Calls that fail report their own errors; this line tells an operator the connection itself
    // is in trouble, at most every 10 s so a reconnect storm cannot flood the log.
    this.redis.on("error", (err: Error & { code?: string }) => {
      if (!log || Date.now() - this.lastErrorLoggedAt < 10_000) return;
      this.lastErrorLoggedAt = Date.now();
      log.warn({ code: err.code, status: this.redis.status }, "redis connection error");
    });
  }

  /** Connects now, so a wrong REDIS_URL is reported at start rather than on the first request. */
  async connect(): Promise<void> {
    await this.redis.connect();
    await this.ping();
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.prefix + key, value, "PX", ttlMs, "NX")) === "OK";
  }

  async get(key: string): Promise<string | null> {
    return this.redis.get(this.prefix + key);
  }

  async getMany(keys: string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    return this.redis.mget(keys.map((key) => this.prefix + key));
  }

  async setManyIfAbsent(keys: string[], value: string, ttlMs: number): Promise<boolean[]> {
    if (keys.length === 0) return [];
    const stored = (await this.redis.eval(SET_MANY_IF_ABSENT, keys.length, ...keys.map((key) => this.prefix + key), value, String(ttlMs))) as number[];
    return stored.map((flag) => flag === 1);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, value, "PX", ttlMs);
  }

  async del(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async acquireLock(name: string, ttlMs: number): Promise<Lock | null> {
    const key = `${this.prefix}lock:${name}`;
    const token = randomUUID();
    if ((await this.redis.set(key, token, "PX", ttlMs, "NX")) !== "OK") return null;
    return {
      name,
      token,
      release: async () => (await this.redis.eval(RELEASE, 1, key, token)) === 1,
      extend: async (ms) => (await this.redis.eval(EXTEND, 1, key, token, String(ms))) === 1,
    };
  }

  async increment(key: string, windowMs: number): Promise<number> {
    return Number(await this.redis.eval(INCREMENT, 1, this.prefix + key, String(windowMs)));
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    // QUIT would wait in the offline queue forever if the connection never came up.
    if (this.redis.status !== "ready") return this.redis.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
