import { createHmac } from "node:crypto";
import { CallbackCrypto, constantTimeEqual } from "../envelopeCrypto";

/**
 * DingTalk's HTTP callback crypto ("钉钉回调加解密", PROTOCOLS §1 and §3.2) is the WXBizMsgCrypt
 * envelope WeChat Work uses too (src/channels/envelopeCrypto.ts), sealed for the app key and
 * answered with the encrypted `success` JSON; the robot's own HMAC signature lives here.
 */
export * from "../envelopeCrypto";
export { EnvelopeCryptoError as DingtalkCryptoError } from "../envelopeCrypto";

export interface DingtalkCryptoOptions {
  token: string;
  /** The 43-character AES key of the event subscription. */
  aesKey: string;
  /** The app key for app-level event subscription (企业内部应用 事件订阅). */
  appKey: string;
}

/** One app's event crypto: the key parsed once, the receiver (the app key) always checked. */
export class DingtalkCrypto extends CallbackCrypto {
  constructor(options: DingtalkCryptoOptions) {
    super({ token: options.token, encodingAesKey: options.aesKey, receiverId: options.appKey });
  }

  /** The answer every callback gets (PROTOCOLS §3.2): `success`, sealed and signed, as JSON. */
  successReply(timeStamp: string, nonce: string, random?: Buffer): { msg_signature: string; timeStamp: string; nonce: string; encrypt: string } {
    const encrypt = this.encrypt("success", random);
    return { msg_signature: this.sign(timeStamp, nonce, encrypt), timeStamp, nonce, encrypt };
  }
}

/** Robot message signature (PROTOCOLS §3.3): base64(HMAC-SHA256(key = appSecret, timestamp + "\n" + appSecret)). */
export function robotSign(timestamp: string, appSecret: string): string {
  return createHmac("sha256", appSecret).update(`${timestamp}\n${appSecret}`, "utf8").digest("base64");
}

/** Whether a robot message's `timestamp` + `sign` headers are genuine and within `windowMs` of `nowMs` (0: no window). */
export function robotSignatureValid(timestamp: string, sign: string, appSecret: string, nowMs: number, windowMs = 3_600_000): boolean {
  if (!/^\d{13}$/.test(timestamp)) return false;
  if (windowMs > 0 && Math.abs(nowMs - Number(timestamp)) > windowMs) return false;
  return constantTimeEqual(robotSign(timestamp, appSecret), sign);
}
