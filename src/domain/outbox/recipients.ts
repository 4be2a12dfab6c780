import type { ChannelId } from "../../channels/channel";
import type { Person } from "../../db/entities";

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

/** The fields of a person that decide where a message goes. */
export type PersonContact = Pick<Person, "id" | "wecomUserId" | "dingtalkUserId" | "active">;

const CHANNEL_NAMES: Readonly<Record<ChannelId, string>> = { wecom: "企业微信", dingtalk: "钉钉", console: "控制台" };

function accountOn(person: PersonContact, channel: ChannelId): string | null {
  if (channel === "wecom") return person.wecomUserId;
  if (channel === "dingtalk") return person.dingtalkUserId;
  // The console messenger addresses people by their own id.
  return String(person.id);
}

/**
 * Where each person is reached: the first of `channels` (in the caller's order of preference,
 * enabled channels only) on which they have an account. One delivery per person, so nobody gets
 * the same notice on two messengers.
 */
export function resolveRecipients(people: readonly PersonContact[], channels: readonly ChannelId[]): Recipient[] {
  return people.map((person): Recipient => {
    if (!person.active) return { channel: null, personId: person.id, code: "inactive", reason: "该人员已停用，消息未发送" };
    for (const channel of channels) {
      const userId = accountOn(person, channel);
      if (userId) return { channel, userId, personId: person.id };
    }
    const names = channels.map((c) => CHANNEL_NAMES[c]).join("或");
    const reason = channels.length ? `未绑定${names}账号，消息无法送达` : "未启用任何消息渠道，消息无法送达";
    return { channel: null, personId: person.id, code: "no_account", reason };
  });
}

/** Chinese name of a channel, for reasons shown to people. */
export function channelName(channel: ChannelId): string {
  return CHANNEL_NAMES[channel];
}
