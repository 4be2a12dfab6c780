/**
 * The channel-neutral language between the messengers and the rest of Anshao. Channel adapters
 * turn platform bytes into `InboundEvent`s and `OutboundMessage`s into platform calls; bots and
 * the domain only ever see these types.
 */

export type ChannelId = "wecom" | "dingtalk" | "console";

/**
 * Every channel id with its name as people read it (`{code, label}` of the vocabulary). Ids are
 * data — people's accounts, outbox rows and directory sheets carry them, some (DingTalk) before
 * their module exists; what a channel *does* lives in its module (src/channels/registry.ts).
 */
export const CHANNEL_NAMES: Readonly<Record<ChannelId, string>> = { wecom: "企业微信", dingtalk: "钉钉", console: "控制台" };

interface InboundBase {
  channel: ChannelId;
  /** The platform's own de-duplication key (e.g. `AgentID:MsgId`, or a hash of an event). */
  eventId: string;
  /** The sender's platform user id (WeChat Work userid, DingTalk userid, console person id). */
  senderId: string;
  /** When the platform says it happened (UTC). */
  occurredAt: Date;
}

export type InboundEvent = InboundBase &
  (
    | { kind: "text"; text: string }
    | { kind: "image"; mediaId: string; picUrl?: string }
    | { kind: "voice"; mediaId: string; format?: string }
    /** A document (a PDF report) where a flow takes one as proof; the console sends them, WeChat Work's app callbacks do not. */
    | { kind: "file"; mediaId: string }
    | { kind: "location"; latitude: number; longitude: number; label?: string }
    | { kind: "menu_click"; key: string }
    | { kind: "enter_agent" }
    /** A card button pressed: `responseCode` lets the card be updated once. */
    | { kind: "card_click"; taskId: string; buttonKey: string; responseCode?: string }
    | { kind: "contact_change"; change: ContactChange; userId?: string; newUserId?: string; departmentId?: string }
  );

export type ContactChange = "create_user" | "update_user" | "delete_user" | "create_party" | "update_party" | "delete_party";

/** A button on an interactive card; `key` comes back in the `card_click` event. */
export interface CardButton {
  key: string;
  label: string;
  /** 1 primary, 2 secondary, 3 warning, 4 danger (WeChat Work's styles; others approximate). */
  style?: 1 | 2 | 3 | 4;
  /**
   * What the button stands for when its label does not say it (a list card's number: the name in
   * the list); the answered card shows "已选：" and this instead of the label.
   */
  meaning?: string;
}

/** The words an answered card shows for `button`: its meaning, or its label. */
export function chosenWords(button: CardButton): string {
  return button.meaning ?? button.label;
}

/** An interactive card: buttons make it a button card, none a notice card. */
export interface Card {
  /** Stable id of this card instance, so a click can be traced and the card updated. */
  taskId: string;
  title: string;
  description?: string;
  /** Label/value lines shown under the title. */
  fields?: { label: string; value: string }[];
  buttons?: CardButton[];
  /** Where tapping the card opens, for notice cards. */
  url?: string;
}

export type OutboundMessage =
  | { kind: "text"; text: string }
  | { kind: "markdown"; markdown: string }
  | { kind: "textcard"; title: string; description: string; url: string; buttonText?: string }
  | { kind: "news"; articles: { title: string; description?: string; url: string; picUrl?: string }[] }
  /** A file from our media storage, referenced by its storage key. */
  | { kind: "file"; storageKey: string }
  | { kind: "card"; card: Card }
  /** Replace the buttons of a card the recipients already have with a done label. */
  | { kind: "card_update"; responseCode: string; replaceText: string }
  /** Recall a message sent earlier, by the platform's message id. */
  | { kind: "recall"; platformMessageId: string };

/**
 * A message the outbox marked confidential (a 举报's replies: the tip number to the tipster) carries
 * `confidential: true` beside its fields. Once delivered, its stored copies — the outbox row, the
 * console's chat line — keep only `CONFIDENTIAL_DELIVERED` instead, so no table joins a tipster's
 * account to their tip.
 */
export function isConfidential(message: OutboundMessage): boolean {
  return (message as { confidential?: unknown }).confidential === true;
}

/** What a delivered confidential message is stored as from then on. */
export const CONFIDENTIAL_DELIVERED = { kind: "text", text: "[已送达的保密消息]", confidential: true } as const;

/**
 * Where every channel hands its verified events. The server wires the durable inbox in; a channel
 * knows no more of it.
 */
export interface InboundSink {
  /** Stores the event durably unless it was seen before; resolves before the platform is answered. */
  accept(event: InboundEvent): Promise<"new" | "duplicate">;
  /** Starts processing a stored event after the answer has gone out; never throws. */
  dispatchSoon(event: InboundEvent): void;
}

/** What the platform answered to a send. */
export interface SendResult {
  platformMessageId?: string;
  /** Lets a card be updated later (WeChat Work's `response_code`). */
  responseCode?: string;
  /** Recipients the platform rejected as unknown or unreachable. */
  invalidUsers: string[];
}

/**
 * Some platforms accept a send and deliver it later, or silently not at all (DingTalk's work
 * notifications past a person's daily limits). Such a channel answers, for a platform message id
 * its sender returned, who did not get it; the outbox then marks those deliveries failed.
 */
export interface DeliveryReports {
  /** Whether this channel can tell about `platformMessageId` (e.g. a work-notification task). */
  covers(platformMessageId: string): boolean;
  /** Recipients that did not get the message, with why in Chinese; null while the platform is still sending. */
  undelivered(platformMessageId: string): Promise<{ userId: string; code: string; reason: string }[] | null>;
}

/** A failed platform call; `retryable` decides between back-off-and-retry and a permanent failure. */
export class ChannelError extends Error {
  constructor(
    readonly channel: ChannelId,
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    /** The platform asked for at least this long a pause (WeChat Work 45009: its window resets after 60 s). */
    readonly retryAfterMs?: number,
    /**
     * Only an operator can fix this (untrusted IP, wrong secret, missing permission): it is about
     * the channel, not the message, so the outbox pauses the channel instead of failing messages.
     */
    readonly configProblem = false,
  ) {
    super(message);
    this.name = "ChannelError";
  }
}

/** How the outbox asks for a send. */
export interface SendOptions {
  /**
   * These recipients may already have this message: an earlier attempt ended without an answer
   * (timeout, lost response, the process died mid-send). The WeChat Work sender then sets
   * `enable_duplicate_check` (with `duplicate_check_interval` covering the outbox's retry horizon,
   * up to 4 h) so the platform suppresses an identical request it already accepted. The check
   * compares whole request bodies, so a resend carries the same recipients in the same order.
   */
  resend?: boolean;
  /**
   * Reports recipients one platform call of a batch reached, before the sender makes its next call
   * (DingTalk sends one batch as session replies, robot calls of 20 and a work notification). The
   * outbox records them as sent at once, so a later call failing — or the process dying — never
   * sends them the message again: only the recipients not yet reported are retried.
   */
  delivered?(recipients: string[], result: SendResult): Promise<void>;
}

/** The outbound half of a channel, as the outbox worker uses it. */
export interface ChannelSender {
  readonly id: ChannelId;
  /** How many recipients one call may name (WeChat Work: 1000). */
  readonly maxRecipientsPerCall: number;
  send(recipients: string[], message: OutboundMessage, options?: SendOptions): Promise<SendResult>;
}

/**
 * Channels that name a person by their own Anshao person id instead of an account in
 * `person_accounts`: the local console plays every person, so everyone is reachable there and no
 * account row is needed. Part of what a channel id means, like the id itself; messengers are absent.
 */
export const PERSON_ID_CHANNELS: ReadonlySet<ChannelId> = new Set<ChannelId>(["console"]);

/** What a channel's messages can carry, asked by the bots when they render (never by channel name). */
export interface ChannelCapabilities {
  /** Interactive cards with buttons; elsewhere choices go out as a numbered list. */
  cards: boolean;
  /** A card without buttons (a notice) must open a link when tapped (WeChat Work's notice card). */
  infoCardNeedsLink: boolean;
  /** Most buttons one card holds. */
  maxButtons: number;
  /** Past this many characters the platform shortens a button label: a numbered list reads better. */
  buttonLabelMaxChars: number;
  /** Longest markdown message, in UTF-8 bytes. */
  markdownMaxBytes: number;
  /** How many recipients one call may name. */
  maxRecipientsPerCall: number;
  /** Content types a file message may carry (`*` for any). */
  fileTypes: readonly string[];
}

/** What a channel offers when it is not registered (yet): plain text, one person at a time. */
export const PLAIN_TEXT: ChannelCapabilities = {
  cards: false,
  infoCardNeedsLink: false,
  maxButtons: 0,
  buttonLabelMaxChars: 0,
  markdownMaxBytes: 2048,
  maxRecipientsPerCall: 1,
  fileTypes: [],
};

/**
 * A group chat as an outbox recipient: `group:` + the platform's id of the chat (DingTalk's
 * openConversationId), beside people's account ids. A channel that sends to groups says how often
 * it may (`ChannelLimits.groupChatsPerMinute`); its sender posts there as the robot.
 */
export const GROUP_RECIPIENT = "group:";
export const groupRecipient = (conversationId: string): string => `${GROUP_RECIPIENT}${conversationId}`;
export const isGroupRecipient = (recipient: string): boolean => recipient.startsWith(GROUP_RECIPIENT);

/** A platform's sending limits for one app; a missing field is not limited. */
export interface ChannelLimits {
  /** Messages into group chats a minute, all groups together (DingTalk's robot: 20, past it muted for 10 minutes). */
  groupChatsPerMinute?: number;
  perRecipientPerMinute?: number;
  perRecipientPerHour?: number;
  /** Person-times per natural day (Asia/Shanghai): a call to 1,000 people counts 1,000. */
  perAppPerDay?: number;
  /** Calls of the send API per minute for the whole corp. */
  perApiPerMinute?: number;
}
