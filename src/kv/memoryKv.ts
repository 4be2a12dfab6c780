import { randomUUID } from "node:crypto";
import type { KeyValue, Lock } from "./KeyValue";

interface Entry {
  value: string;
  expiresAt: number;
}

/** The embedded default: one process, nothing persisted. Expiry is checked on read and swept. */
export class MemoryKv implements KeyValue {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly prefix = "as:",
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.read(key) !== null) return false;
    this.write(key, value, ttlMs);
    return true;
  }

  async get(key: string): Promise<string | null> {
    return this.read(key);
  }

  async getMany(keys: string[]): Promise<(string | null)[]> {
    return keys.map((key) => this.read(key));
  }

  async setManyIfAbsent(keys: string[], value: string, ttlMs: number): Promise<boolean[]> {
    return keys.map((key) => {
      if (this.read(key) !== null) return false;
      this.write(key, value, ttlMs);
      return true;
    });
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.write(key, value, ttlMs);
  }

  async del(key: string): Promise<void> {
    this.entries.delete(this.prefix + key);
  }

  async acquireLock(name: string, ttlMs: number): Promise<Lock | null> {
    const key = `lock:${name}`;
    const token = randomUUID();
    if (!(await this.setIfAbsent(key, token, ttlMs))) return null;
    const owns = () => this.read(key) === token;
    return {
      name,
      token,
      release: async () => (owns() ? (this.entries.delete(this.prefix + key), true) : false),
      extend: async (ms) => (owns() ? (this.write(key, token, ms), true) : false),
    };
  }

  async increment(key: string, windowMs: number): Promise<number> {
    const current = this.read(key);
    if (current === null) {
      this.write(key, "1", windowMs);
      return 1;
    }
    const entry = this.entries.get(this.prefix + key) as Entry;
    entry.value = String(Number(current) + 1);
    return Number(entry.value);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
  }

  private read(key: string): string | null {
    const entry = this.entries.get(this.prefix + key);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(this.prefix + key);
      return null;
    }
    return entry.value;
  }

  private write(key: string, value: string, ttlMs: number): void {
    this.entries.set(this.prefix + key, { value, expiresAt: this.now() + ttlMs });
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
