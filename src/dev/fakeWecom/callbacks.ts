import { randomBytes } from "node:crypto";
import { encrypt, getSignature } from "@wecom/crypto";

/**
 * Callbacks sealed exactly as WeChat Work seals them (PROTOCOLS §1, §2.2–2.3): AES-256-CBC with
 * the app's EncodingAESKey over random(16) ‖ length ‖ message ‖ CorpID, then a SHA-1 signature over
 * the sorted token, timestamp, nonce and ciphertext. Built on @wecom/crypto, the package WeChat
 * Work points Node users to, so the app's own envelope code is checked against an independent one.
 */

export interface CallbackApp {
  corpId: string;
  agentId: number;
  /** The app's callback Token (WECOM_TOKEN). */
  token: string;
  /** The app's EncodingAESKey (WECOM_ENCODING_AES_KEY). */
  encodingAesKey: string;
}

export interface CallbackOptions {
  /** Route on the app; `/wecom/callback` by default. */
  path?: string;
  /** Seconds; `FakeWecom` fills in its own clock's time. */
  timestamp: number;
  nonce?: string;
}

export interface CallbackAnswer {
  status: number;
  body: string;
  contentType: string;
}

/** POSTs one encrypted callback carrying `xmlPlaintext` to the app at `appUrl`. */
export async function deliverCallback(app: CallbackApp, appUrl: string, xmlPlaintext: string, options: CallbackOptions): Promise<CallbackAnswer> {
  const { timestamp, nonce } = freshParams(options);
  const ciphertext = encrypt(app.encodingAesKey, xmlPlaintext, app.corpId, randomBytes(16));
  const query = new URLSearchParams({ msg_signature: getSignature(app.token, timestamp, nonce, ciphertext), timestamp, nonce });
  const body = `<xml><ToUserName><![CDATA[${app.corpId}]]></ToUserName><Encrypt><![CDATA[${ciphertext}]]></Encrypt><AgentID><![CDATA[${app.agentId}]]></AgentID></xml>`;
  const res = await fetch(`${appUrl.replace(/\/+$/, "")}${options.path ?? "/wecom/callback"}?${query}`, {
    method: "POST",
    headers: { "content-type": "text/xml" },
    body,
  });
  return { status: res.status, body: await res.text(), contentType: res.headers.get("content-type") ?? "" };
}

/** The GET URL verification the console performs when the callback URL is saved. */
export async function verifyCallbackUrl(app: CallbackApp, appUrl: string, echo: string, options: CallbackOptions): Promise<CallbackAnswer> {
  const { timestamp, nonce } = freshParams(options);
  const echostr = encrypt(app.encodingAesKey, echo, app.corpId, randomBytes(16));
  const query = new URLSearchParams({ msg_signature: getSignature(app.token, timestamp, nonce, echostr), timestamp, nonce, echostr });
  const res = await fetch(`${appUrl.replace(/\/+$/, "")}${options.path ?? "/wecom/callback"}?${query}`);
  return { status: res.status, body: await res.text(), contentType: res.headers.get("content-type") ?? "" };
}

function freshParams(options: CallbackOptions): { timestamp: string; nonce: string } {
  return {
    timestamp: String(options.timestamp),
    // Real nonces are short alphanumerics, sometimes all digits.
    nonce: options.nonce ?? randomBytes(8).toString("base64url").replace(/[^A-Za-z0-9]/g, "x"),
  };
}

const cdata = (v: string | number) => `<![CDATA[${String(v)}]]>`;
// A MsgId as the platform makes them: 19 digits, unique enough for a test run.
const newMsgId = () => `7${randomBytes(8).readBigUInt64BE().toString().padStart(18, "0").slice(0, 18)}`;

/**
 * Who sends and when. `createTime` is required: a message stamped with the real clock turns late
 * against a test's fixed clock some day; `FakeWecom.stamp()` gives the fake's corp and time.
 */
interface Stamp {
  corpId: string;
  agentId: number;
  createTime: number;
}

/** The decrypted XML of a member's text message. */
export function textMessageXml(m: Stamp & { from: string; content: string; msgId?: string }): string {
  const msgId = m.msgId ?? newMsgId();
  return `<xml><ToUserName>${cdata(m.corpId)}</ToUserName><FromUserName>${cdata(m.from)}</FromUserName><CreateTime>${m.createTime}</CreateTime><MsgType>${cdata("text")}</MsgType><Content>${cdata(m.content)}</Content><MsgId>${msgId}</MsgId><AgentID>${m.agentId}</AgentID></xml>`;
}

/** The decrypted XML of a member's photo (its MediaId from `FakeWecom.addMedia`). */
export function imageMessageXml(m: Stamp & { from: string; mediaId: string; msgId?: string }): string {
  const msgId = m.msgId ?? newMsgId();
  return `<xml><ToUserName>${cdata(m.corpId)}</ToUserName><FromUserName>${cdata(m.from)}</FromUserName><CreateTime>${m.createTime}</CreateTime><MsgType>${cdata("image")}</MsgType><PicUrl>${cdata("https://wework.qpic.cn/fake.jpg")}</PicUrl><MediaId>${cdata(m.mediaId)}</MediaId><MsgId>${msgId}</MsgId><AgentID>${m.agentId}</AgentID></xml>`;
}

/** The decrypted XML of a shared location (Location_X is the latitude). */
export function locationMessageXml(m: Stamp & { from: string; latitude: number; longitude: number; label?: string; msgId?: string }): string {
  const msgId = m.msgId ?? newMsgId();
  return `<xml><ToUserName>${cdata(m.corpId)}</ToUserName><FromUserName>${cdata(m.from)}</FromUserName><CreateTime>${m.createTime}</CreateTime><MsgType>${cdata("location")}</MsgType><Location_X>${m.latitude}</Location_X><Location_Y>${m.longitude}</Location_Y><Scale>15</Scale><Label>${cdata(m.label ?? "")}</Label><MsgId>${msgId}</MsgId><AgentID>${m.agentId}</AgentID></xml>`;
}

/** The decrypted XML of a click on an interactive card's button. */
export function cardClickXml(c: Stamp & { from: string; taskId: string; key: string; responseCode: string }): string {
  return `<xml><ToUserName>${cdata(c.corpId)}</ToUserName><FromUserName>${cdata(c.from)}</FromUserName><CreateTime>${c.createTime}</CreateTime><MsgType>${cdata("event")}</MsgType><Event>${cdata("template_card_event")}</Event><EventKey>${cdata(c.key)}</EventKey><TaskId>${cdata(c.taskId)}</TaskId><CardType>${cdata("button_interaction")}</CardType><ResponseCode>${cdata(c.responseCode)}</ResponseCode><AgentID>${c.agentId}</AgentID></xml>`;
}

/** The decrypted XML of a change_contact event (user changes carry UserID, party changes Id). */
export function contactChangeXml(c: Omit<Stamp, "agentId"> & { changeType: string; userId?: string; newUserId?: string; departmentId?: number }): string {
  const fields = [
    c.userId ? `<UserID>${cdata(c.userId)}</UserID>` : "",
    c.newUserId ? `<NewUserID>${cdata(c.newUserId)}</NewUserID>` : "",
    c.departmentId !== undefined ? `<Id>${c.departmentId}</Id>` : "",
  ].join("");
  return `<xml><ToUserName>${cdata(c.corpId)}</ToUserName><FromUserName>${cdata("sys")}</FromUserName><CreateTime>${c.createTime}</CreateTime><MsgType>${cdata("event")}</MsgType><Event>${cdata("change_contact")}</Event><ChangeType>${cdata(c.changeType)}</ChangeType>${fields}</xml>`;
}
