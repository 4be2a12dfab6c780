import type { EntityManager } from "typeorm";
import type { ChannelId } from "../../src/channels/channel";
import type { Person } from "../../src/db/entities";
import { accountOf, findByChannelAccount, holdersOn, setAccount } from "../../src/domain/org/accounts";

/** A person's WeChat Work account (the demo county's people all have one), or null. */
export function wecomIdOf(manager: EntityManager, person: Pick<Person, "id">): Promise<string | null> {
  return accountOf(manager, person.id, "wecom");
}

/** Like wecomIdOf, for people the test knows to have one. */
export async function wecomId(manager: EntityManager, person: Pick<Person, "id">): Promise<string> {
  const id = await wecomIdOf(manager, person);
  if (id === null) throw new Error(`person #${person.id} has no WeChat Work account`);
  return id;
}

/** Every WeChat Work account, by person id. */
export async function wecomIds(manager: EntityManager): Promise<Map<number, string>> {
  return new Map((await holdersOn(manager, "wecom")).map((h) => [h.personId, h.accountId]));
}

/** The person holding `account` on `channel`; throws when nobody does. */
export async function personByAccount(manager: EntityManager, channel: ChannelId, account: string): Promise<Person> {
  const p = await findByChannelAccount(manager, channel, account);
  if (!p) throw new Error(`nobody holds ${channel} account ${account}`);
  return p;
}

/** Gives (or, with null, takes away) a person's account on a channel, stamped with the test's clock time. */
export async function setAccountOf(manager: EntityManager, person: Pick<Person, "id">, channel: ChannelId, account: string | null, at: Date): Promise<void> {
  await setAccount(manager, person.id, channel, account, at);
}
