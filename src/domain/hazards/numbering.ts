import { HazardCounter } from "../../db/entities";
import { defineNumbering, sequenceDigits } from "../kernel/numbering";

export { numberingYear } from "../kernel/numbering";

/** `YH-2026-000123`. */
export function formatHazardNumber(year: number, seq: number): string {
  return `YH-${year}-${sequenceDigits(seq)}`;
}

/** Hazards are numbered per year, gap-free, over `hazard_counters`. */
export const hazardNumbering = defineNumbering({ counter: HazardCounter, format: formatHazardNumber, noun: "隐患", missingCode: "hazard_counter_missing" });
