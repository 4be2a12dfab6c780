import type { EntityManager, EntityTarget } from "typeorm";
import { DISPLAY_TIME_ZONE } from "../../clock";
import type { Database } from "../../db/Database";
import { isDuplicateKeyError } from "../../db/dialect";
import { AppError } from "../../errors";

const yearFormat = new Intl.DateTimeFormat("en-US", { timeZone: DISPLAY_TIME_ZONE, year: "numeric" });

/** The year a case is numbered in: the county's (Asia/Shanghai) calendar year, not UTC's. */
export function numberingYear(at: Date): number {
  return Number(yearFormat.format(at));
}

/** A yearly counter row: `(year, last_seq)`, one table per kind of case. */
export interface CounterRow {
  year: number;
  lastSeq: number;
}

/** How one kind of case is numbered. */
export interface NumberingSpec {
  /** The counter table's entity (`hazard_counters`, `tip_counters`). */
  counter: EntityTarget<CounterRow>;
  /** The number as people see it, e.g. `YH-2026-000123`. */
  format: (year: number, seq: number) => string;
  /** What the counter is of, in Chinese, for the error when its row is missing (`隐患`, `举报`). */
  noun: string;
  /** The stable code of that error (`hazard_counter_missing`). */
  missingCode: string;
}

/** A kind of case's numbering: make sure the year's counter exists, then take numbers inside the case's transaction. */
export interface CaseNumbering {
  /** The number as people see it. */
  format(year: number, seq: number): string;
  /**
   * Makes sure the year's counter row exists, in its own short transaction: the row itself gives
   * out no number, so creating it outside the case's transaction loses nothing, and that
   * transaction then only ever updates an existing row (which is what locks it on MySQL).
   */
  ensure(db: Database, year: number): Promise<void>;
  /**
   * The next number of `year`, taken inside the transaction that creates the case. The UPDATE
   * holds the row lock on MySQL until commit (SQLite serialises whole transactions), so two cases
   * never share a number, and a rolled-back case gives its number back: gap-free.
   */
  take(tx: EntityManager, year: number): Promise<number>;
  /**
   * Creates a new case numbered in `at`'s year: the counter made sure of, then `create` in one
   * transaction, taking its number with `next()` when ready (late, so the counter's row lock is
   * held for as little of the transaction as possible).
   */
  open<T>(db: Database, at: Date, create: (tx: EntityManager, next: () => Promise<CaseNumber>) => Promise<T>): Promise<T>;
}

/** A case's number: the year, the sequence in it and the number as people see it. */
export interface CaseNumber {
  year: number;
  seq: number;
  number: string;
}

/** Six digits after the year: `000123`. */
export const sequenceDigits = (seq: number): string => String(seq).padStart(6, "0");

/** The numbering of one kind of case (hazards, tips), over its own counter table. */
export function defineNumbering(spec: NumberingSpec): CaseNumbering {
  const numbering: CaseNumbering = {
    format: spec.format,
    async ensure(db, year) {
      if (await db.manager.findOne(spec.counter, { where: { year } })) return;
      try {
        await db.write((m) => m.insert(spec.counter, { year, lastSeq: 0 }));
      } catch (err) {
        // Another process created it first: just as good.
        if (!isDuplicateKeyError(err)) throw err;
      }
    },
    async take(tx, year) {
      const result = await tx
        .createQueryBuilder()
        .update(spec.counter)
        .set({ lastSeq: () => "last_seq + 1" })
        .where("year = :year", { year })
        .execute();
      if (!result.affected) throw new AppError(spec.missingCode, `${year} 年${spec.noun}编号计数器缺失，请重试`, 503);
      return (await tx.findOneOrFail(spec.counter, { where: { year } })).lastSeq;
    },
    async open(db, at, create) {
      const year = numberingYear(at);
      await numbering.ensure(db, year);
      return db.transaction((tx) =>
        create(tx, async () => {
          const seq = await numbering.take(tx, year);
          return { year, seq, number: spec.format(year, seq) };
        }),
      );
    },
  };
  return numbering;
}
