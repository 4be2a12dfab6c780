import { Person } from "../../db/entities";
import { type RoleCode, roles } from "../org/vocabulary";
import { setAccount } from "../org/accounts";
import { ACCOUNT_FIELDS, type AccountField, accountFieldList, type KindCounts, type PersonRow, type Sourced } from "./model";
import type { StoredDirectory } from "./stored";
import { type DirectoryWriter, newCounts } from "./writer";

/** What a row sets: the person's own columns, and their accounts by sheet column. */
type PersonFields = Record<AccountField, string | null> & {
  name: string;
  unitId: number;
  roles: RoleCode[];
  superiorId: number | null;
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
    const { columns, accounts } = split({ ...fieldsOf(row, unitIds, ids), superiorId: null });
    const id = await w.insert(Person, { mobile: row.mobile, ...columns });
    await writeAccounts(w, id, accounts);
    ids.set(row.mobile, id);
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
      const before: PersonFields = { name: p.name, unitId: p.unitId, roles: roles.codes.filter((r) => p.roles.includes(r)), superiorId: p.superiorId, ...stored.accountFields(id), active: p.active };
      await w.update(Person, "person", id, before, next, counts, async (changed) => {
        const { columns, accounts } = split(changed);
        await w.tx.update(Person, { id }, { ...columns, updatedAt: w.now });
        await writeAccounts(w, id, accounts);
      });
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
    ...(Object.fromEntries(accountFieldList.map((f) => [f, row[f]])) as Record<AccountField, string | null>),
    active: row.active,
  };
}

/** Account fields apart from the person's own columns. */
function split<F extends Partial<PersonFields>>(fields: F): { columns: Omit<F, AccountField>; accounts: Partial<Record<AccountField, string | null>> } {
  const columns: Record<string, unknown> = { ...fields };
  const accounts: Partial<Record<AccountField, string | null>> = {};
  for (const f of accountFieldList) {
    if (f in columns) accounts[f] = columns[f] as string | null;
    delete columns[f];
  }
  return { columns: columns as Omit<F, AccountField>, accounts };
}

/** Stores the given account fields of a person in person_accounts (null removes the account). */
async function writeAccounts(w: DirectoryWriter, personId: number, accounts: Partial<Record<AccountField, string | null>>): Promise<void> {
  for (const [f, value] of Object.entries(accounts) as [AccountField, string | null][]) await setAccount(w.tx, personId, ACCOUNT_FIELDS[f], value, w.now);
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
    const held = stored.accountFields(p.id);
    for (const f of accountFieldList) {
      if (held[f] !== null && held[f] !== row[f]) await setAccount(w.tx, p.id, ACCOUNT_FIELDS[f], null, w.now);
    }
  }
}
