import { DISPLAY_TIME_ZONE } from "../../clock";
import { AppError } from "../../errors";
import type { Database } from "../../db/Database";
import { isDuplicateKeyError } from "../../db/dialect";
import { HazardCounter } from "../../db/entities";
import type { EntityManager } from "typeorm";

const yearFormat = new Intl.DateTimeFormat("en-US", { timeZone: DISPLAY_TIME_ZONE, year: "numeric" });

/** The year a hazard is numbered in: the county's (Asia/Shanghai) calendar year, not UTC's. */
export function numberingYear(at: Date): number {
  return Number(yearFormat.format(at));
}

/** `YH-2026-000123`. */
export function formatHazardNumber(year: number, seq: number): string {
  return `YH-${year}-${String(seq).padStart(6, "0")}`;
}

/**
 * Makes sure the year's counter row exists, in its own short transaction: the row itself gives out
 * no number, so creating it outside the report loses nothing, and the report's transaction then
 * only ever updates an existing row (which is what locks it on MySQL).
 */
export async function ensureCounter(db: Database, year: number): Promise<void> {
  if (await db.manager.findOne(HazardCounter, { where: { year } })) return;
  try {
    await db.write((m) => m.insert(HazardCounter, { year, lastSeq: 0 }));
  } catch (err) {
    // Another process created it first: just as good.
    if (!isDuplicateKeyError(err)) throw err;
  }
}

/**
 * The next number of `year`, taken inside the reporting transaction. The UPDATE holds the row
 * lock on MySQL until commit (SQLite serialises whole transactions), so two reports never share a
 * number, and a rolled-back report gives its number back: gap-free.
 */
export async function takeNextSeq(tx: EntityManager, year: number): Promise<number> {
  const result = await tx
    .createQueryBuilder()
    .update(HazardCounter)
    .set({ lastSeq: () => "last_seq + 1" })
    .where("year = :year", { year })
    .execute();
  if (!result.affected) throw new AppError("hazard_counter_missing", `${year} 年隐患编号计数器缺失，请重试`, 503);
  const row = await tx.findOneOrFail(HazardCounter, { where: { year } });
  return row.lastSeq;
}
