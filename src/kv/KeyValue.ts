/**
 * The small key-value store every instance shares: de-duplication marks, conversation state,
 * token caches, locks and rate-limit counters. In memory for one process, Redis for a fleet.
 * Every key is written with a time to live, so nothing lingers forever.
 */
export interface KeyValue {
  /** Stores `value` only if `key` is absent; true when this call stored it (the first to see it). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  get(key: string): Promise<string | null>;
  /** `get` for many keys in one round trip; null where a key is absent. */
  getMany(keys: string[]): Promise<(string | null)[]>;
  /** `setIfAbsent` for many keys in one round trip, all with the same value and time to live. */
  setManyIfAbsent(keys: string[], value: string, ttlMs: number): Promise<boolean[]>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Takes a lock with an owner token; null when someone else holds it. Expires after `ttlMs`. */
  acquireLock(name: string, ttlMs: number): Promise<Lock | null>;
  /** Adds one to a counter that starts its window at the first hit; returns the new count. */
  increment(key: string, windowMs: number): Promise<number>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface Lock {
  readonly name: string;
  readonly token: string;
  /** Releases only if this owner still holds it; false when it had expired or been taken over. */
  release(): Promise<boolean>;
  /** Extends the expiry only if this owner still holds it. */
  extend(ttlMs: number): Promise<boolean>;
}
