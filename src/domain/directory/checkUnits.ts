import { type UnitKind, unitKinds } from "../org/vocabulary";
import { cycleThrough, firstByKey, type Known, knownKeys, report } from "./checkHelpers";
import type { RowRef, Sourced, UnitRow } from "./model";
import type { ParsedDirectory } from "./parseTables";
import type { ProblemList } from "./problems";
import type { StoredDirectory } from "./stored";

/** A unit as it will be after the import: the file's row where there is one, else what is stored. */
interface MergedUnit {
  name: string;
  kind: UnitKind;
  parentCode: string | null;
  at?: RowRef;
  /** Whether this import sets the kind / the parent (always, for a new unit). */
  sets?: { kind: boolean; parent: boolean };
}

/**
 * Checks the 单位 rows against themselves and the stored tree: duplicate codes, unknown parents,
 * cycles, a second root, and the shape 县局 → … → 镇街 → 村社区. Returns every code that will exist.
 */
export function checkUnits(parsed: ParsedDirectory, stored: StoredDirectory, problems: ProblemList): Known {
  const first = firstByKey(problems, "units", parsed.directory.units, "code", "单位编码");
  const merged = new Map<string, MergedUnit>();
  for (const u of stored.units) merged.set(u.code.toUpperCase(), { name: u.name, kind: u.kind, parentCode: stored.unitCode(u.parentId) });
  for (const [code, s] of first) {
    const was = merged.get(code);
    merged.set(code, { ...s.row, at: s.at, sets: { kind: !was || was.kind !== s.row.kind, parent: !was || was.parentCode !== s.row.parentCode } });
  }
  const known = knownKeys(merged.keys(), parsed.brokenKeys.units, parsed.incomplete.has("units"));

  for (const [code, s] of first) checkParent(code, s, merged, known, problems);
  // With rows missing, the tree's shape cannot be judged yet.
  if (parsed.incomplete.has("units")) return known;
  checkSingleRoot(merged, problems);
  for (const unit of merged.values()) checkShape(unit, merged, problems);
  return known;
}

function checkParent(code: string, s: Sourced<UnitRow>, merged: Map<string, MergedUnit>, known: Known, problems: ProblemList): void {
  const parent = s.row.parentCode;
  if (parent === null) return;
  if (parent === code) {
    report(problems, "units", s.at, "parentCode", "上级单位不能是本单位自己");
  } else if (!merged.has(parent)) {
    if (!known.has(parent)) report(problems, "units", s.at, "parentCode", `上级单位编码“${parent}”在本文件和系统中都不存在`);
  } else {
    const cycle = cycleThrough(code, (c) => merged.get(c)?.parentCode);
    if (cycle) report(problems, "units", s.at, "parentCode", `上级关系形成环：${cycle.join(" → ")}`);
  }
}

function checkSingleRoot(merged: Map<string, MergedUnit>, problems: ProblemList): void {
  const roots = [...merged].filter(([, u]) => u.parentCode === null);
  if (roots.length < 2) return;
  for (const [code, unit] of roots) {
    if (!unit.at || !unit.sets?.parent) continue;
    const others = roots.filter(([c]) => c !== code).map(([c, u]) => `${u.name}（${c}${u.at ? "" : "，系统中已有"}）`);
    report(problems, "units", unit.at, "parentCode", `单位树只能有一个根单位，另有根单位：${others.join("、")}；请填写上级单位编码`);
  }
}

/**
 * Shape rules judge only what this import changes: a tree that another path (WeChat Work contact
 * sync, say) left in a looser shape must still export and import back unchanged.
 */
function checkShape(unit: MergedUnit, merged: Map<string, MergedUnit>, problems: ProblemList): void {
  const parent = unit.parentCode === null ? undefined : merged.get(unit.parentCode);
  const own = unit.sets?.kind || unit.sets?.parent;
  if (own && unit.at && unit.parentCode === null && unit.kind !== "bureau") {
    report(problems, "units", unit.at, "kind", `根单位（不填上级单位编码）的类型应为${unitKinds.label("bureau")}`);
  }
  if (own && unit.at && unit.parentCode !== null && unit.kind === "bureau") {
    report(problems, "units", unit.at, "kind", `${unitKinds.label("bureau")}是单位树的根，不能有上级单位`);
  }
  if (unit.kind === "village" && parent && parent.kind !== "town") {
    const message = `${unitKinds.label("village")}“${unit.name}”的上级应为${unitKinds.label("town")}，而“${parent.name}”是${unitKinds.label(parent.kind)}`;
    if (own && unit.at) report(problems, "units", unit.at, "parentCode", message);
    else if (parent.sets?.kind && parent.at) report(problems, "units", parent.at, "kind", message);
  }
}
