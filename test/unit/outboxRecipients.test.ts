import type { ChannelId } from "../../src/channels/channel";
import { type PersonReach, routeRecipients } from "../../src/domain/outbox/recipients";

const person = (id: number, accounts: Partial<Record<ChannelId, string>>, more: Partial<PersonReach> = {}): PersonReach => ({
  id,
  active: true,
  preferredChannel: null,
  accounts: new Map(Object.entries(accounts) as [ChannelId, string][]),
  ...more,
});

describe("outbox recipients", () => {
  const both = person(1, { wecom: "zhang", dingtalk: "ding-zhang" });
  const dingOnly = person(2, { dingtalk: "ding-li" });
  const nobody = person(3, {});
  const left = person(4, { wecom: "wang" }, { active: false });

  it("reaches each person once, on the first enabled channel they have an account on", () => {
    expect(routeRecipients([both, dingOnly], ["wecom", "dingtalk"])).toEqual([
      { channel: "wecom", userId: "zhang", personId: 1 },
      { channel: "dingtalk", userId: "ding-li", personId: 2 },
    ]);
    expect(routeRecipients([both], ["dingtalk", "wecom"])).toEqual([{ channel: "dingtalk", userId: "ding-zhang", personId: 1 }]);
  });

  it("uses the person's preferred channel while it is enabled, and falls back when it is not", () => {
    const prefersDing = person(5, { wecom: "zhao", dingtalk: "ding-zhao" }, { preferredChannel: "dingtalk" });
    expect(routeRecipients([prefersDing], ["wecom", "dingtalk"])).toEqual([{ channel: "dingtalk", userId: "ding-zhao", personId: 5 }]);
    expect(routeRecipients([prefersDing], ["wecom"])).toEqual([{ channel: "wecom", userId: "zhao", personId: 5 }]);
    // A preference for a channel the person has no account on changes nothing.
    const prefersNothing = person(6, { wecom: "qian" }, { preferredChannel: "dingtalk" });
    expect(routeRecipients([prefersNothing], ["wecom", "dingtalk"])).toEqual([{ channel: "wecom", userId: "qian", personId: 6 }]);
  });

  it("names people it cannot reach, with the reason in Chinese", () => {
    expect(routeRecipients([dingOnly, nobody, left], ["wecom"])).toEqual([
      { channel: null, personId: 2, code: "no_account", reason: "未绑定企业微信账号，消息无法送达" },
      { channel: null, personId: 3, code: "no_account", reason: "未绑定企业微信账号，消息无法送达" },
      { channel: null, personId: 4, code: "inactive", reason: "该人员已停用，消息未发送" },
    ]);
    expect(routeRecipients([nobody], ["wecom", "dingtalk"])[0]).toMatchObject({ reason: "未绑定企业微信或钉钉账号，消息无法送达" });
    expect(routeRecipients([both], [])[0]).toMatchObject({ channel: null, reason: "未启用任何消息渠道，消息无法送达" });
  });

  it("addresses console users by their person id", () => {
    expect(routeRecipients([nobody], ["wecom", "console"])).toEqual([{ channel: "console", userId: "3", personId: 3 }]);
  });
});
