import type { EntityManager } from "typeorm";
import { CHANNEL_NAMES, type ChannelId, PERSON_ID_CHANNELS } from "../../channels/channel";
import type { Person } from "../../db/entities";
import { type Accounts, accountsOf } from "../org/accounts";

/** Someone a message can reach: a platform account on one channel. */
export interface ReachableRecipient {
  channel: ChannelId;
  /** The platform's user id (WeChat Work userid, DingTalk userid, console person id). */
  userId: string;
  personId?: number | null;
}

/** Someone the message was meant for but cannot reach; recorded as a failed delivery, never dropped. */
export interface UnreachableRecipient {
  channel: null;
  personId: number;
  code: "no_account" | "inactive";
  /** Why, in words for the person reading the delivery list. */
  reason: string;
}

export type Recipient = ReachableRecipient | UnreachableRecipient;

/** The fields of a person that decide where a message goes; their accounts are read from person_accounts. */
export type PersonContact = Pick<Person, "id" | "active"> & Partial<Pick<Person, "preferredChannel">>;

/** A person with their accounts loaded: all `routeRecipients` needs. */
export interface PersonReach {
  id: number;
  active: boolean;
  preferredChannel?: ChannelId | null;
  accounts: Accounts;
}

function accountOn(person: PersonReach, channel: ChannelId): string | null {
  // The console messenger addresses people by their own id.
  if (PERSON_ID_CHANNELS.has(channel)) return String(person.id);
  return person.accounts.get(channel) ?? null;
}

/**
 * Where each person is reached: their preferred channel when it is enabled and they have an
 * account there, else the first of `channels` (enabled channels only, in the registry's order of
 * preference) on which they have one. One delivery per person, so nobody gets the same notice on
 * two messengers.
 */
export function routeRecipients(people: readonly PersonReach[], channels: readonly ChannelId[]): Recipient[] {
  return people.map((person): Recipient => {
    if (!person.active) return { channel: null, personId: person.id, code: "inactive", reason: "该人员已停用，消息未发送" };
    const preferred = person.preferredChannel;
    const order = preferred && channels.includes(preferred) ? [preferred, ...channels.filter((c) => c !== preferred)] : channels;
    for (const channel of order) {
      const userId = accountOn(person, channel);
      if (userId) return { channel, userId, personId: person.id };
    }
    const names = channels.map((c) => CHANNEL_NAMES[c]).join("或");
    const reason = channels.length ? `未绑定${names}账号，消息无法送达` : "未启用任何消息渠道，消息无法送达";
    return { channel: null, personId: person.id, code: "no_account", reason };
  });
}

/** `routeRecipients` for people as stored: reads their accounts (one query per 1,000 people) in the caller's transaction. */
export async function resolveRecipients(tx: EntityManager, people: readonly PersonContact[], channels: readonly ChannelId[]): Promise<Recipient[]> {
  const needAccounts = channels.some((c) => !PERSON_ID_CHANNELS.has(c));
  const accounts = needAccounts ? await accountsOf(tx, people.filter((p) => p.active).map((p) => p.id)) : new Map<number, Accounts>();
  const none: Accounts = new Map();
  return routeRecipients(
    people.map((p) => ({ id: p.id, active: p.active, preferredChannel: p.preferredChannel ?? null, accounts: accounts.get(p.id) ?? none })),
    channels,
  );
}

/** Chinese name of a channel, for reasons shown to people. */
export function channelName(channel: ChannelId): string {
  return CHANNEL_NAMES[channel];
}
