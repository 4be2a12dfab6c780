import { cycleThrough, firstByKey, type Known, knownKeys, report, rowName } from "./checkHelpers";
import { columnOf } from "./columns";
import { type AccountField, accountFieldList, type PersonRow, type RowRef } from "./model";
import type { ParsedDirectory } from "./parseTables";
import type { ProblemList } from "./problems";
import type { StoredDirectory } from "./stored";

/** A person as they will be after the import. */
type MergedPerson = Record<AccountField, string | null> & {
  name: string;
  superiorMobile: string | null;
  at?: RowRef;
};

/**
 * Checks the 人员 rows: duplicate mobiles, unknown units and superiors, loops in the superior
 * chain, and WeChat Work / DingTalk ids held by two people. Returns every mobile that will exist.
 */
export function checkPeople(parsed: ParsedDirectory, stored: StoredDirectory, unitCodes: Known, problems: ProblemList): Known {
  const first = firstByKey(problems, "people", parsed.directory.people, "mobile", "手机号");
  const merged = new Map<string, MergedPerson>();
  for (const p of stored.people) merged.set(p.mobile, { ...p, ...stored.accountFields(p.id), superiorMobile: stored.mobile(p.superiorId) });
  for (const [mobile, s] of first) merged.set(mobile, { ...s.row, at: s.at });
  const known = knownKeys(merged.keys(), parsed.brokenKeys.people, parsed.incomplete.has("people"));

  for (const [mobile, { row, at }] of first) {
    if (!unitCodes.has(row.unitCode)) report(problems, "people", at, "unitCode", `所属单位编码“${row.unitCode}”在本文件和系统中都不存在`);
    const superior = row.superiorMobile;
    if (superior === null) continue;
    if (superior === mobile) {
      report(problems, "people", at, "superiorMobile", "上级不能是本人");
    } else if (!merged.has(superior)) {
      if (!known.has(superior)) report(problems, "people", at, "superiorMobile", "该手机号在本文件和系统中都找不到对应人员");
    } else {
      const cycle = cycleThrough(mobile, (m) => merged.get(m)?.superiorMobile);
      if (cycle) report(problems, "people", at, "superiorMobile", `上级关系形成环：${cycle.map((m) => merged.get(m)?.name).join(" → ")}`);
    }
  }
  for (const field of accountFieldList) checkUniqueId(merged, field, columnOf("people", field).header, problems);
  return known;
}

/** The platforms treat user ids without regard to case, and so does MySQL's unique index. */
function checkUniqueId(merged: Map<string, MergedPerson>, key: AccountField, what: string, problems: ProblemList): void {
  const holders = new Map<string, MergedPerson[]>();
  for (const person of merged.values()) {
    const id = person[key]?.toLowerCase();
    if (id !== undefined) holders.set(id, [...(holders.get(id) ?? []), person]);
  }
  for (const group of holders.values()) {
    if (group.length < 2) continue;
    for (const person of group) {
      const at = person.at;
      if (!at) continue;
      const others = group.filter((p) => p !== person).map((p) => (p.at ? `${rowName(p.at, at)}（${p.name}）` : `系统中的“${p.name}”`));
      report(problems, "people", at, key satisfies keyof PersonRow, `${what}“${person[key]}”已被${others.join("、")}使用，一个账号只能对应一个人`);
    }
  }
}
