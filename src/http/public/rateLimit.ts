import { createHash } from "node:crypto";
import type { Context } from "koa";
import { AppError } from "../../errors";
import type { KeyValue } from "../../kv";

/** One limit: at most `max` hits per `windowMs` for one caller. */
export interface Limit {
  name: string;
  max: number;
  windowMs: number;
}

/** Limits of the public tip API (no account, so the caller is their address and their device). */
export const PUBLIC_LIMITS = {
  submitPerIp: { name: "tip-ip", max: 10, windowMs: 60 * 60_000 },
  submitPerDevice: { name: "tip-dev", max: 5, windowMs: 60 * 60_000 },
  lookupPerIp: { name: "look-ip", max: 60, windowMs: 10 * 60_000 },
} as const satisfies Record<string, Limit>;

const DEVICE_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** The caller's device id (the mini-program's or the H5 page's own random id), when sane. */
export function deviceOf(ctx: Context): string | null {
  const id = ctx.get("x-device-id");
  return DEVICE_ID.test(id) ? id : null;
}

/**
 * Counts one hit of `who` against `limit` and refuses past it with a Chinese 429 and Retry-After.
 * The kv key holds a hash, not the address: the counters are shared storage and need no one's IP.
 */
export async function hit(ctx: Context, kv: KeyValue, limit: Limit, who: string): Promise<void> {
  const key = `rl:${limit.name}:${createHash("sha256").update(who).digest("hex").slice(0, 24)}`;
  const count = await kv.increment(key, limit.windowMs);
  if (count <= limit.max) return;
  const minutes = Math.ceil(limit.windowMs / 60_000);
  ctx.set("Retry-After", String(Math.ceil(limit.windowMs / 1000)));
  throw new AppError("rate_limited", `操作过于频繁，请 ${minutes} 分钟后再试。情况紧急请拨打 12350 举报热线。`, 429);
}
