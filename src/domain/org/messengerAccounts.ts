import { In, Not } from "typeorm";
import { PERSON_ID_CHANNELS } from "../../channels/channel";
import type { Database } from "../../db/Database";
import { PersonAccount } from "../../db/entities";

/** Enough ids per query to stay far below every dialect's limit on bound parameters. */
const CHUNK = 500;

/**
 * Which of `personIds` have an account on a messenger (WeChat Work, DingTalk). Someone without
 * one is a test account: only the local console reaches them. The one place that knows where
 * messenger accounts are kept.
 */
export async function messengerAccountHolders(db: Database, personIds: readonly number[]): Promise<Set<number>> {
  const holders = new Set<number>();
  for (let i = 0; i < personIds.length; i += CHUNK) {
    const ids = personIds.slice(i, i + CHUNK);
    // Channels that address people by their person id (the console) hold no messenger account.
    const rows = await db.manager.find(PersonAccount, { select: { personId: true }, where: { personId: In(ids), channel: Not(In([...PERSON_ID_CHANNELS])) } });
    for (const r of rows) holders.add(r.personId);
  }
  return holders;
}

/** Whether this person has an account on a messenger (see `messengerAccountHolders`). */
export async function hasMessengerAccount(db: Database, personId: number): Promise<boolean> {
  return (await messengerAccountHolders(db, [personId])).has(personId);
}
