import { randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import type { TipKeys } from "./keys";

/** No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read out on the phone (12350) is not misheard. */
const ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY";

/** `JB7K2M9Q`: what a member of the public reads out or types to follow their tip. */
export const TRACKING_CODE = /^JB[34679ACDEFGHJKMNPQRTUVWXY]{6}$/;

export function newTrackingCode(): string {
  let code = "JB";
  for (let i = 0; i < 6; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** The secret that goes with the code (128 bits, URL-safe); shown once, only its keyed hash is kept. */
export function newQueryToken(): string {
  return randomBytes(16).toString("base64url");
}

/** The stored form of a token, bound to its code so a token of one tip opens no other. */
export function tokenHash(keys: TipKeys, code: string, token: string): string {
  return keys.lookup(`public-token:${code}:${token}`);
}

/** Whether `token` is the one issued with `code`; in constant time. */
export function tokenMatches(keys: TipKeys, code: string, token: string, stored: string): boolean {
  const given = Buffer.from(tokenHash(keys, code, token), "hex");
  const kept = Buffer.from(stored, "hex");
  return given.length === kept.length && timingSafeEqual(given, kept);
}
