import type { FieldProblem } from "../../errors";
import type { RowRef } from "./model";

interface Entry {
  problem: FieldProblem;
  order: number;
  line: number;
  column: number;
}

/**
 * Collects every problem of an import, each placed as `人员!第7行:手机号`, and lists them in
 * reading order (sheet, row, column) whichever check found them, so a person can fix a file top down.
 */
export class ProblemList {
  private readonly entries: Entry[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** A problem with a whole file or sheet (unreadable file, unknown sheet). */
  sheet(sheet: string, order: number, message: string): void {
    this.entries.push({ problem: { where: sheet, message }, order, line: 0, column: 0 });
  }

  /** A problem with a row; `header` names the column when one cell is at fault. */
  at(at: RowRef, header: string | undefined, message: string, column = 0): void {
    const where = `${at.sheet}!第${at.line}行${header ? `:${header}` : ""}`;
    this.entries.push({ problem: { where, message }, order: at.order, line: at.line, column });
  }

  /** Adds another list's problems (e.g. those found while reading files). */
  addAll(other: ProblemList): void {
    this.entries.push(...other.entries);
  }

  sorted(): FieldProblem[] {
    return [...this.entries]
      .sort((a, b) => a.order - b.order || a.line - b.line || a.column - b.column)
      .map((e) => e.problem);
  }
}
