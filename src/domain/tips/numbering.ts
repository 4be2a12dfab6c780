import { TipCounter } from "../../db/entities";
import { defineNumbering, sequenceDigits } from "../kernel/numbering";

/** `JB2026-000123` (举报). */
export function formatTipNumber(year: number, seq: number): string {
  return `JB${year}-${sequenceDigits(seq)}`;
}

/** Tips are numbered per year, gap-free, over `tip_counters`; the same scheme as hazards. */
export const tipNumbering = defineNumbering({ counter: TipCounter, format: formatTipNumber, noun: "举报", missingCode: "tip_counter_missing" });
