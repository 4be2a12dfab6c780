import type { Kind, RowRef, Rows, Sourced } from "./model";
import { columnOf } from "./columns";
import type { ProblemList } from "./problems";

/** How a message names another row: `第7行`, or `people.csv（人员）第7行` when it sits elsewhere. */
export function rowName(other: RowRef, from: RowRef): string {
  return other.sheet === from.sheet ? `第${other.line}行` : `“${other.sheet}”第${other.line}行`;
}

/** Reports a problem in one column of a row. */
export function report<K extends Kind>(problems: ProblemList, kind: K, at: RowRef, key: keyof Rows[K] & string, message: string): void {
  const { header, index } = columnOf(kind, key);
  problems.at(at, header, message, index);
}

/** The first row for each key; later rows with the same key are reported as duplicates. */
export function firstByKey<K extends Kind>(
  problems: ProblemList,
  kind: K,
  rows: Sourced<Rows[K]>[],
  key: keyof Rows[K] & string,
  what: string,
): Map<string, Sourced<Rows[K]>> {
  const first = new Map<string, Sourced<Rows[K]>>();
  for (const s of rows) {
    const value = String(s.row[key]);
    const earlier = first.get(value);
    if (earlier) report(problems, kind, s.at, key, `${what}与${rowName(earlier.at, s.at)}重复，同一${what}只能出现一次`);
    else first.set(value, s);
  }
  return first;
}

/**
 * The loop through `start` when following `parentOf` comes back to it, as the list of keys from
 * `start` back to `start`; undefined when the chain ends (or loops without `start`).
 */
export function cycleThrough(start: string, parentOf: (key: string) => string | null | undefined): string[] | undefined {
  const chain = [start];
  const seen = new Set(chain);
  for (let next = parentOf(start); next !== null && next !== undefined; next = parentOf(next)) {
    chain.push(next);
    if (next === start) return chain;
    if (seen.has(next)) return undefined;
    seen.add(next);
  }
  return undefined;
}

/** The keys a reference may name: a set, or anything at all when some rows of the kind were unreadable. */
export interface Known {
  has(key: string): boolean;
}

/**
 * Keys that exist after the import: stored or in the file, plus those of rows with a bad cell.
 * When a sheet could not be read, any key is accepted rather than reporting every reference to it.
 */
export function knownKeys(keys: Iterable<string>, broken: Set<string>, incomplete: boolean): Known {
  const all = new Set([...keys, ...broken]);
  return { has: (key) => incomplete || all.has(key) };
}
