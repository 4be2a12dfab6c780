import type { EntityManager } from "typeorm";
import type { Database } from "../../db/Database";
import { isDuplicateKeyError } from "../../db/dialect";
import { TipCounter } from "../../db/entities";
import { AppError } from "../../errors";

/** `JB2026-000123` (举报). */
export function formatTipNumber(year: number, seq: number): string {
  return `JB${year}-${String(seq).padStart(6, "0")}`;
}

/**
 * Makes sure the year's counter row exists, in its own short transaction, so the tip's transaction
 * only ever updates an existing row (which is what locks it on MySQL). The same scheme as hazards.
 */
export async function ensureTipCounter(db: Database, year: number): Promise<void> {
  if (await db.manager.findOne(TipCounter, { where: { year } })) return;
  try {
    await db.write((m) => m.insert(TipCounter, { year, lastSeq: 0 }));
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
}

/** The next number of `year`, inside the tip's transaction: gap-free, a rolled-back tip gives its number back. */
export async function takeNextTipSeq(tx: EntityManager, year: number): Promise<number> {
  const result = await tx.createQueryBuilder().update(TipCounter).set({ lastSeq: () => "last_seq + 1" }).where("year = :year", { year }).execute();
  if (!result.affected) throw new AppError("tip_counter_missing", `${year} 年举报编号计数器缺失，请重试`, 503);
  return (await tx.findOneOrFail(TipCounter, { where: { year } })).lastSeq;
}
