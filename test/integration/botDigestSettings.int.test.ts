import { DigestSetting } from "../../src/db/entities/DigestSetting";
import { allText, type BotHarness, openBotHarness } from "../support/botHarness";

/** 简报设置 in chat: a leader switches the 每日简报 off and on and moves its hour, as the settings API does. */
describe("digest settings in chat", () => {
  let h: BotHarness;

  beforeAll(async () => {
    h = await openBotHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const setting = async (name: string) => h.stores.db.manager.findOne(DigestSetting, { where: { personId: (await h.person(name)).id } });

  it("lets a leader switch the digest off, on again, move the hour and go back to the default", async () => {
    const start = allText(await h.say("宋志刚", "简报"));
    expect(start).toContain("您的每日简报：已开启，每天 08:00（北京时间）发送（默认时间）。");
    expect(allText(await h.say("宋志刚", { click: "关闭简报" }))).toContain("已关闭每日简报");
    expect(await setting("宋志刚")).toMatchObject({ enabled: false, hour: null });

    expect(allText(await h.say("宋志刚", "简报"))).toContain("您的每日简报：已关闭。");
    expect(allText(await h.say("宋志刚", { click: "修改发送时间" }))).toContain("请回复每天接收简报的整点");
    const wrong = allText(await h.say("宋志刚", "25"));
    expect(wrong).toContain("接收时间应为 0–23 之间的整点");
    expect(allText(await h.say("宋志刚", "7点"))).toContain("已设置：每日简报每天 07:00（北京时间）发送");
    expect(await setting("宋志刚")).toMatchObject({ enabled: true, hour: 7 });

    expect(allText(await h.say("宋志刚", "简报"))).toContain("已开启，每天 07:00（北京时间）发送。");
    expect(allText(await h.say("宋志刚", { click: "恢复默认时间" }))).toContain("已设置：每日简报每天 08:00（北京时间）发送。");
    expect(await setting("宋志刚")).toMatchObject({ enabled: true, hour: null });
  });

  it("is offered to leaders only", async () => {
    expect(allText(await h.say("宋志刚", "帮助"))).toContain("简报设置");
    expect(allText(await h.say("张伟", "帮助"))).not.toContain("简报设置");
  });
});
