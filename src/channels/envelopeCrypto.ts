import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The WXBizMsgCrypt envelope shared by WeChat Work and DingTalk HTTP callbacks (docs/PROTOCOLS.md §1):
 * SHA-1 over the sorted (token, timestamp, nonce, ciphertext); AES-256-CBC with IV = key[0..16),
 * PKCS#7 padding to 32-byte blocks; plaintext = random16 ‖ uint32be(len) ‖ message ‖ receiverId.
 * Written on node:crypto rather than @wecom/crypto because that package accepts out-of-range pad
 * bytes as "no padding" and never checks the receiver id. Both channels build on this one file.
 */

/** Why an envelope was refused; the callback route maps these onto HTTP answers. */
export type CryptoFailure = "bad_key" | "bad_base64" | "bad_length" | "bad_padding" | "bad_utf8" | "wrong_receiver";

export class EnvelopeCryptoError extends Error {
  constructor(readonly reason: CryptoFailure) {
    super(`callback envelope refused: ${reason}`);
    this.name = "EnvelopeCryptoError";
  }
}

const BLOCK = 32;
const RANDOM_BYTES = 16;
const HEADER_BYTES = RANDOM_BYTES + 4;
// The base64 alphabet, by character code.
const BASE64_CHARS = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") BASE64_CHARS[c.charCodeAt(0)] = 1;
const utf8 = new TextDecoder("utf-8", { fatal: true });

export interface AesKey {
  key: Buffer;
  iv: Buffer;
}

/** Decodes the 43-character EncodingAESKey; non-zero trailing bits are accepted as real keys have them (PROTOCOLS §1.3). */
export function parseAesKey(encodingAesKey: string): AesKey {
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey)) throw new EnvelopeCryptoError("bad_key");
  const key = Buffer.from(`${encodingAesKey}=`, "base64");
  if (key.length !== 32) throw new EnvelopeCryptoError("bad_key");
  return { key, iv: key.subarray(0, 16) };
}

/** `msg_signature`: SHA-1 hex over the four strings sorted byte-wise and concatenated. */
export function signature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  const parts = [token, timestamp, nonce, encrypted].sort(compareUtf8);
  return createHash("sha1").update(parts.join("")).digest("hex");
}

/**
 * Orders two strings as their UTF-8 bytes would sort, without encoding them: UTF-16 units sort
 * the same way up to the first difference unless a surrogate is involved (U+10000 and above come
 * after U+E000–U+FFFF in UTF-8 but before them in UTF-16), and only then are the bytes compared.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (!isSurrogate(x) && !isSurrogate(y)) return x - y;
    return Buffer.compare(Buffer.from(a), Buffer.from(b));
  }
  return a.length - b.length;
}

const isSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdfff;

/** Compares in constant time, so response timing reveals nothing about the expected value. */
export function constantTimeEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given, "utf8");
  if (a.length !== b.length) {
    // timingSafeEqual needs equal lengths; still do the work so a length probe learns nothing more.
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** Lowercase hex is what is sent; an uppercase rendering of the same digest is the same signature. */
export function signatureMatches(expected: string, given: string): boolean {
  return constantTimeEqual(expected, given.toLowerCase());
}

/** AES-256-CBC decrypt with library padding off, then strip a PKCS#7 pad of 1..32 bytes. */
export function aesDecrypt(aes: AesKey, base64: string): Buffer {
  if (!isPaddedBase64(base64)) throw new EnvelopeCryptoError("bad_base64");
  const cipher = Buffer.from(base64, "base64");
  // WeCom pads to 32; the DingTalk Rust sample pads to 16, which 32-aware decoders still accept.
  if (cipher.length < BLOCK || cipher.length % 16 !== 0) throw new EnvelopeCryptoError("bad_length");
  const decipher = createDecipheriv("aes-256-cbc", aes.key, aes.iv);
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(cipher), decipher.final()]);
  const pad = padded[padded.length - 1];
  if (pad < 1 || pad > BLOCK) throw new EnvelopeCryptoError("bad_padding");
  for (let i = padded.length - pad; i < padded.length; i++) if (padded[i] !== pad) throw new EnvelopeCryptoError("bad_padding");
  return padded.subarray(0, padded.length - pad);
}

/**
 * Padded base64 and nothing else: Buffer.from(…, "base64") silently skips junk, which would let a
 * mangled body decrypt into something else instead of being refused. The same test as
 * /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/ on a non-empty string, in a
 * loop that costs a fraction of the expression on a callback's ciphertext.
 */
export function isPaddedBase64(text: string): boolean {
  const length = text.length;
  if (length === 0 || length % 4 !== 0) return false;
  const pad = text.charCodeAt(length - 1) !== 0x3d /* = */ ? 0 : text.charCodeAt(length - 2) === 0x3d ? 2 : 1;
  for (let i = 0; i < length - pad; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || BASE64_CHARS[code] !== 1) return false;
  }
  return true;
}

/** The framed content of an envelope, before the receiver id is checked. */
export interface Opened {
  message: string;
  receiverId: string;
  random: Buffer;
}

/** Decrypts and unframes an envelope; length framing counts bytes, not characters. */
export function openEnvelope(aes: AesKey, base64: string): Opened {
  const plain = aesDecrypt(aes, base64);
  if (plain.length < HEADER_BYTES) throw new EnvelopeCryptoError("bad_length");
  const length = plain.readUInt32BE(RANDOM_BYTES);
  if (length > plain.length - HEADER_BYTES) throw new EnvelopeCryptoError("bad_length");
  try {
    return {
      random: Buffer.from(plain.subarray(0, RANDOM_BYTES)),
      message: utf8.decode(plain.subarray(HEADER_BYTES, HEADER_BYTES + length)),
      receiverId: utf8.decode(plain.subarray(HEADER_BYTES + length)),
    };
  } catch {
    throw new EnvelopeCryptoError("bad_utf8");
  }
}

/** Frames, pads to 32-byte blocks and encrypts `message` for `receiverId`; base64 out. */
export function sealEnvelope(aes: AesKey, message: string, receiverId: string, random: Buffer = randomBytes(RANDOM_BYTES)): string {
  if (random.length !== RANDOM_BYTES) throw new EnvelopeCryptoError("bad_length");
  const body = Buffer.from(message, "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  const plain = Buffer.concat([random, length, body, Buffer.from(receiverId, "utf8")]);
  const pad = BLOCK - (plain.length % BLOCK);
  const cipher = createCipheriv("aes-256-cbc", aes.key, aes.iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString("base64");
}

export interface CallbackCryptoOptions {
  token: string;
  encodingAesKey: string;
  /** CorpID for a WeCom self-built app; the DingTalk app key for DingTalk event callbacks. */
  receiverId: string;
}

/** One app's callback crypto: the key is parsed once, the receiver id always checked. */
export class CallbackCrypto {
  private readonly aes: AesKey;

  constructor(private readonly options: CallbackCryptoOptions) {
    this.aes = parseAesKey(options.encodingAesKey);
  }

  sign(timestamp: string, nonce: string, encrypted: string): string {
    return signature(this.options.token, timestamp, nonce, encrypted);
  }

  verify(msgSignature: string, timestamp: string, nonce: string, encrypted: string): boolean {
    return signatureMatches(this.sign(timestamp, nonce, encrypted), msgSignature);
  }

  /** The decrypted message; throws `wrong_receiver` when it was sealed for someone else. */
  decrypt(encrypted: string): string {
    const opened = openEnvelope(this.aes, encrypted);
    if (!constantTimeEqual(this.options.receiverId, opened.receiverId)) throw new EnvelopeCryptoError("wrong_receiver");
    return opened.message;
  }

  encrypt(message: string, random?: Buffer): string {
    return sealEnvelope(this.aes, message, this.options.receiverId, random);
  }

  /** An encrypted passive reply: ciphertext plus the signature the platform checks. */
  seal(message: string, timestamp: string, nonce: string, random?: Buffer): { encrypt: string; signature: string } {
    const encrypt = this.encrypt(message, random);
    return { encrypt, signature: this.sign(timestamp, nonce, encrypt) };
  }
}
