import { randomBytes } from "node:crypto";
import { callbackKey, DINGTALK_CARDS_PATH } from "../../channels/dingtalk/cards";
import { DingtalkCrypto, robotSign } from "../../channels/dingtalk/crypto";

/** The app's side of the callbacks: where to deliver and the settings DingTalk seals and signs with. */
export interface DingtalkCallbackApp {
  url: string;
  appKey: string;
  appSecret: string;
  token: string;
  aesKey: string;
}

export interface DeliveryAnswer {
  status: number;
  json: unknown;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<DeliveryAnswer> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

/**
 * Delivers an event to `POST /dingtalk/events` as DingTalk does (PROTOCOLS §3.2): sealed for the
 * app key, signed, millisecond timestamp and an 8-character nonce in the query.
 */
export function deliverEvent(app: DingtalkCallbackApp, payload: Record<string, unknown>, nowMs: number, spelling: "signature" | "msg_signature" = "signature"): Promise<DeliveryAnswer> {
  const crypto = new DingtalkCrypto({ token: app.token, aesKey: app.aesKey, appKey: app.appKey });
  const encrypt = crypto.encrypt(JSON.stringify(payload));
  const timestamp = String(nowMs);
  const nonce = randomBytes(4).toString("hex");
  const sig = crypto.sign(timestamp, nonce, encrypt);
  const query = spelling === "signature" ? `signature=${sig}&timestamp=${timestamp}` : `msg_signature=${sig}&timeStamp=${timestamp}`;
  return post(`${app.url}/dingtalk/events?${query}&nonce=${nonce}`, { encrypt });
}

export interface RobotText {
  senderStaffId: string;
  content: string;
  msgId: string;
  /** "1" one-to-one (default), "2" group. */
  conversationType?: "1" | "2";
  /** The chat's reply URL (FakeDingtalk.sessionWebhook); none by default. */
  session?: { url: string; expiresAt: number };
}

/** A picture, voice note or file sent to the robot, by the download code FakeDingtalk.addFile gave. */
export interface RobotMedia extends Omit<RobotText, "content"> {
  msgtype: "picture" | "audio" | "file";
  downloadCode: string;
  fileName?: string;
}

/** The body of an enterprise robot text message (PROTOCOLS §3.3). */
export function robotTextBody(message: RobotText, app: Pick<DingtalkCallbackApp, "appKey">, nowMs: number): Record<string, unknown> {
  return { ...robotEnvelope(message, app, nowMs), msgtype: "text", text: { content: message.content } };
}

/** The body of a picture, audio or file message (the `content` object carries the download code). */
export function robotMediaBody(message: RobotMedia, app: Pick<DingtalkCallbackApp, "appKey">, nowMs: number): Record<string, unknown> {
  const content = { downloadCode: message.downloadCode, ...(message.fileName ? { fileName: message.fileName } : {}), ...(message.msgtype === "audio" ? { duration: 3000, recognition: "" } : {}) };
  return { ...robotEnvelope(message, app, nowMs), msgtype: message.msgtype, content };
}

function robotEnvelope(message: Omit<RobotText, "content">, app: Pick<DingtalkCallbackApp, "appKey">, nowMs: number): Record<string, unknown> {
  return {
    msgId: message.msgId,
    createAt: nowMs,
    conversationType: message.conversationType ?? "1",
    conversationId: "cidFake0000000001",
    senderId: "$:LWCP_v1:$fakeEncryptedSender",
    senderNick: "假钉钉用户",
    senderStaffId: message.senderStaffId,
    senderCorpId: "dingfakecorp",
    chatbotUserId: "$:LWCP_v1:$fakeRobot",
    robotCode: app.appKey,
    isAdmin: false,
    ...(message.session ? { sessionWebhook: message.session.url, sessionWebhookExpiredTime: message.session.expiresAt } : {}),
  };
}

/** Delivers a robot message to `POST /dingtalk/robot` with the `timestamp` + `sign` headers. */
export function deliverRobotMessage(app: DingtalkCallbackApp, body: Record<string, unknown>, nowMs: number, options: { secret?: string } = {}): Promise<DeliveryAnswer> {
  const timestamp = String(nowMs);
  return post(`${app.url}/dingtalk/robot`, body, { timestamp, sign: robotSign(timestamp, options.secret ?? app.appSecret) });
}

/**
 * A click on a card's "回传请求" button, posted as DingTalk's card platform does to the callback
 * URL registered for the app (PROTOCOLS §3.7). `key` defaults to the one the app registers.
 */
export function deliverCardClick(app: DingtalkCallbackApp, click: { bizId: string; userId: string; actionId: string }, options: { key?: string } = {}): Promise<DeliveryAnswer> {
  const body = {
    type: "actionCallback",
    outTrackId: click.bizId,
    userId: click.userId,
    corpId: "dingfakecorp",
    spaceType: "IM_ROBOT",
    value: JSON.stringify({ cardPrivateData: { actionIds: [click.actionId], params: {} } }),
  };
  return post(`${app.url}${DINGTALK_CARDS_PATH}?key=${options.key ?? callbackKey(app.appSecret)}`, body);
}
