import { createHash } from "node:crypto";
import type { ContactChange, InboundEvent } from "../channel";

/** A callback or robot message whose JSON lacks what it must carry. */
export class MalformedDingtalkMessage extends Error {
  constructor(readonly field: string) {
    super(`dingtalk message malformed: ${field}`);
    this.name = "MalformedDingtalkMessage";
  }
}

/** Address-book events and the contact-sync change each one is (PROTOCOLS §3.2). */
const USER_CHANGES: Readonly<Record<string, ContactChange>> = {
  user_add_org: "create_user",
  user_modify_org: "update_user",
  user_leave_org: "delete_user",
};

/** The decrypted JSON of an HTTP event callback. */
export type EventPayload = Record<string, unknown> & { EventType?: unknown };

export function parseEventPayload(plain: string): EventPayload {
  let json: unknown;
  try {
    json = JSON.parse(plain);
  } catch {
    throw new MalformedDingtalkMessage("json");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new MalformedDingtalkMessage("json");
  const payload = json as EventPayload;
  if (typeof payload.EventType !== "string" || payload.EventType === "") throw new MalformedDingtalkMessage("EventType");
  return payload;
}

/**
 * An event subscription's payload as InboundEvents: the address-book events as contact changes,
 * one per user it names; every other type is not handled yet and gives none. The id is the event's
 * own (`EventId`) when it carries one, else a digest of the decrypted payload, which a re-delivery
 * repeats exactly (its ciphertext, nonce and timestamp may differ).
 */
export function eventsOf(payload: EventPayload, plain: string, receivedAt: Date): InboundEvent[] {
  const change = USER_CHANGES[payload.EventType as string];
  if (!change) return [];
  const users = Array.isArray(payload.UserId) ? payload.UserId.filter((u): u is string => typeof u === "string" && u !== "") : [];
  if (users.length === 0) throw new MalformedDingtalkMessage("UserId");
  const base = typeof payload.EventId === "string" && payload.EventId !== "" ? payload.EventId : createHash("sha256").update(plain).digest("hex").slice(0, 40);
  const occurredAt = millis(payload.TimeStamp) ?? receivedAt;
  return users.map((userId) => ({ channel: "dingtalk", eventId: `event:${base}:${userId}`, senderId: "sys", occurredAt, kind: "contact_change", change, userId }));
}

/** The body of an enterprise robot message (PROTOCOLS §3.3), the fields we read. */
interface RobotMessage {
  msgtype?: unknown;
  msgId?: unknown;
  createAt?: unknown;
  senderStaffId?: unknown;
  staffId?: unknown;
  text?: { content?: unknown };
}

/**
 * A robot message as an InboundEvent; only text for now (null: a type not handled). The sender is
 * the DingTalk userid (`senderStaffId`), which person_accounts holds.
 */
export function robotEvent(body: unknown, receivedAt: Date): InboundEvent | null {
  if (typeof body !== "object" || body === null) throw new MalformedDingtalkMessage("json");
  const m = body as RobotMessage;
  if (typeof m.msgId !== "string" || m.msgId === "") throw new MalformedDingtalkMessage("msgId");
  const sender = typeof m.senderStaffId === "string" && m.senderStaffId !== "" ? m.senderStaffId : typeof m.staffId === "string" ? m.staffId : "";
  // A sender from another corp has no staff id, so no account here to find them by: not handled.
  if (sender === "" || m.msgtype !== "text") return null;
  if (typeof m.text?.content !== "string") throw new MalformedDingtalkMessage("text");
  // Group messages start with a space after the @mention.
  const text = m.text.content.trim();
  return { channel: "dingtalk", eventId: `robot:${m.msgId}`, senderId: sender, occurredAt: millis(m.createAt) ?? receivedAt, kind: "text", text };
}

function millis(value: unknown): Date | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d{10,13}$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? new Date(n) : undefined;
}
