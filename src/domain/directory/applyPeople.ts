import { Person } from "../../db/entities";
import { type RoleCode, roles } from "../org/vocabulary";
import type { KindCounts, PersonRow, Sourced } from "./model";
import type { StoredDirectory } from "./stored";
import { type DirectoryWriter, newCounts } from "./writer";

type PersonFields = {
  name: string;
  unitId: number;
  roles: RoleCode[];
  superiorId: number | null;
  wecomUserId: string | null;
  dingtalkUserId: string | null;
  active: boolean;
};

/**
 * Creates and updates people. Superiors are linked once everyone exists, so a row may name a
 * superior further down the file. Returns the id of every mobile, old and new.
 */
export async function applyPeople(
  w: DirectoryWriter,
  rows: Sourced<PersonRow>[],
  stored: StoredDirectory,
  unitIds: Map<string, number>,
): Promise<{ ids: Map<string, number>; counts: KindCounts }> {
  const counts = newCounts();
  const ids = new Map(stored.people.map((p) => [p.mobile, p.id]));
  await releaseMovedAccounts(w, rows, stored);

  const created = new Set<string>();
  for (const { row } of rows) {
    if (ids.has(row.mobile)) continue;
    const fields = { ...fieldsOf(row, unitIds, ids), superiorId: null };
    ids.set(row.mobile, await w.insert(Person, { mobile: row.mobile, ...fields }));
    created.add(row.mobile);
  }

  for (const { row } of rows) {
    const id = ids.get(row.mobile) as number;
    const next = fieldsOf(row, unitIds, ids);
    if (created.has(row.mobile)) {
      if (next.superiorId !== null) await w.tx.update(Person, { id }, { superiorId: next.superiorId });
      w.created("person", id, { mobile: row.mobile, ...next }, counts);
    } else {
      const p = stored.personById.get(id) as Person;
      // Roles are a set: another order of the same roles is not a change.
      const before: PersonFields = { name: p.name, unitId: p.unitId, roles: roles.codes.filter((r) => p.roles.includes(r)), superiorId: p.superiorId, wecomUserId: p.wecomUserId, dingtalkUserId: p.dingtalkUserId, active: p.active };
      await w.update(Person, "person", id, before, next, counts);
    }
  }
  return { ids, counts };
}

function fieldsOf(row: PersonRow, unitIds: Map<string, number>, ids: Map<string, number>): PersonFields {
  return {
    name: row.name,
    unitId: unitIds.get(row.unitCode) as number,
    roles: row.roles,
    superiorId: row.superiorMobile === null ? null : (ids.get(row.superiorMobile) ?? null),
    wecomUserId: row.wecomUserId,
    dingtalkUserId: row.dingtalkUserId,
    active: row.active,
  };
}

/**
 * An account may move from one person to another in the same file; clearing the old holders first
 * keeps the unique indexes satisfied while rows are written one by one. The final values (and the
 * audit lines) are written afterwards, compared with what was stored before this step.
 */
async function releaseMovedAccounts(w: DirectoryWriter, rows: Sourced<PersonRow>[], stored: StoredDirectory): Promise<void> {
  for (const { row } of rows) {
    const p = stored.personByMobile.get(row.mobile);
    if (!p) continue;
    const release: Partial<Pick<Person, "wecomUserId" | "dingtalkUserId">> = {};
    if (p.wecomUserId !== null && p.wecomUserId !== row.wecomUserId) release.wecomUserId = null;
    if (p.dingtalkUserId !== null && p.dingtalkUserId !== row.dingtalkUserId) release.dingtalkUserId = null;
    if (Object.keys(release).length > 0) await w.tx.update(Person, { id: p.id }, release);
  }
}
