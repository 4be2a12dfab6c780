import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config";
import { loadTipKeys, TipKeys, type TipIdentity } from "../../src/domain/tips";

const identity: TipIdentity = { personId: 46, name: "潘德明", mobile: "13900000046", unit: "石桥村", accounts: { wecom: "pandeming" } };
const key = () => randomBytes(32).toString("base64");

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("tip identity keys", () => {
  it("seals an identity that opens only with the same key and the same tip number", () => {
    const keys = new TipKeys(randomBytes(32));
    const sealed = keys.seal(identity, "JB2026-000001");
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain("潘德明");
    expect(Buffer.from(sealed.slice(3), "base64").toString("utf8")).not.toContain("13900000046");
    expect(keys.open(sealed, keys.keyId, "JB2026-000001")).toEqual(identity);
    // Fresh randomness each time: two seals of one identity do not match.
    expect(keys.seal(identity, "JB2026-000001")).not.toBe(sealed);
    expect(() => keys.open(sealed, keys.keyId, "JB2026-000002")).toThrow(expect.objectContaining({ code: "tip_identity_unreadable" }));
  });

  it("names a different key as such, and refuses an altered value, never returning garbage", () => {
    const a = new TipKeys(randomBytes(32));
    const b = new TipKeys(randomBytes(32));
    const sealed = a.seal(identity, "JB2026-000001");
    expect(() => b.open(sealed, a.keyId, "JB2026-000001")).toThrow(`密钥指纹 ${a.keyId}），与当前 TIP_IDENTITY_KEY（指纹 ${b.keyId}）不一致`);
    // Without a stored fingerprint the authentication tag still catches the wrong key.
    expect(() => b.open(sealed, null, "JB2026-000001")).toThrow(expect.objectContaining({ code: "tip_identity_unreadable" }));
    const raw = Buffer.from(sealed.slice(3), "base64");
    raw[raw.length - 1] = (raw[raw.length - 1] as number) ^ 1;
    expect(() => a.open(`v1.${raw.toString("base64")}`, a.keyId, "JB2026-000001")).toThrow("已损坏或被改动");
    expect(() => a.open("v0.garbage", a.keyId, "JB2026-000001")).toThrow(expect.objectContaining({ code: "tip_identity_unreadable" }));
  });

  it("derives a stable key id and lookup hash from the master key, different per key", () => {
    const master = randomBytes(32);
    const [one, two, other] = [new TipKeys(master), new TipKeys(master), new TipKeys(randomBytes(32))];
    expect(one.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(one.keyId).toBe(two.keyId);
    expect(one.lookup("person:46")).toBe(two.lookup("person:46"));
    expect(one.lookup("person:46")).toMatch(/^[0-9a-f]{64}$/);
    expect(one.lookup("person:46")).not.toBe(one.lookup("person:47"));
    expect(other.lookup("person:46")).not.toBe(one.lookup("person:46"));
    expect(other.keyId).not.toBe(one.keyId);
  });

  it("generates the embedded key file once, mode 0600, and reads the same key after a restart", () => {
    const dir = mkdtempSync(join(tmpdir(), "anshao-tipkey-"));
    const file = join(dir, "data", "tip-identity.key");
    const created: string[] = [];
    const first = loadTipKeys({ keyFile: file }, (path) => created.push(path));
    expect(created).toEqual([file]);
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8").trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(loadTipKeys({ keyFile: file }, (path) => created.push(path)).keyId).toBe(first.keyId);
    expect(created).toHaveLength(1);
  });

  it("prefers TIP_IDENTITY_KEY, and refuses a damaged key file with a clear message", () => {
    const master = key();
    expect(loadTipKeys({ identityKey: master }).keyId).toBe(new TipKeys(Buffer.from(master, "base64")).keyId);
    const dir = mkdtempSync(join(tmpdir(), "anshao-tipkey-"));
    const file = join(dir, "tip-identity.key");
    writeFileSync(file, "not a key");
    expect(() => loadTipKeys({ keyFile: file })).toThrow(`举报人身份密钥文件 ${file} 内容无效`);
  });
});

describe("TIP_IDENTITY_KEY setting", () => {
  it("keeps the embedded mode's generated key next to the SQLite file", () => {
    expect(loadConfig({ SQLITE_PATH: "/srv/anshao/db.sqlite" }).tips).toMatchObject({ identityKey: undefined, keyFile: "/srv/anshao/tip-identity.key" });
    expect(loadConfig({ SQLITE_PATH: ":memory:" }).tips.keyFile).toBeUndefined();
    const set = key();
    expect(loadConfig({ TIP_IDENTITY_KEY: set }).tips).toMatchObject({ identityKey: set, keyFile: undefined });
  });

  it("is required with DATABASE_URL, in Chinese, naming the setting", () => {
    const server = { DATABASE_URL: "mysql://u:p@db:3306/anshao", BOARD_LINK_SECRET: "b".repeat(64) };
    const problems = problemsOf(server);
    expect(problems).toEqual([expect.stringMatching(/^TIP_IDENTITY_KEY: 使用 DATABASE_URL（生产部署）时必须设置举报人身份加密密钥/)]);
    expect(loadConfig({ ...server, TIP_IDENTITY_KEY: key() }).db.kind).toBe("mysql");
  });

  it("refuses a key that is not 32 bytes of base64, without echoing it", () => {
    const problems = problemsOf({ TIP_IDENTITY_KEY: "c2hvcnQta2V5" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("TIP_IDENTITY_KEY: 应为 32 字节密钥的 base64 编码");
    expect(problems[0]).not.toContain("c2hvcnQta2V5");
  });
});
