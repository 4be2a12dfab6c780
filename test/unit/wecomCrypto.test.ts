import { createCipheriv } from "node:crypto";
import { decrypt as referenceDecrypt, encrypt as referenceEncrypt } from "@wecom/crypto";
// A copy of ../shared/protocol/vectors.json, kept in the repo so CI does not depend on the workspace.
import vectors from "../fixtures/protocol/vectors.json";
import {
  aesDecrypt,
  CallbackCrypto,
  compareUtf8,
  isPaddedBase64,
  openEnvelope,
  parseAesKey,
  sealEnvelope,
  signature,
  signatureMatches,
  WecomCryptoError,
} from "../../src/channels/wecom/crypto";
import { parseMessageXml } from "../../src/channels/wecom/xml";

const { W3, W4, D1 } = vectors;

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof WecomCryptoError) return err.reason;
    throw err;
  }
  return "no error";
}

/** Encrypts raw padded bytes, so tests can put any pad byte at the end. */
function rawCipher(encodingAesKey: string, plain: Buffer): string {
  const { key, iv } = parseAesKey(encodingAesKey);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString("base64");
}

describe("published vectors (vectors.json)", () => {
  const w3 = new CallbackCrypto({ token: W3.token, encodingAesKey: W3.key, receiverId: W3.receiveId });

  it("W3 GET: verifies the URL check and decrypts the echostr", () => {
    const { msg_signature, timestamp, nonce, echostr, negative_nonce } = W3.get;
    expect(w3.verify(msg_signature, timestamp, nonce, echostr)).toBe(true);
    expect(w3.verify(msg_signature, timestamp, negative_nonce, echostr)).toBe(false);
    expect(w3.decrypt(echostr)).toBe("5927782489442352469");
  });

  it("W3 POST: verifies, decrypts and parses the message, keeping the 19-digit MsgId exact", () => {
    const { msg_signature, timestamp, nonce, encrypt, expect: expected } = W3.post;
    expect(w3.verify(msg_signature, timestamp, nonce, encrypt)).toBe(true);
    const xml = parseMessageXml(w3.decrypt(encrypt));
    expect(xml).toMatchObject(expected);
    expect(xml.MsgId).toBe("4363689963896700987");
  });

  it("W3 reply: deterministic passive-reply encryption and its signature", () => {
    const { random, timestamp, nonce, plaintext, encrypt, msg_signature } = W3.reply;
    const sealed = w3.seal(plaintext, timestamp, nonce, Buffer.from(random));
    expect(sealed).toEqual({ encrypt, signature: msg_signature });
  });

  it("W4: signature only", () => {
    const { timestamp, nonce, encrypt, expected } = W4.sig;
    expect(signature(W4.token, timestamp, nonce, encrypt)).toBe(expected);
  });

  it("D1: the DingTalk envelope (millisecond timestamp, JSON inside, suite key as receiver)", () => {
    const d1 = new CallbackCrypto({ token: D1.token, encodingAesKey: D1.key, receiverId: D1.owner });
    expect(d1.verify(D1.signature, D1.timestamp, D1.nonce, D1.encrypt)).toBe(true);
    expect(d1.decrypt(D1.encrypt)).toBe(D1.plaintext);
    expect(openEnvelope(parseAesKey(D1.key), D1.encrypt).random.toString()).toBe(D1.random);
  });

  it("D1 raw: AES-CBC with a 16-byte pad (DingTalk's Rust sample) decrypts", () => {
    expect(aesDecrypt(parseAesKey(D1.key), D1.raw.b64).toString()).toBe(D1.raw.plain);
  });
});

describe("round trips", () => {
  const key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
  const corp = "ww5c2f1e8d7a6b3c90";
  const box = new CallbackCrypto({ token: "t", encodingAesKey: key, receiverId: corp });

  it("handles every pad value 1..32, both ways and against @wecom/crypto", () => {
    const seen = new Set<number>();
    for (let n = 0; n < 32; n++) {
      const message = "x".repeat(n);
      const sealed = box.encrypt(message);
      const padded = Buffer.from(sealed, "base64").length - (20 + n + corp.length);
      seen.add(padded);
      expect(box.decrypt(sealed)).toBe(message);
      expect(referenceDecrypt(key, sealed)).toMatchObject({ message, id: corp });
      expect(box.decrypt(referenceEncrypt(key, message, corp))).toBe(message);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
  });

  it("frames Chinese text by bytes, not characters", () => {
    const message = "<xml><Content><![CDATA[镇上化工厂东侧围墙出现裂缝，请尽快处理 🚧]]></Content></xml>";
    const opened = openEnvelope(parseAesKey(key), referenceEncrypt(key, message, corp));
    expect(opened).toMatchObject({ message, receiverId: corp });
    expect(box.decrypt(sealEnvelope(parseAesKey(key), message, corp))).toBe(message);
  });

  it("accepts a non-canonical EncodingAESKey (non-zero trailing bits)", () => {
    expect(parseAesKey(W3.key).key).toHaveLength(32);
    expect(() => new CallbackCrypto({ token: "t", encodingAesKey: "tooShort", receiverId: corp })).toThrow(WecomCryptoError);
  });
});

describe("refusals", () => {
  const key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
  const corp = "ww5c2f1e8d7a6b3c90";
  const box = new CallbackCrypto({ token: "t", encodingAesKey: key, receiverId: corp });
  const sealed = referenceEncrypt(key, "<xml>hello</xml>", corp);

  it("refuses a message sealed for another receiver", () => {
    expect(reason(() => box.decrypt(referenceEncrypt(key, "<xml/>", "ww0000000000000000")))).toBe("wrong_receiver");
    expect(reason(() => box.decrypt(referenceEncrypt(key, "<xml/>", `${corp}x`)))).toBe("wrong_receiver");
    expect(reason(() => box.decrypt(referenceEncrypt(key, "<xml/>", "")))).toBe("wrong_receiver");
  });

  it("refuses tampered ciphertext", () => {
    const bytes = Buffer.from(sealed, "base64");
    bytes[bytes.length - 1] ^= 0x5a; // the last block's padding becomes garbage
    expect(["bad_padding", "bad_length", "bad_utf8", "wrong_receiver"]).toContain(reason(() => box.decrypt(bytes.toString("base64"))));
    const truncated = Buffer.from(sealed, "base64").subarray(0, 32).toString("base64");
    expect(reason(() => box.decrypt(truncated))).not.toBe("no error");
  });

  it("refuses pad bytes outside 1..32 and inconsistent padding", () => {
    const body = Buffer.alloc(64 - 1, 0x41);
    expect(reason(() => aesDecrypt(parseAesKey(key), rawCipher(key, Buffer.concat([body, Buffer.from([0])]))))).toBe("bad_padding");
    expect(reason(() => aesDecrypt(parseAesKey(key), rawCipher(key, Buffer.concat([body, Buffer.from([33])]))))).toBe("bad_padding");
    const uneven = Buffer.concat([Buffer.alloc(60, 0x41), Buffer.from([4, 4, 3, 4])]);
    expect(reason(() => aesDecrypt(parseAesKey(key), rawCipher(key, uneven)))).toBe("bad_padding");
  });

  it("refuses a length field that runs past the end", () => {
    const plain = Buffer.concat([Buffer.alloc(16, 1), Buffer.from([0, 0, 1, 0]), Buffer.alloc(12, 0x41)]);
    expect(reason(() => box.decrypt(rawCipher(key, Buffer.concat([plain, Buffer.alloc(32, 32)]))))).toBe("bad_length");
  });

  it("refuses bad base64 and wrong ciphertext lengths", () => {
    expect(reason(() => box.decrypt(""))).toBe("bad_base64");
    expect(reason(() => box.decrypt("not base64!!"))).toBe("bad_base64");
    expect(reason(() => box.decrypt(`${sealed.slice(0, 10)} ${sealed.slice(10)}`))).toBe("bad_base64");
    expect(reason(() => box.decrypt(Buffer.alloc(16).toString("base64")))).toBe("bad_length");
    expect(reason(() => box.decrypt(Buffer.alloc(40).toString("base64")))).toBe("bad_length");
  });

  it("refuses a wrong or tampered signature, in constant time", () => {
    const good = box.sign("1411525903", "461056294", sealed);
    expect(box.verify(good, "1411525903", "461056294", sealed)).toBe(true);
    expect(box.verify(good.toUpperCase(), "1411525903", "461056294", sealed)).toBe(true);
    expect(box.verify(good, "1411525904", "461056294", sealed)).toBe(false);
    expect(box.verify(good, "1411525903", "461056294", `${sealed.slice(0, -4)}AAA=`)).toBe(false);
    expect(box.verify(`${good.slice(0, -1)}${good.endsWith("0") ? "1" : "0"}`, "1411525903", "461056294", sealed)).toBe(false);
    expect(signatureMatches(good, good.slice(0, 20))).toBe(false);
    expect(signatureMatches(good, "")).toBe(false);
  });
});

describe("compareUtf8", () => {
  it("orders strings as their UTF-8 bytes do, astral characters and lone surrogates included", () => {
    const samples = ["", "a", "ab", "b", "Z", "~", "é", "中", "\uD7FF", "\uE000", "\uFFFF", "😀", "😀a", "\uD800", "\uDC00", "a\uFFFF", "a😀", "1409304348", "xmBdJv1t"];
    for (const a of samples) for (const b of samples) expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });
});

describe("isPaddedBase64", () => {
  it("accepts exactly what the canonical base64 expression accepts", () => {
    const expression = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
    const samples = ["", "QQ==", "QUI=", "QUJD", "QUJDRA==", "Q===", "=QQ=", "QQ=A", "QQ", "QUJ", "A-_B", "QU J", "QUJD\n", "QUJ😀", "Q\u0000==", Buffer.alloc(48, 7).toString("base64")];
    for (const text of samples) expect(isPaddedBase64(text)).toBe(text.length > 0 && expression.test(text));
  });
});
