import { randomBytes } from "node:crypto";
import { decrypt, encrypt, getSignature } from "@wecom/crypto";

/**
 * Builds WeChat Work callbacks the way WeChat Work does, with @wecom/crypto rather than the code
 * under test, so a bug in our envelope code cannot hide behind a matching bug in the test.
 */

/** A made-up app: the values a county would paste from 应用 → 接收消息. */
export const TEST_APP = {
  corpId: "ww5c2f1e8d7a6b3c90",
  agentId: "1000002",
  secret: "test-secret-not-real",
  token: "AnshaoToken2026",
  encodingAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
} as const;

export type TestApp = { corpId: string; token: string; encodingAesKey: string };

/** The WECOM_* settings that turn the channel on for `TEST_APP`. */
export function wecomEnv(app = TEST_APP): Record<string, string> {
  return {
    WECOM_CORP_ID: app.corpId,
    WECOM_AGENT_ID: app.agentId,
    WECOM_SECRET: app.secret,
    WECOM_TOKEN: app.token,
    WECOM_ENCODING_AES_KEY: app.encodingAesKey,
  };
}

export interface Envelope {
  timestamp?: number;
  nonce?: string;
  /** Seal for another corp, to test the receiver check. */
  receiverId?: string;
}

/**
 * When these envelopes say they were sealed, unless told otherwise: a fixed instant, so a test whose
 * app runs on `new ManualClock(SEALED_AT)` agrees with them on any day (the real date never enters).
 */
export const SEALED_AT = new Date("2026-11-27T02:00:00Z");
const nowS = () => Math.floor(SEALED_AT.getTime() / 1000);
const randomNonce = () => randomBytes(8).toString("hex");

/** `GET` URL verification query for a given echo string. */
export function verificationQuery(app: TestApp, echo: string, e: Envelope = {}): string {
  const timestamp = String(e.timestamp ?? nowS());
  const nonce = e.nonce ?? randomNonce();
  const echostr = encrypt(app.encodingAesKey, echo, e.receiverId ?? app.corpId);
  const params = new URLSearchParams({ msg_signature: getSignature(app.token, timestamp, nonce, echostr), timestamp, nonce, echostr });
  return params.toString();
}

/** An encrypted `POST` callback: the query string and the XML body WeChat Work would send. */
export function encryptedPost(app: TestApp, innerXml: string, e: Envelope = {}): { query: string; body: string } {
  const timestamp = String(e.timestamp ?? nowS());
  const nonce = e.nonce ?? randomNonce();
  const ciphertext = encrypt(app.encodingAesKey, innerXml, e.receiverId ?? app.corpId);
  const signature = getSignature(app.token, timestamp, nonce, ciphertext);
  const body = `<xml><ToUserName><![CDATA[${app.corpId}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[${ciphertext}]]></Encrypt></xml>`;
  return { query: new URLSearchParams({ msg_signature: signature, timestamp, nonce }).toString(), body };
}

/** A user's text message, as decrypted XML. */
export function textMessage(o: { from: string; content: string; msgId: string; agentId?: string; createTime?: number; corpId?: string }): string {
  return (
    `<xml><ToUserName><![CDATA[${o.corpId ?? TEST_APP.corpId}]]></ToUserName><FromUserName><![CDATA[${o.from}]]></FromUserName>` +
    `<CreateTime>${o.createTime ?? nowS()}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
    `<Content><![CDATA[${o.content}]]></Content><MsgId>${o.msgId}</MsgId><AgentID>${o.agentId ?? TEST_APP.agentId}</AgentID></xml>`
  );
}

/** A button click on an interactive template card (`template_card_event`). */
export function cardClick(o: { from: string; taskId: string; key: string; responseCode: string; createTime?: number }): string {
  return (
    `<xml><ToUserName><![CDATA[${TEST_APP.corpId}]]></ToUserName><FromUserName><![CDATA[${o.from}]]></FromUserName>` +
    `<CreateTime>${o.createTime ?? nowS()}</CreateTime><MsgType><![CDATA[event]]></MsgType>` +
    `<Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[${o.key}]]></EventKey>` +
    `<TaskId><![CDATA[${o.taskId}]]></TaskId><CardType><![CDATA[button_interaction]]></CardType>` +
    `<ResponseCode><![CDATA[${o.responseCode}]]></ResponseCode><AgentID>${TEST_APP.agentId}</AgentID></xml>`
  );
}

/** Opens a passive reply as WeChat Work would: checks its signature and decrypts it. */
export function openPassiveReply(app: TestApp, replyXml: string): { signatureValid: boolean; receiverId: string; inner: string } {
  const field = (tag: string) => new RegExp(`<${tag}>(?:<!\\[CDATA\\[)?([^<\\]]*)(?:\\]\\]>)?</${tag}>`).exec(replyXml)?.[1] ?? "";
  const ciphertext = field("Encrypt");
  const expected = getSignature(app.token, field("TimeStamp"), field("Nonce"), ciphertext);
  const { message, id } = decrypt(app.encodingAesKey, ciphertext);
  return { signatureValid: expected === field("MsgSignature"), receiverId: id, inner: message };
}
