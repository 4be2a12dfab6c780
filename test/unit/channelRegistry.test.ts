import { CHANNEL_NAMES } from "../../src/channels/channel";
import { CHANNEL_MODULES, capabilitiesOf, channelLimits, displayNameOf } from "../../src/channels/registry";
import { loadConfig } from "../../src/config";

const DINGTALK = { DINGTALK_APP_KEY: "dingkey", DINGTALK_APP_SECRET: "s", DINGTALK_AGENT_ID: "3001", DINGTALK_TOKEN: "t", DINGTALK_AES_KEY: "b".repeat(43) };
const WECOM = { WECOM_CORP_ID: "ww1", WECOM_AGENT_ID: "1000002", WECOM_SECRET: "s", WECOM_TOKEN: "t", WECOM_ENCODING_AES_KEY: "a".repeat(43) };

describe("the channel registry", () => {
  it("lists each messenger once, in order of preference, under the name people know it by", () => {
    expect(CHANNEL_MODULES.map((m) => m.id)).toEqual(["wecom", "dingtalk", "console"]);
    for (const m of CHANNEL_MODULES) expect(m.displayName).toBe(CHANNEL_NAMES[m.id]);
    expect(displayNameOf("dingtalk")).toBe("钉钉");
  });

  it("enables a channel only where the deployment configured it", () => {
    const enabled = (env: Record<string, string>) => CHANNEL_MODULES.filter((m) => m.enabled(loadConfig(env))).map((m) => m.id);
    expect(enabled({})).toEqual(["console"]);
    expect(enabled(WECOM)).toEqual(["wecom"]);
    expect(enabled({ ...WECOM, CONSOLE_ENABLED: "true" })).toEqual(["wecom", "console"]);
    expect(enabled(DINGTALK)).toEqual(["dingtalk"]);
    expect(() => loadConfig({ ...DINGTALK, DINGTALK_TOKEN: "" })).toThrow(/DINGTALK_TOKEN: 启用钉钉（http 模式）需同时设置/);
  });

  it("answers capabilities by channel", () => {
    expect(capabilitiesOf("wecom")).toMatchObject({ cards: true, infoCardNeedsLink: true, maxButtons: 6, maxRecipientsPerCall: 1000 });
    expect(capabilitiesOf("console")).toMatchObject({ cards: true, infoCardNeedsLink: false });
    // DingTalk's robot interactive cards carry the bot's buttons and 叫应.
    expect(capabilitiesOf("dingtalk")).toMatchObject({ cards: true, maxRecipientsPerCall: 100 });
  });

  it("gathers the sending limits the modules declare", () => {
    const limits = channelLimits(loadConfig({ ...WECOM, WECOM_DAILY_QUOTA: "5000" }));
    expect(limits.wecom?.perAppPerDay).toBe(5000);
    expect(limits.console).toBeUndefined();
  });
});
