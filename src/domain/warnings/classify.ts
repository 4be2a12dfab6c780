import type { WarningLevel, WarningType } from "../callouts/vocabulary";

/**
 * Reads the warning type and colour out of a publisher's words. Chinese signals name both in the
 * headline or event ("暴雨红色预警信号"); CAP's severity is the fallback for the colour.
 */

// Order matters: "雷雨大风" is a thunderstorm signal, so thunder is tried before gale.
const TYPE_WORDS: readonly [WarningType, RegExp][] = [
  ["thunder", /雷电|雷暴|雷雨大风|thunder|lightning/i],
  ["rainstorm", /暴雨|rainstorm|heavy rain/i],
  ["snow_ice", /暴雪|冰雪|道路结冰|冰冻|snow|ic(e|ing)/i],
  ["gale", /大风|gale|strong wind/i],
  ["fog", /大雾|fog/i],
  ["heat", /高温|heat|high temperature/i],
];

const LEVEL_WORDS: readonly [WarningLevel, RegExp][] = [
  ["red", /红色?预警|红色|\bred\b/i],
  ["orange", /橙色?预警|橙色|\borange\b/i],
  ["yellow", /黄色?预警|黄色|\byellow\b/i],
  ["blue", /蓝色?预警|蓝色|\bblue\b/i],
];

/** CAP 1.2 severity to the signal colour, used only when no colour is named. */
const SEVERITY: Readonly<Record<string, WarningLevel>> = { extreme: "red", severe: "orange", moderate: "yellow", minor: "blue" };

/** The first text that names a type wins; "other" when none does. */
export function typeFromText(texts: readonly (string | undefined)[]): WarningType {
  for (const text of texts) {
    const hit = text && TYPE_WORDS.find(([, re]) => re.test(text));
    if (hit) return hit[0];
  }
  return "other";
}

/** The colour named in the texts, else the CAP severity's, else undefined. */
export function levelFromText(texts: readonly (string | undefined)[], severity?: string): WarningLevel | undefined {
  for (const text of texts) {
    const hit = text && LEVEL_WORDS.find(([, re]) => re.test(text));
    if (hit) return hit[0];
  }
  return severity ? SEVERITY[severity.trim().toLowerCase()] : undefined;
}

/** Splits an areaDesc such as "东岭镇、南川镇" or "东岭镇,南川镇 西河街道" into names. */
export function splitAreas(text: string): string[] {
  return text
    .split(/[、，,；;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
