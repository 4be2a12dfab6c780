/**
 * Local time in Asia/Shanghai for duty arithmetic. China keeps no daylight saving, so local time
 * is UTC+8 all year and "20:00 the evening before" is plain arithmetic.
 */
const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** Midnight (local) of the day `at` falls on, as an instant. */
export function localMidnight(at: Date): Date {
  const local = at.getTime() + OFFSET_MS;
  return new Date(local - (((local % DAY_MS) + DAY_MS) % DAY_MS) - OFFSET_MS);
}

/** `hour:minute` local on the day before `at`'s local day. */
export function eveningBefore(at: Date, hour: number, minute = 0): Date {
  return new Date(localMidnight(at).getTime() - DAY_MS + (hour * 60 + minute) * 60_000);
}

/** `2026-03-02`: the local date of an instant. */
export function localDate(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** `08:00`. */
export function localTime(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(11, 16);
}

/**
 * A time as people write it in a roster: ISO 8601 with an offset, or `2026-03-02 08:00` (local,
 * seconds optional, `/` or `-`). Null when it is neither.
 */
export function parseLocalTime(text: string): Date | null {
  const t = text.trim();
  const local = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (local) {
    const [, y, mo, d, h, mi, s] = local;
    const pad = (v: string | undefined) => (v ?? "0").padStart(2, "0");
    const at = new Date(`${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}+08:00`);
    // Date normalises 02-30 to 03-02; a roster date that does not exist is an error, not a guess.
    return Number.isNaN(at.getTime()) || localDate(at) !== `${y}-${pad(mo)}-${pad(d)}` ? null : at;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) {
    const at = new Date(t);
    return Number.isNaN(at.getTime()) ? null : at;
  }
  return null;
}
