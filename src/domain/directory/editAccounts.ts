import type { EntityManager } from "typeorm";
import { Conflict } from "../../errors";
import { findAccount, setAccount } from "../org/accounts";
import { ACCOUNT_FIELDS, type AccountField, accountFieldList } from "./model";

/** The WeChat Work / DingTalk userids a console edit may set (null takes the account away). */
export type AccountChange = Partial<Record<AccountField, string | null>>;

const LABELS: Record<AccountField, string> = { wecomUserId: "企业微信账号", dingtalkUserId: "钉钉账号" };

/** Splits a change into the person's own columns and their messenger accounts. */
export function accountFieldsOf<C extends AccountChange>(change: C): { accounts: AccountChange; columns: Omit<C, AccountField> } {
  const columns: Record<string, unknown> = { ...change };
  const accounts: AccountChange = {};
  for (const f of accountFieldList) {
    if (f in columns) accounts[f] = (columns[f] as string | null | undefined) ?? null;
    delete columns[f];
  }
  return { accounts, columns: columns as Omit<C, AccountField> };
}

/**
 * Gives the person the accounts of `change`, refusing one another person holds (an account
 * belongs to one person: messages from it must reach the right name). Returns what changed.
 */
export async function setAccounts(tx: EntityManager, personId: number, change: AccountChange, at: Date): Promise<{ before: AccountChange; after: AccountChange }> {
  const before: AccountChange = {};
  const after: AccountChange = {};
  for (const field of accountFieldList) {
    if (!(field in change)) continue;
    const value = change[field] ?? null;
    const channel = ACCOUNT_FIELDS[field];
    if (value !== null) {
      const holder = await findAccount(tx, channel, value);
      if (holder && holder.personId !== personId) throw Conflict(`${LABELS[field]} ${value} 已属于他人`, "account_taken");
    }
    const previous = await setAccount(tx, personId, channel, value, at);
    if (previous !== value) {
      before[field] = previous;
      after[field] = value;
    }
  }
  return { before, after };
}
