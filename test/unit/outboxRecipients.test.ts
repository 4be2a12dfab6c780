import { resolveRecipients } from "../../src/domain/outbox/recipients";

describe("outbox recipients", () => {
  const both = { id: 1, wecomUserId: "zhang", dingtalkUserId: "ding-zhang", active: true };
  const dingOnly = { id: 2, wecomUserId: null, dingtalkUserId: "ding-li", active: true };
  const nobody = { id: 3, wecomUserId: null, dingtalkUserId: null, active: true };
  const left = { id: 4, wecomUserId: "wang", dingtalkUserId: null, active: false };

  it("reaches each person once, on the first enabled channel they have an account on", () => {
    expect(resolveRecipients([both, dingOnly], ["wecom", "dingtalk"])).toEqual([
      { channel: "wecom", userId: "zhang", personId: 1 },
      { channel: "dingtalk", userId: "ding-li", personId: 2 },
    ]);
    expect(resolveRecipients([both], ["dingtalk", "wecom"])).toEqual([{ channel: "dingtalk", userId: "ding-zhang", personId: 1 }]);
  });

  it("names people it cannot reach, with the reason in Chinese", () => {
    expect(resolveRecipients([dingOnly, nobody, left], ["wecom"])).toEqual([
      { channel: null, personId: 2, code: "no_account", reason: "未绑定企业微信账号，消息无法送达" },
      { channel: null, personId: 3, code: "no_account", reason: "未绑定企业微信账号，消息无法送达" },
      { channel: null, personId: 4, code: "inactive", reason: "该人员已停用，消息未发送" },
    ]);
    expect(resolveRecipients([nobody], ["wecom", "dingtalk"])[0]).toMatchObject({ reason: "未绑定企业微信或钉钉账号，消息无法送达" });
    expect(resolveRecipients([both], [])[0]).toMatchObject({ channel: null, reason: "未启用任何消息渠道，消息无法送达" });
  });

  it("addresses console users by their person id", () => {
    expect(resolveRecipients([nobody], ["wecom", "console"])).toEqual([{ channel: "console", userId: "3", personId: 3 }]);
  });
});
