import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import type { ChannelId } from "../../channels/channel";
import { AppError } from "../../errors";

/**
 * What identifies a tipster, sealed into `tips.reporter_sealed` and shown only to a tip officer
 * who reveals it. A snapshot: later directory changes do not rewrite who tipped.
 */
export interface TipIdentity {
  personId: number | null;
  name: string | null;
  mobile: string | null;
  unit: string | null;
  /** Messenger accounts at the time of the tip, e.g. `{ wecom: "zhangsan" }`. */
  accounts: Partial<Record<ChannelId, string>>;
}

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

const derive = (master: Buffer, purpose: string) => Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), `anshao/tips/${purpose}`, 32));

/**
 * The keys derived from TIP_IDENTITY_KEY: one seals identities (AES-256-GCM), one makes lookup
 * hashes (HMAC-SHA256), one names the key (a fingerprint stored next to each sealed identity). The
 * master key itself is never used directly, so the three uses cannot be played against each other.
 */
export class TipKeys {
  /** 16 hex characters naming the master key; safe to store and to show. */
  readonly keyId: string;
  private readonly sealKey: Buffer;
  private readonly lookupKey: Buffer;

  constructor(master: Buffer) {
    if (master.length !== 32) throw new AppError("tip_key_invalid", "举报人身份加密密钥应为 32 字节（TIP_IDENTITY_KEY）", 500);
    this.sealKey = derive(master, "identity-seal");
    this.lookupKey = derive(master, "reporter-lookup");
    this.keyId = derive(master, "key-id").subarray(0, 8).toString("hex");
  }

  /** A key for this process only: for tests, and for SQLite in memory where nothing outlives the process. */
  static ephemeral(): TipKeys {
    return new TipKeys(randomBytes(32));
  }

  /** Seals `identity`, bound to `binding` (the tip's number) so a sealed value moved to another tip does not open. */
  seal(identity: TipIdentity, binding: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.sealKey, iv);
    cipher.setAAD(Buffer.from(binding, "utf8"));
    const body = Buffer.concat([cipher.update(JSON.stringify(identity), "utf8"), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
  }

  /**
   * Opens what `seal` made. A value sealed under another key, or altered, is refused with an error
   * that says which — never garbage, and never any part of the identity.
   */
  open(sealed: string, keyId: string | null, binding: string): TipIdentity {
    if (keyId !== null && keyId !== this.keyId) {
      throw new AppError(
        "tip_identity_key_mismatch",
        `该举报的举报人身份由另一把密钥加密（密钥指纹 ${keyId}），与当前 TIP_IDENTITY_KEY（指纹 ${this.keyId}）不一致，无法解密。请系统管理员恢复原密钥后再查看。`,
        409,
      );
    }
    const [version, data] = sealed.split(".");
    const raw = Buffer.from(data ?? "", "base64");
    if (version !== VERSION || raw.length <= IV_BYTES + TAG_BYTES) throw corrupt();
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.sealKey, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(binding, "utf8"));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
      return JSON.parse(plain.toString("utf8")) as TipIdentity;
    } catch {
      throw corrupt();
    }
  }

  /** The keyed hash a tipster's tips are found by, e.g. of `person:12`; names nobody without the key. */
  lookup(subject: string): string {
    return createHmac("sha256", this.lookupKey).update(subject, "utf8").digest("hex");
  }
}

const corrupt = () => new AppError("tip_identity_unreadable", "该举报的举报人身份密文已损坏或被改动，无法解密。请系统管理员检查数据库与 TIP_IDENTITY_KEY。", 409);

/** The lookup subject of a person in the directory. */
export const personSubject = (personId: number) => `person:${personId}`;
