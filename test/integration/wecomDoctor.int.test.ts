import { checkApi, checkSettings, formatReport } from "../../src/channels/wecom/diagnose";
import { loadConfig } from "../../src/config";
import { FakeWecom } from "../fakes/fakeWecom";

const AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

describe("npm run doctor (against the fake WeChat Work)", () => {
  let fake: FakeWecom;

  beforeEach(async () => {
    fake = new FakeWecom({ corpId: "ww5c2f1e8d7a6b3c90", secret: "the-real-secret" });
    await fake.start();
  });
  afterEach(() => fake.stop());

  const env = (overrides: Record<string, string> = {}) => ({
    WECOM_CORP_ID: fake.config.corpId,
    WECOM_AGENT_ID: String(fake.config.agentId),
    WECOM_SECRET: "the-real-secret",
    WECOM_TOKEN: "AnshaoToken",
    WECOM_ENCODING_AES_KEY: AES_KEY,
    WECOM_API_BASE: fake.url,
    ...overrides,
  });
  const run = async (overrides: Record<string, string> = {}) => {
    const { config, checks } = checkSettings(env(overrides));
    checks.push(...(await checkApi(config?.wecom as NonNullable<typeof config>["wecom"] & object, { timeoutMs: 1000 })));
    return { checks, report: formatReport(checks) };
  };

  it("passes on a healthy app and never prints the secret or the token", async () => {
    const { checks, report } = await run();
    expect(checks.map((c) => [c.title, c.ok])).toEqual([
      ["设置", true],
      ["获取 access_token", true],
      ["读取应用信息（agent/get）", true],
      ["读取可见部门（department/simplelist）", true],
    ]);
    expect(report).toContain("总结：全部检查通过");
    expect(report).toContain("可见 5 个部门");
    expect(report).not.toContain("the-real-secret");
    expect(report).not.toContain(fake.calls("agent/get")[0].query.access_token);
    expect(report).not.toContain(fake.config.corpId);
  });

  it("40001: says the secret is wrong and where to find the right one", async () => {
    const { checks, report } = await run({ WECOM_SECRET: "an-old-secret" });
    const token = checks.find((c) => c.title === "获取 access_token");
    expect(token).toMatchObject({ ok: false, detail: expect.stringContaining("Secret（WECOM_SECRET）不正确") });
    expect(token?.fix).toContain("应用管理 → 自建应用");
    expect(checks).toHaveLength(2); // no further calls without a token
    expect(report).toContain("解决办法：");
    expect(report).toContain("发现 1 个问题");
    expect(report).not.toContain("an-old-secret");
  });

  it("60020: names the server's IP as WeChat Work saw it and how to trust it", async () => {
    fake.failNext({ errcode: 60020, errmsg: "not allow to access from your ip" }, { api: "gettoken" });
    const { checks } = await run();
    const token = checks.find((c) => c.title === "获取 access_token");
    expect(token?.ok).toBe(false);
    expect(token?.detail).toContain("企业微信看到的是 127.0.0.1");
    expect(token?.detail).toContain("企业可信IP");
    expect(token?.fix).toContain("开发者接口 → 企业可信IP");
  });

  it("40013, 48002 and 60011 each get their own explanation", async () => {
    expect((await run({ WECOM_CORP_ID: "wwwrongcorp" })).checks[1]?.detail).toContain("企业 ID（WECOM_CORP_ID）不正确");
    fake.failNext({ errcode: 48002, errmsg: "api forbidden" }, { api: "agent/get" });
    fake.failNext({ errcode: 60011, errmsg: "no privilege to access/modify contact/party/agent" }, { api: "department/simplelist" });
    const { checks } = await run();
    expect(checks[2]).toMatchObject({ ok: false, detail: "该接口无权限调用。" });
    expect(checks[3]).toMatchObject({ ok: false, detail: expect.stringContaining("可见范围") });
  });

  it("explains an unreachable API host", async () => {
    const url = fake.url;
    await fake.stop();
    const { checks } = await run({ WECOM_API_BASE: url });
    expect(checks[1]).toMatchObject({ ok: false, detail: expect.stringContaining("无法连接企业微信接口") });
    expect(checks[1]?.fix).toContain("防火墙");
  });

  it("lists missing settings by name", () => {
    expect(checkSettings({}).checks[0]).toMatchObject({ ok: false, detail: expect.stringContaining("尚未配置企业微信") });
    const partial = checkSettings({ WECOM_CORP_ID: "ww1", WECOM_SECRET: "s" }).checks[0];
    expect(partial?.ok).toBe(false);
    expect(partial?.detail).toContain("WECOM_AGENT_ID");
    expect(partial?.detail).toContain("WECOM_ENCODING_AES_KEY");
    expect(loadConfig(env()).wecom?.secret).toBe("the-real-secret"); // the settings themselves are fine
  });
});
