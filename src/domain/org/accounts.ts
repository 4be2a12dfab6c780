import { type EntityManager, In } from "typeorm";
import { type ChannelId, PERSON_ID_CHANNELS } from "../../channels/channel";
import { isMysqlFamily } from "../../db/dialect";
import { Person, PersonAccount } from "../../db/entities";

/**
 * People's messenger accounts (`person_accounts`): one per person and channel, each held by one
 * person. Everything that needs "who is this sender" or "where does this person get messages"
 * asks here, never a column named after a platform.
 *
 * Account ids compare without regard to case on every channel: WeChat Work reports ids
 * lower-cased (e.g. in `invaliduser`) and MariaDB's collation ignores case anyway, while SQLite's
 * does not — so `ZhangSan` imported from a sheet is found when `zhangsan` writes.
 */

/** A person's accounts, by channel. */
export type Accounts = ReadonlyMap<ChannelId, string>;

/** Most ids in one IN list: well under SQLite's parameter limit. */
const CHUNK = 1000;

/** The accounts of each of `personIds` (a person without any gets an empty map). */
export async function accountsOf(manager: EntityManager, personIds: readonly number[]): Promise<Map<number, Map<ChannelId, string>>> {
  const out = new Map<number, Map<ChannelId, string>>(personIds.map((id) => [id, new Map()]));
  const ids = [...new Set(personIds)];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await manager.find(PersonAccount, { where: { personId: In(ids.slice(i, i + CHUNK)) }, select: { personId: true, channel: true, accountId: true } });
    for (const r of rows) out.get(r.personId)?.set(r.channel, r.accountId);
  }
  return out;
}

/** One person's account on one channel, or null. */
export async function accountOf(manager: EntityManager, personId: number, channel: ChannelId): Promise<string | null> {
  const row = await manager.findOne(PersonAccount, { where: { personId, channel }, select: { accountId: true } });
  return row?.accountId ?? null;
}

/**
 * The account row of `accountId` on `channel`. On MySQL/MariaDB the unique index answers (its
 * collation ignores case); a case-sensitive collation and SQLite fall back to comparing
 * lower-cased, which scans the channel's accounts — fine for a directory of people, and only
 * for senders the index did not find.
 */
export async function findAccount(manager: EntityManager, channel: ChannelId, accountId: string): Promise<PersonAccount | null> {
  if (isMysqlFamily(manager)) {
    const exact = await manager.findOne(PersonAccount, { where: { channel, accountId } });
    if (exact) return exact;
  }
  return manager
    .createQueryBuilder(PersonAccount, "a")
    .where("a.channel = :channel AND LOWER(a.account_id) = LOWER(:accountId)", { channel, accountId })
    .orderBy("a.id", "ASC")
    .getOne();
}

/**
 * The person behind a messenger account, or null when the account is not in the directory. A
 * channel that names people by their person id (the console) is answered from `people` itself.
 */
export async function findByChannelAccount(manager: EntityManager, channel: ChannelId, accountId: string): Promise<Person | null> {
  if (PERSON_ID_CHANNELS.has(channel)) {
    const id = Number(accountId);
    return Number.isInteger(id) ? manager.findOne(Person, { where: { id } }) : null;
  }
  if (isMysqlFamily(manager)) {
    // One round trip on a chat turn's hot path: the unique index finds the account (ignoring
    // case, as the collation does) and the person comes with it.
    const person = await manager
      .createQueryBuilder(Person, "p")
      .innerJoin(PersonAccount, "a", "a.personId = p.id")
      .where("a.channel = :channel AND a.accountId = :accountId", { channel, accountId })
      .getOne();
    if (person) return person;
  }
  const account = await findAccount(manager, channel, accountId);
  return account ? manager.findOne(Person, { where: { id: account.personId } }) : null;
}

/**
 * Gives `personId` the account `accountId` on `channel` (null: takes their account there away).
 * The caller makes sure nobody else holds it (the unique key refuses otherwise).
 * Returns the account the person had before.
 */
export async function setAccount(manager: EntityManager, personId: number, channel: ChannelId, accountId: string | null, at: Date): Promise<string | null> {
  const current = await manager.findOne(PersonAccount, { where: { personId, channel } });
  const before = current?.accountId ?? null;
  if (before === accountId) return before;
  if (accountId === null) await manager.delete(PersonAccount, { id: (current as PersonAccount).id });
  else if (current) await manager.update(PersonAccount, { id: current.id }, { accountId, updatedAt: at });
  else await manager.insert(PersonAccount, { personId, channel, accountId, createdAt: at, updatedAt: at });
  return before;
}

/** Everyone holding an account on `channel`, with it; by person id. */
export async function holdersOn(manager: EntityManager, channel: ChannelId): Promise<{ personId: number; accountId: string }[]> {
  const rows = await manager.find(PersonAccount, { where: { channel }, select: { personId: true, accountId: true }, order: { personId: "ASC" } });
  return rows.map((r) => ({ personId: r.personId, accountId: r.accountId }));
}

/** Sets the messenger a person wants to be reached on (null: the first enabled one they have). */
export async function setPreferredChannel(manager: EntityManager, personId: number, channel: ChannelId | null): Promise<void> {
  await manager.update(Person, { id: personId }, { preferredChannel: channel });
}
