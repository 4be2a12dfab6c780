import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * View tokens for the live board page: a browser cannot send the bearer token on a page load, so
 * the page URL carries `t=<expiry seconds>.<HMAC-SHA256 of callout id and expiry>`. The token
 * names one campaign only and opens nothing but its board (names and states).
 */

const SHAPE = /^(\d{9,11})\.([A-Za-z0-9_-]{43})$/;

const mac = (secret: string, calloutId: number, expSeconds: number): Buffer =>
  createHmac("sha256", secret).update(`callout-board:v1:${calloutId}:${expSeconds}`).digest();

export function signBoardToken(secret: string, calloutId: number, expiresAt: Date): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  return `${exp}.${mac(secret, calloutId, exp).toString("base64url")}`;
}

/** The token's expiry when it is this campaign's, unforged and unexpired at `now`; else null. */
export function verifyBoardToken(secret: string | undefined, calloutId: number, token: unknown, now: Date): Date | null {
  if (!secret || typeof token !== "string") return null;
  const m = SHAPE.exec(token);
  if (!m) return null;
  const exp = Number(m[1]);
  const given = Buffer.from(m[2] as string, "base64url");
  const want = mac(secret, calloutId, exp);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
  return exp * 1000 > now.getTime() ? new Date(exp * 1000) : null;
}
