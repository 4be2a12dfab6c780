/**
 * The closed vocabularies of 叫应 campaigns, stored as stable codes and shown in Chinese.
 * Warning types and levels follow the meteorological warning signals (预警信号).
 */

export const WARNING_TYPES = { rainstorm: "暴雨", gale: "大风", snow_ice: "冰雪", fog: "大雾", heat: "高温", thunder: "雷电", other: "其他" } as const;
export type WarningType = keyof typeof WARNING_TYPES;

export const LEVELS = { red: "红色", orange: "橙色", yellow: "黄色", blue: "蓝色" } as const;
export type WarningLevel = keyof typeof LEVELS;

/** Minutes to answer by level (issue 6); config may override any of them. */
export const DEFAULT_ANSWER_MINUTES: Readonly<Record<WarningLevel, number>> = { red: 15, orange: 30, yellow: 60, blue: 120 };

export type CalloutState = "draft" | "sent" | "closed" | "cancelled";

/**
 * draft: listed in a draft; pending: the campaign is sent but this person's card is not yet
 * enqueued (the tick does it); sent: waiting for an answer; escalated: silent, superior called in;
 * unreachable: no messenger account or the platform refused the user.
 */
export const RECIPIENT_STATES = ["draft", "pending", "sent", "acknowledged", "reported", "escalated", "unreachable"] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

/** Rows still owing an answer. */
export const SILENT_STATES: readonly RecipientState[] = ["sent", "escalated", "unreachable"];

/** Button keys on the card; they come back as `card_click.buttonKey`. */
export const BUTTON_ACK = "ack";
export const BUTTON_DONE = "done";

/** `co12-345`: the campaign and the first recipient row of the batch (unique per app, as WeCom requires). */
export const taskIdOf = (calloutId: number, batchFirstRowId: number): string => `co${calloutId}-${batchFirstRowId}`;

/**
 * The campaign of a clicked card. WeChat Work's sender may add a per-call suffix (`co12-345-1a2b3c4d`,
 * src/channels/wecom/cards.ts callTaskId), and the click reports the id as sent.
 */
export function calloutIdOfTask(taskId: string): number | null {
  const match = /^co(\d+)-\d+(?:-[0-9a-f]{8})?$/.exec(taskId);
  return match ? Number(match[1]) : null;
}

/** A code, or its Chinese label (with or without 色/预警), to the code. */
export function parseLevel(text: string): WarningLevel | undefined {
  const t = text.trim().replace(/预警$/, "");
  return (Object.keys(LEVELS) as WarningLevel[]).find((c) => c === t || LEVELS[c] === t || LEVELS[c].startsWith(t));
}

export function parseWarningType(text: string): WarningType | undefined {
  const t = text.trim();
  return (Object.keys(WARNING_TYPES) as WarningType[]).find((c) => c === t || WARNING_TYPES[c] === t);
}

/** The outbox source of every message a campaign causes. */
export const sourceOf = (calloutId: number): string => `callout:${calloutId}`;
