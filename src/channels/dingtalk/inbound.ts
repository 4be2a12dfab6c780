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

/** Department events and the change each one is; they name departments in `DeptId`. */
const DEPT_CHANGES: Readonly<Record<string, ContactChange>> = {
  org_dept_create: "create_party",
  org_dept_modify: "update_party",
  org_dept_remove: "delete_party",
};

/**
 * An event subscription's payload as InboundEvents: the address-book events as contact changes,
 * one per user or department it names; every other type is not handled and gives none. The id is the event's
 * own (`EventId`) when it carries one, else a digest of the decrypted payload, which a re-delivery
 * repeats exactly (its ciphertext, nonce and timestamp may differ).
 */
export function eventsOf(payload: EventPayload, plain: string, receivedAt: Date): InboundEvent[] {
  const type = payload.EventType as string;
  const base = typeof payload.EventId === "string" && payload.EventId !== "" ? payload.EventId : createHash("sha256").update(plain).digest("hex").slice(0, 40);
  const occurredAt = millis(payload.TimeStamp) ?? receivedAt;
  const userChange = USER_CHANGES[type];
  if (userChange) {
    const users = ids(payload.UserId);
    if (users.length === 0) throw new MalformedDingtalkMessage("UserId");
    return users.map((userId) => ({ channel: "dingtalk", eventId: `event:${base}:${userId}`, senderId: "sys", occurredAt, kind: "contact_change", change: userChange, userId }));
  }
  const deptChange = DEPT_CHANGES[type];
  if (deptChange) {
    const depts = ids(payload.DeptId).filter((d) => /^\d{1,15}$/.test(d));
    if (depts.length === 0) throw new MalformedDingtalkMessage("DeptId");
    return depts.map((departmentId) => ({ channel: "dingtalk", eventId: `event:${base}:d${departmentId}`, senderId: "sys", occurredAt, kind: "contact_change", change: deptChange, departmentId }));
  }
  return [];
}

/** Ids as strings, whether the payload lists them as strings or (departments) as numbers. */
function ids(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((v) => (typeof v === "number" ? String(v) : v)).filter((v): v is string => typeof v === "string" && v !== "");
}

/** The body of an enterprise robot message (PROTOCOLS §3.3), the fields we read. */
interface RobotMessage {
  msgtype?: unknown;
  msgId?: unknown;
  createAt?: unknown;
  senderStaffId?: unknown;
  staffId?: unknown;
  text?: { content?: unknown };
  /** picture, audio, file (and video): what to download by (PROTOCOLS §3.3). */
  content?: { downloadCode?: unknown; pictureDownloadCode?: unknown; fileName?: unknown; recognition?: unknown };
  conversationType?: unknown;
  sessionWebhook?: unknown;
  sessionWebhookExpiredTime?: unknown;
}

/** The sender's DingTalk userid (`senderStaffId`), which person_accounts holds; "" for another corp's sender. */
export function robotSender(body: unknown): string {
  const m = (typeof body === "object" && body !== null ? body : {}) as RobotMessage;
  if (typeof m.senderStaffId === "string" && m.senderStaffId !== "") return m.senderStaffId;
  return typeof m.staffId === "string" ? m.staffId : "";
}

/**
 * A robot message as an InboundEvent (null: a type not handled). Text stays text; a picture is an
 * image and a voice note a voice event whose media id is the download code (the channel fetches
 * it through the robot's file API); a file is a file event, which the bots take as a photo when it
 * is one (a photo sent "as a file" from the desktop is common) and as a document when it is a PDF
 * (a 检测报告 for 整改反馈), and explain in Chinese what to send when it is neither.
 */
export function robotEvent(body: unknown, receivedAt: Date): InboundEvent | null {
  if (typeof body !== "object" || body === null) throw new MalformedDingtalkMessage("json");
  const m = body as RobotMessage;
  if (typeof m.msgId !== "string" || m.msgId === "") throw new MalformedDingtalkMessage("msgId");
  const sender = robotSender(m);
  // A sender from another corp has no staff id, so no account here to find them by: not handled.
  if (sender === "") return null;
  const base = { channel: "dingtalk" as const, eventId: `robot:${m.msgId}`, senderId: sender, occurredAt: millis(m.createAt) ?? receivedAt };
  switch (m.msgtype) {
    case "text":
      if (typeof m.text?.content !== "string") throw new MalformedDingtalkMessage("text");
      // Group messages start with a space after the @mention.
      return { ...base, kind: "text", text: m.text.content.trim() };
    case "picture":
      return { ...base, kind: "image", mediaId: downloadCode(m, true) };
    case "audio":
      return { ...base, kind: "voice", mediaId: downloadCode(m, false) };
    case "file":
      return { ...base, kind: "file", mediaId: downloadCode(m, false) };
    default:
      return null;
  }
}

/** The session webhook of a one-to-one chat, while DingTalk says it is valid (group sessions reach the whole group). */
export function robotSession(body: unknown): { url: string; expiresAt: number } | null {
  const m = (typeof body === "object" && body !== null ? body : {}) as RobotMessage;
  if (m.conversationType !== "1" || typeof m.sessionWebhook !== "string" || !/^https?:\/\//.test(m.sessionWebhook)) return null;
  const expiresAt = millis(m.sessionWebhookExpiredTime)?.getTime();
  return expiresAt ? { url: m.sessionWebhook, expiresAt } : null;
}

/** Download codes are opaque platform tokens; this keeps anything odd out of the inbox and the API body. */
const DOWNLOAD_CODE = /^[A-Za-z0-9_@.=+/$:-]{1,2048}$/;

function downloadCode(m: RobotMessage, picture: boolean): string {
  const code = m.content?.downloadCode ?? (picture ? m.content?.pictureDownloadCode : undefined);
  if (typeof code !== "string" || !DOWNLOAD_CODE.test(code)) throw new MalformedDingtalkMessage("downloadCode");
  return code;
}

function millis(value: unknown): Date | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d{10,13}$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? new Date(n) : undefined;
}
