import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig, settingNames } from "../../src/config";

const wecom = {
  WECOM_CORP_ID: "ww1234567890abcdef",
  WECOM_AGENT_ID: "1000002",
  WECOM_SECRET: "s3cr3t",
  WECOM_TOKEN: "tok",
  WECOM_ENCODING_AES_KEY: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("gives the embedded defaults when nothing is set", () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ host: "127.0.0.1", port: 3000, bodyLimitBytes: 1024 * 1024, apiTimeoutMs: 30_000, apiMaxInFlight: 64 });
    expect(config.db).toEqual({ kind: "sqlite", path: "./data/anshao.sqlite" });
    expect(config.kv.kind).toBe("memory");
    expect(config.demo).toBe(true);
    expect(config.wecom).toBeUndefined();
  });

  it("selects MySQL and Redis from their URLs and turns demo data off", () => {
    const config = loadConfig({ DATABASE_URL: "mysql://u:p@db:3306/anshao", REDIS_URL: "redis://cache:6379/1", TIP_IDENTITY_KEY: "q".repeat(43) + "=", BOARD_LINK_SECRET: "b".repeat(64) });
    expect(config.db).toEqual({ kind: "mysql", url: "mysql://u:p@db:3306/anshao" });
    expect(config.kv).toMatchObject({ kind: "redis", url: "redis://cache:6379/1" });
    expect(config.demo).toBe(false);
  });

  it("refuses a production database without the tipsters' identity key, which a redeploy must not lose", () => {
    const problems = problemsOf({ DATABASE_URL: "mysql://u:p@db:3306/anshao", BOARD_LINK_SECRET: "b".repeat(64) });
    expect(problems).toEqual([expect.stringMatching(/^TIP_IDENTITY_KEY: .*必须设置举报人身份加密密钥/)]);
  });

  it("refuses a production database without the board links' key, which every instance and restart must share", () => {
    const problems = problemsOf({ DATABASE_URL: "mysql://u:p@db:3306/anshao", TIP_IDENTITY_KEY: "q".repeat(43) + "=" });
    expect(problems).toEqual([expect.stringMatching(/^BOARD_LINK_SECRET: 使用 DATABASE_URL（生产部署）时必须设置叫应看板链接的签名密钥/)]);
    // Both missing: both named at once.
    expect(problemsOf({ DATABASE_URL: "mysql://u:p@db:3306/anshao" }).map((p) => p.split(":")[0])).toEqual(["TIP_IDENTITY_KEY", "BOARD_LINK_SECRET"]);
  });

  it("keeps the embedded mode's board link key in a file beside the SQLite database, unless one is set", () => {
    expect(loadConfig({ SQLITE_PATH: "/srv/anshao/anshao.sqlite" }).callouts).toMatchObject({ boardLinkSecret: undefined, boardLinkKeyFile: "/srv/anshao/board-link.key" });
    expect(loadConfig({ SQLITE_PATH: ":memory:" }).callouts.boardLinkKeyFile).toBeUndefined();
    expect(loadConfig({ BOARD_LINK_SECRET: "s".repeat(40) }).callouts).toMatchObject({ boardLinkSecret: "s".repeat(40), boardLinkKeyFile: undefined });
  });

  it("listens on loopback in the embedded mode and on every interface with a database server, unless HOST says otherwise", () => {
    expect(loadConfig({}).http.host).toBe("127.0.0.1");
    expect(loadConfig({ HOST: "0.0.0.0" }).http.host).toBe("0.0.0.0");
    const server = { DATABASE_URL: "mysql://u:p@db:3306/anshao", TIP_IDENTITY_KEY: "q".repeat(43) + "=", BOARD_LINK_SECRET: "b".repeat(64) };
    expect(loadConfig(server).http.host).toBe("0.0.0.0");
    expect(loadConfig({ ...server, HOST: "10.0.0.5" }).http.host).toBe("10.0.0.5");
  });

  it("asks for an administrator's sign-in on the console everywhere but the laptop demo", () => {
    expect(loadConfig({}).console).toEqual({ enabled: true, requireLogin: false });
    expect(loadConfig({ ...wecom, CONSOLE_ENABLED: "true" }).console).toEqual({ enabled: true, requireLogin: true });
    expect(loadConfig({ NODE_ENV: "production" }).console.requireLogin).toBe(true);
  });

  it("treats empty values as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", PORT: "" }).db.kind).toBe("sqlite");
  });

  it("lists every problem at once, in Chinese, naming the setting", () => {
    const problems = problemsOf({ PORT: "eighty", DATABASE_URL: "postgres://x@h/db", LOG_LEVEL: "loud", DEMO: "maybe" });
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith("PORT:"))).toContain("应为数字");
    expect(problems.find((p) => p.startsWith("DATABASE_URL:"))).toContain("只支持 mysql://");
    expect(problems.find((p) => p.startsWith("LOG_LEVEL:"))).toBeDefined();
    expect(problems.find((p) => p.startsWith("DEMO:"))).toContain("true/false");
  });

  it("never echoes a database password in an error", () => {
    const problems = problemsOf({ DATABASE_URL: "mysql://root:hunter2@db:3306/" });
    expect(problems.join("\n")).toContain("缺少数据库名");
    expect(problems.join("\n")).not.toContain("hunter2");
  });

  it("rejects a port out of range", () => {
    expect(problemsOf({ PORT: "70000" })[0]).toMatch(/^PORT: 应在 0–65535 之间/);
  });

  it("enables WeChat Work only with all five credentials", () => {
    expect(loadConfig(wecom).wecom).toMatchObject({ corpId: wecom.WECOM_CORP_ID, agentId: 1000002, replayWindowS: 3600 });
    const problems = problemsOf({ WECOM_CORP_ID: "ww1", WECOM_SECRET: "x" });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["WECOM_AGENT_ID", "WECOM_ENCODING_AES_KEY", "WECOM_TOKEN"]);
  });

  it("refuses a malformed EncodingAESKey without printing it", () => {
    const problems = problemsOf({ ...wecom, WECOM_ENCODING_AES_KEY: "short-key" });
    expect(problems[0]).toContain("43 位");
    expect(problems[0]).not.toContain("short-key");
  });

  it("is documented setting by setting in .env.example", () => {
    const example = readFileSync(join(__dirname, "../../.env.example"), "utf8");
    const documented = new Set([...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect(settingNames.filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !settingNames.includes(name as string))).toEqual([]);
  });
});
