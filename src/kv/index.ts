import type { Config } from "../config";
import { AppError } from "../errors";
import type { Logger } from "../log";
import type { KeyValue } from "./KeyValue";
import { MemoryKv } from "./memoryKv";
import { RedisKv } from "./redisKv";

export type { KeyValue, Lock } from "./KeyValue";

/** Opens the store the config names; an unreachable Redis is a start-up error naming REDIS_URL. */
export async function openKv(config: Pick<Config, "kv">, log?: Logger): Promise<KeyValue> {
  if (config.kv.kind === "memory") return new MemoryKv(config.kv.prefix);
  const kv = new RedisKv(config.kv.url, config.kv.prefix, log);
  try {
    await kv.connect();
  } catch (err) {
    await kv.close().catch(() => undefined);
    throw new AppError("kv_unreachable", `无法连接 Redis（REDIS_URL）：${(err as Error).message}`, 503);
  }
  return kv;
}
