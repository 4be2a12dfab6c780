// A copy of ../shared/protocol/vectors.json, kept in the repo so CI does not depend on the workspace.
import vectors from "../fixtures/protocol/vectors.json";
import { aesDecrypt, DingtalkCrypto, DingtalkCryptoError, openEnvelope, parseAesKey, robotSign, robotSignatureValid } from "../../src/channels/dingtalk/crypto";

const { D1, S1 } = vectors;

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof DingtalkCryptoError) return err.reason;
    throw err;
  }
  return "no error";
}

describe("DingTalk callback crypto against the published vector D1", () => {
  const crypto = new DingtalkCrypto({ token: D1.token, aesKey: D1.key, appKey: D1.owner });

  it("verifies the signature over the millisecond timestamp and refuses a changed nonce", () => {
    expect(crypto.verify(D1.signature, D1.timestamp, D1.nonce, D1.encrypt)).toBe(true);
    expect(crypto.verify(D1.signature.toUpperCase(), D1.timestamp, D1.nonce, D1.encrypt)).toBe(true);
    expect(crypto.verify(D1.signature, D1.timestamp, "nEXhMP4s", D1.encrypt)).toBe(false);
    expect(crypto.verify(D1.signature, String(Number(D1.timestamp) + 1), D1.nonce, D1.encrypt)).toBe(false);
  });

  it("decrypts to the published plaintext and random bytes", () => {
    expect(crypto.decrypt(D1.encrypt)).toBe(D1.plaintext);
    expect(openEnvelope(parseAesKey(D1.key), D1.encrypt).random.toString("utf8")).toBe(D1.random);
  });

  it("refuses an envelope sealed for another app key", () => {
    const other = new DingtalkCrypto({ token: D1.token, aesKey: D1.key, appKey: "dingotherappkey" });
    expect(reason(() => other.decrypt(D1.encrypt))).toBe("wrong_receiver");
  });

  it("accepts the 16-byte padding DingTalk's Rust sample produces", () => {
    expect(aesDecrypt(parseAesKey(D1.key), D1.raw.b64).toString()).toBe(D1.raw.plain);
  });

  it("refuses a tampered ciphertext", () => {
    const bytes = Buffer.from(D1.encrypt, "base64");
    bytes[bytes.length - 1] ^= 0x01;
    expect(reason(() => crypto.decrypt(bytes.toString("base64")))).toMatch(/bad_padding|bad_length|bad_utf8|wrong_receiver/);
  });

  it("answers `success` sealed for the app key, signed over the reply's own timestamp and nonce", () => {
    const reply = crypto.successReply("1445827045067", "nEXhMP4r");
    expect(crypto.verify(reply.msg_signature, reply.timeStamp, reply.nonce, reply.encrypt)).toBe(true);
    expect(crypto.decrypt(reply.encrypt)).toBe("success");
  });

  it("round-trips Chinese text whose byte length differs from its character length", () => {
    const text = JSON.stringify({ EventType: "user_add_org", UserId: ["张伟"], 备注: "安全生产" });
    expect(crypto.decrypt(crypto.encrypt(text))).toBe(text);
  });
});

describe("DingTalk robot signature", () => {
  it("reproduces the published webhook signature S1 (same HMAC, URL-encoded there)", () => {
    expect(encodeURIComponent(robotSign(S1.timestamp, S1.secret))).toBe(S1.signedUrlEncoded);
  });

  it("accepts a genuine sign within the hour and refuses a wrong one, a stale one and a future one", () => {
    const ts = S1.timestamp;
    const sign = robotSign(ts, S1.secret);
    const now = Number(ts);
    expect(robotSignatureValid(ts, sign, S1.secret, now + 59 * 60_000)).toBe(true);
    expect(robotSignatureValid(ts, sign, "SECwrong", now)).toBe(false);
    expect(robotSignatureValid(ts, sign.replace(/^./, (c) => (c === "A" ? "B" : "A")), S1.secret, now)).toBe(false);
    expect(robotSignatureValid(ts, sign, S1.secret, now + 61 * 60_000)).toBe(false);
    expect(robotSignatureValid(ts, sign, S1.secret, now - 61 * 60_000)).toBe(false);
    expect(robotSignatureValid("15821635550", sign, S1.secret, now)).toBe(false);
  });
});
