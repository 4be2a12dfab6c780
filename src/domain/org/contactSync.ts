import { type EntityManager, In } from "typeorm";
import { CHANNEL_NAMES, type ChannelId } from "../../channels/channel";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { Person, PersonAccount } from "../../db/entities";
import { holdersOn } from "./accounts";
import { Conflict } from "../../errors";
import { ContactPeople } from "./contactPeople";
import {
  type ContactChangeEvent,
  type ContactDepartment,
  type ContactSource,
  type ContactSyncResult,
  emptyResult,
  SYNC_ACTOR,
} from "./contactSource";
import { ContactUnits, parentsFirst } from "./contactUnits";

export type { ContactChangeEvent, ContactDepartment, ContactMember, ContactSource, ContactSyncResult } from "./contactSource";

export interface ContactSyncDeps {
  db: Database;
  source: ContactSource;
  clock: Clock;
  /** Who the audit log names: `wecom-sync:cli`, `wecom-sync:job`, … (always starts with `wecom-sync`). */
  actor?: string;
}

export interface FullSyncOptions {
  /**
   * Allow deactivating more than a third of the linked people in one run. Off by default: a
   * shrunken visible range or a half-configured app looks exactly like a mass departure.
   */
  allowMassDeactivation?: boolean;
}

/**
 * Reads every department and member the app can see into units and people. Reading happens
 * before the transaction, so a network failure changes nothing; the writes and their audit
 * entries then commit together. Running it twice in a row changes nothing the second time.
 */
export async function syncContacts(deps: ContactSyncDeps, options: FullSyncOptions = {}): Promise<ContactSyncResult> {
  const departments = parentsFirst(await deps.source.departments());
  const members = await deps.source.members();
  const result = emptyResult();
  const audit = { at: deps.clock.now(), actor: deps.actor ?? SYNC_ACTOR };
  await deps.db.transaction(async (tx) => {
    const units = new ContactUnits(tx, audit, result, deps.source.channel);
    const people = new ContactPeople(tx, deps.source.channel, units, audit, result);
    for (const dept of departments) await units.apply(dept);
    for (const member of members) await people.apply(member);
    const listed = new Set(members.map((m) => m.userId));
    // Filtered here rather than with NOT IN, which would hit parameter limits in a large corp.
    const holders = await holdersOn(tx, deps.source.channel);
    const accountOfPerson = new Map(holders.map((h) => [h.personId, h.accountId]));
    const linked = await activePeople(tx, [...accountOfPerson.keys()]);
    const gone = linked.filter((p) => !listed.has(accountOfPerson.get(p.id) as string));
    guardMassDeactivation(gone.length, linked.length, members.length, options, deps.source.channel);
    for (const person of gone) await people.deactivate(person);
  });
  return result;
}

/** The active ones of `ids`, by id; in statements of ≤ 1,000 ids (SQLite's parameter limit). */
async function activePeople(tx: EntityManager, ids: readonly number[]): Promise<Person[]> {
  const out: Person[] = [];
  for (let i = 0; i < ids.length; i += 1000) out.push(...(await tx.find(Person, { where: { id: In(ids.slice(i, i + 1000)), active: true } })));
  return out.sort((a, b) => a.id - b.id);
}

function guardMassDeactivation(leaving: number, linked: number, listed: number, options: FullSyncOptions, channel: ChannelId = "wecom"): void {
  if (leaving === 0 || options.allowMassDeactivation) return;
  if (listed === 0 || (leaving > 5 && leaving > linked / 3)) {
    throw Conflict(
      `${CHANNEL_NAMES[channel]}通讯录只返回了 ${listed} 名成员，同步将停用 ${leaving} 名已关联人员（共 ${linked} 名），已中止以免误停用。` +
        `请检查应用的可见范围；确属人员大量离开时，使用 npm run sync:${channel} -- --allow-mass-deactivation 重新同步。`,
      "contact_sync_guard",
    );
  }
}

/**
 * Applies one change_contact event. The event names only ids, so the current details are read
 * from the source first (a member or department it no longer knows is left as it is).
 * Deleting never deletes: a deleted member becomes inactive, a deleted department's unit stays.
 */
export async function applyContactChange(deps: ContactSyncDeps, event: ContactChangeEvent): Promise<ContactSyncResult> {
  const result = emptyResult();
  const audit = { at: deps.clock.now(), actor: deps.actor ?? `${SYNC_ACTOR}:event` };
  const where = event.userId ? `企业微信成员 ${event.userId}` : `企业微信部门 ${event.departmentId ?? "?"}`;
  switch (event.change) {
    case "delete_user": {
      if (!event.userId) return result;
      await deps.db.transaction(async (tx) => {
        const held = await tx.findOne(PersonAccount, { where: { channel: deps.source.channel, accountId: event.userId } });
        const person = held && (await tx.findOne(Person, { where: { id: held.personId, active: true } }));
        if (person) await new ContactPeople(tx, deps.source.channel, new ContactUnits(tx, audit, result, deps.source.channel), audit, result).deactivate(person);
      });
      return result;
    }
    case "create_user":
    case "update_user": {
      const userId = event.newUserId ?? event.userId;
      const member = userId ? await deps.source.member(userId) : null;
      if (!member) {
        result.problems.push({ where, message: "企业微信中已查不到该成员，未做更改" });
        return result;
      }
      const chain = await departmentChains(deps.source, [...(member.mainDepartmentId ? [member.mainDepartmentId] : []), ...member.departmentIds]);
      await deps.db.transaction(async (tx) => {
        const units = new ContactUnits(tx, audit, result, deps.source.channel);
        for (const dept of chain) await units.apply(dept);
        await new ContactPeople(tx, deps.source.channel, units, audit, result).apply(member, event.newUserId ? event.userId : undefined);
      });
      return result;
    }
    case "create_party":
    case "update_party": {
      const chain = await departmentChains(deps.source, [Number(event.departmentId)]);
      if (chain.length === 0) result.problems.push({ where, message: "企业微信中已查不到该部门，未做更改" });
      await deps.db.transaction(async (tx) => {
        const units = new ContactUnits(tx, audit, result, deps.source.channel);
        for (const dept of chain) await units.apply(dept);
      });
      return result;
    }
    case "delete_party":
      // Units carry history (people, enterprises, hazards); an administrator retires them by hand.
      return result;
  }
}

/** The departments and all their ancestors, parents first, read from the source. */
async function departmentChains(source: ContactSource, ids: number[]): Promise<ContactDepartment[]> {
  const found = new Map<number, ContactDepartment>();
  const queue = ids.filter((id) => Number.isInteger(id) && id > 0);
  while (queue.length > 0) {
    const id = queue.shift() as number;
    if (found.has(id)) continue;
    const dept = await source.department(id);
    if (!dept) continue;
    found.set(id, dept);
    if (dept.parentId !== null && !found.has(dept.parentId)) queue.push(dept.parentId);
  }
  return parentsFirst([...found.values()]);
}
