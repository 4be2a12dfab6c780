import { createHash } from "node:crypto";
import type { ContactChange, InboundEvent } from "../channel";
import { textOf, type XmlRecord, type XmlValue } from "./xml";

/**
 * Decrypted WeChat Work messages and events (docs/PROTOCOLS.md §2.4) → channel-neutral `InboundEvent`s.
 * Types the bots have no use for come back as null: the caller logs and ignores them.
 */

/** A known message type missing a field it cannot do without. */
export class MalformedMessageError extends Error {
  constructor(readonly field: string) {
    super(`wecom message malformed: ${field}`);
    this.name = "MalformedMessageError";
  }
}

type Base = Pick<InboundEvent, "channel" | "eventId" | "senderId" | "occurredAt">;

const CONTACT_CHANGES: ReadonlySet<string> = new Set<ContactChange>(["create_user", "update_user", "delete_user", "create_party", "update_party", "delete_party"]);

/** `text`, `image`, … or `event:click`: a name for logs that carries no content. */
export function typeOf(xml: XmlRecord): string {
  const msgType = textOf(xml.MsgType) ?? "?";
  const name = msgType === "event" ? `event:${textOf(xml.Event) ?? "?"}` : msgType;
  return name.slice(0, 64).replace(/[^\w:.-]/g, "_");
}

/** The neutral event for a decrypted message, or null for a type Anshao does not handle. */
export function toInboundEvent(xml: XmlRecord): InboundEvent | null {
  const msgType = required(xml, "MsgType");
  const senderId = required(xml, "FromUserName");
  if (senderId.length > 128) throw new MalformedMessageError("FromUserName");
  const createTime = required(xml, "CreateTime");
  if (!/^\d{1,12}$/.test(createTime)) throw new MalformedMessageError("CreateTime");
  const base = { channel: "wecom" as const, senderId, occurredAt: new Date(Number(createTime) * 1000) };
  if (msgType === "event") return fromEvent(xml, { ...base, eventId: eventKey(xml) });
  return fromMessage(msgType, xml, { ...base, eventId: messageKey(xml) });
}

function fromMessage(msgType: string, xml: XmlRecord, base: Base): InboundEvent | null {
  switch (msgType) {
    case "text":
      return { ...base, kind: "text", text: required(xml, "Content", { allowEmpty: true }) };
    case "image":
      return { ...base, kind: "image", mediaId: required(xml, "MediaId"), ...optional("picUrl", textOf(xml.PicUrl)) };
    case "voice":
      return { ...base, kind: "voice", mediaId: required(xml, "MediaId"), ...optional("format", textOf(xml.Format)) };
    case "location":
      return {
        ...base,
        kind: "location",
        latitude: coordinate(xml, "Location_X", 90),
        longitude: coordinate(xml, "Location_Y", 180),
        ...optional("label", textOf(xml.Label)),
      };
    default:
      return null;
  }
}

function fromEvent(xml: XmlRecord, base: Base): InboundEvent | null {
  switch (required(xml, "Event")) {
    case "click":
      return { ...base, kind: "menu_click", key: required(xml, "EventKey") };
    case "enter_agent":
      return { ...base, kind: "enter_agent" };
    case "template_card_event":
      return {
        ...base,
        kind: "card_click",
        taskId: required(xml, "TaskId"),
        buttonKey: required(xml, "EventKey"),
        ...optional("responseCode", textOf(xml.ResponseCode)),
      };
    case "change_contact":
      return contactChange(xml, base);
    default:
      // LOCATION reports, subscribe, view, scancode…: nothing for the bots to act on (yet).
      return null;
  }
}

function contactChange(xml: XmlRecord, base: Base): InboundEvent | null {
  const change = required(xml, "ChangeType");
  if (!CONTACT_CHANGES.has(change)) return null; // update_tag and newer kinds: the daily sync catches them
  const isUser = change.endsWith("_user");
  return {
    ...base,
    kind: "contact_change",
    change: change as ContactChange,
    // update_user carries NewUserID when the account itself was renamed; without it the person
    // would look gone to the next sync.
    ...(isUser ? { userId: required(xml, "UserID"), ...optional("newUserId", textOf(xml.NewUserID)) } : { departmentId: required(xml, "Id") }),
  };
}

/**
 * Messages: `AgentID:MsgId`. MsgId alone has collided across users and apps (docs/PROTOCOLS.md §2.3),
 * and it stays a string end to end because it does not fit in a double.
 */
function messageKey(xml: XmlRecord): string {
  const msgId = textOf(xml.MsgId);
  if (msgId === undefined) return eventKey(xml);
  const agentId = textOf(xml.AgentID) ?? "";
  if (!/^\d{1,24}$/.test(msgId) || !/^\d{0,12}$/.test(agentId)) throw new MalformedMessageError("MsgId");
  return `${agentId}:${msgId}`;
}

/**
 * Events have no id; FromUserName + CreateTime alone collide (batch events from `sys` share a
 * second), so the key hashes every decrypted field in a canonical order. A retry carries the same
 * decrypted content even when its ciphertext, nonce and timestamp differ.
 */
function eventKey(xml: XmlRecord): string {
  return `ev:${createHash("sha256").update(canonical(xml)).digest("hex")}`;
}

function canonical(node: XmlValue): string {
  if (typeof node === "string") return JSON.stringify(node);
  if (Array.isArray(node)) return `[${node.map(canonical).join(",")}]`;
  const keys = Object.keys(node).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(node[k])}`).join(",")}}`;
}

function required(xml: XmlRecord, field: string, options: { allowEmpty?: boolean } = {}): string {
  const value = textOf(xml[field]);
  if (value === undefined || (value === "" && !options.allowEmpty)) throw new MalformedMessageError(field);
  return value;
}

function coordinate(xml: XmlRecord, field: string, limit: number): number {
  const value = Number(required(xml, field));
  if (!Number.isFinite(value) || Math.abs(value) > limit) throw new MalformedMessageError(field);
  return value;
}

// Optional fields are left out rather than set to undefined, so payload JSON stays minimal.
function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined || value === "" ? {} : { [key]: value }) as { [P in K]?: string };
}
