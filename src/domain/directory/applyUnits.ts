import { OrgUnit } from "../../db/entities";
import type { UnitKind } from "../org/vocabulary";
import type { KindCounts, Sourced, UnitRow } from "./model";
import type { StoredDirectory } from "./stored";
import { type DirectoryWriter, newCounts } from "./writer";

type UnitFields = { name: string; kind: UnitKind; parentId: number | null; path: string };

/**
 * Creates and updates units, parents before children, then recomputes every unit's `path`
 * (a moved unit moves its whole subtree). Returns the id of every unit code, old and new.
 */
export async function applyUnits(w: DirectoryWriter, rows: Sourced<UnitRow>[], stored: StoredDirectory): Promise<{ ids: Map<string, number>; counts: KindCounts }> {
  const counts = newCounts();
  const ids = new Map(stored.units.map((u) => [u.code.toUpperCase(), u.id]));
  const parentOf = new Map<string, string | null>(stored.units.map((u) => [u.code.toUpperCase(), stored.unitCode(u.parentId)]));
  for (const { row } of rows) parentOf.set(row.code, row.parentCode);

  const created = new Set<string>();
  for (const { row } of [...rows].sort((a, b) => depth(a.row.code, parentOf) - depth(b.row.code, parentOf))) {
    if (ids.has(row.code)) continue;
    const parentId = row.parentCode === null ? null : (ids.get(row.parentCode) as number);
    ids.set(row.code, await w.insert(OrgUnit, { code: row.code, name: row.name, kind: row.kind, parentId, path: "/" }));
    created.add(row.code);
  }

  const target = new Map<string, UnitFields>();
  for (const u of stored.units) target.set(u.code.toUpperCase(), { name: u.name, kind: u.kind, parentId: u.parentId, path: u.path });
  for (const { row } of rows) {
    const parentId = row.parentCode === null ? null : (ids.get(row.parentCode) as number);
    target.set(row.code, { name: row.name, kind: row.kind, parentId, path: "" });
  }
  const paths = new Map<string, string>();
  const pathOf = (code: string): string => {
    const known = paths.get(code);
    if (known !== undefined) return known;
    const parent = parentOf.get(code) ?? null;
    const path = `${parent === null ? "/" : pathOf(parent)}${ids.get(code)}/`;
    paths.set(code, path);
    return path;
  };

  const inFile = new Set(rows.map((s) => s.row.code));
  const others = newCounts();
  for (const [code, fields] of target) {
    const next = { ...fields, path: pathOf(code) };
    const id = ids.get(code) as number;
    if (created.has(code)) {
      await w.tx.update(OrgUnit, { id }, { path: next.path });
      w.created("org_unit", id, { code, ...next }, counts);
      continue;
    }
    const unit = stored.unitById.get(id) as OrgUnit;
    const before: UnitFields = { name: unit.name, kind: unit.kind, parentId: unit.parentId, path: unit.path };
    await w.update(OrgUnit, "org_unit", id, before, next, inFile.has(code) ? counts : others);
  }
  // Units outside the file change only when an ancestor moved; they count as updated.
  counts.updated += others.updated;
  return { ids, counts };
}

function depth(code: string, parentOf: Map<string, string | null>): number {
  let n = 0;
  for (let c = parentOf.get(code); c !== null && c !== undefined && n < parentOf.size; c = parentOf.get(c)) n++;
  return n;
}
