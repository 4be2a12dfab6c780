import Redis from "ioredis";

/** Removes every key under `prefix` (the benchmark's own), in batches. */
export async function removeKeys(redisUrl: string, prefix: string): Promise<number> {
  if (!prefix.startsWith("as:bench:")) throw new Error(`refusing to remove keys outside as:bench:* (${prefix})`);
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let removed = 0;
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length) removed += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return removed;
}
