import type { Lane } from "./lanes";

/** Quiet hours as minutes after local midnight; `start > end` means the span crosses midnight. */
export interface QuietHours {
  startMinute: number;
  endMinute: number;
}

// China has kept UTC+8 all year since 1991, so a fixed offset is exact for Asia/Shanghai and
// avoids Intl on the worker's hot path.
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** Parses `HH:MM-HH:MM` (config's QUIET_HOURS, already validated); equal ends mean no quiet hours. */
export function parseQuietHours(spec: string): QuietHours {
  const match = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(spec);
  if (!match) throw new Error(`invalid quiet hours "${spec}"`);
  const [h1, m1, h2, m2] = match.slice(1).map(Number);
  return { startMinute: h1 * 60 + m1, endMinute: h2 * 60 + m2 };
}

/** When the quiet period containing `at` ends, or null when `at` is in working hours. */
export function quietUntil(at: Date, quiet: QuietHours): Date | null {
  const { startMinute: start, endMinute: end } = quiet;
  if (start === end) return null;
  const localMs = at.getTime() + SHANGHAI_OFFSET_MS;
  const dayStart = Math.floor(localMs / DAY_MS) * DAY_MS;
  const minute = (localMs - dayStart) / 60_000;
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  // Before midnight the quiet period ends tomorrow morning; after it, this morning.
  const endDay = start > end && minute >= start ? dayStart + DAY_MS : dayStart;
  return new Date(endDay + end * 60_000 - SHANGHAI_OFFSET_MS);
}

/** When a delivery of `lane` due at `at` may go: routine traffic waits for the end of quiet hours. */
export function deferForQuietHours(at: Date, lane: Lane, quiet: QuietHours): Date {
  if (lane !== "routine") return at;
  return quietUntil(at, quiet) ?? at;
}

/** The start of the natural day in Asia/Shanghai after `at`: when a platform's daily quota resets. */
export function nextShanghaiMidnight(at: Date): Date {
  const localMs = at.getTime() + SHANGHAI_OFFSET_MS;
  return new Date((Math.floor(localMs / DAY_MS) + 1) * DAY_MS - SHANGHAI_OFFSET_MS);
}
