import { allText, type BotHarness, JPEG, openBotHarness } from "../support/botHarness";

/**
 * Hazard notices and quiet hours (21:00-08:00 Shanghai), as the reporter reads them in chat: a
 * 重大隐患 goes out at once at any hour; a routine one may wait for the morning, and the chat says
 * when instead of "已通知".
 */
describe("hazard notices and quiet hours", () => {
  let h: BotHarness;

  beforeEach(async () => {
    h = await openBotHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  /** 张伟 reports a hazard at 青禾燃气有限公司 at the given level; returns the result card's text. */
  async function report(level: "一般隐患" | "重大隐患"): Promise<string> {
    await h.say("张伟", "随手拍");
    await h.say("张伟", { photo: JPEG });
    await h.say("张伟", { click: "照片已发完" });
    await h.say("张伟", "调压站阀门井内积水，阀门锈蚀");
    await h.say("张伟", "青禾燃气");
    await h.say("张伟", "1");
    await h.say("张伟", { click: "消防安全" });
    return allText(await h.say("张伟", { click: level }));
  }

  const numberIn = (card: string) => /隐患已上报：(\S+)/.exec(card)?.[1] ?? "missing";

  it("holds a routine notice at 23:30 until 08:00 and tells the reporter so", async () => {
    h.clock.set("2026-01-05T15:30:00Z"); // 23:30 in Shanghai
    const card = await report("一般隐患");
    const number = numberIn(card);
    expect(card).toMatch(/将于 明天 08:00 通知 .*潘德明/);
    expect(card).not.toContain("已通知");
    expect(allText(await h.inbox("潘德明"))).not.toContain(number);
    h.clock.set("2026-01-06T00:00:00Z"); // 08:00
    await h.deliver();
    expect(allText(await h.inbox("潘德明"))).toContain(number);
  });

  it("sends a 重大隐患's notice at 23:30 at once", async () => {
    h.clock.set("2026-01-05T15:30:00Z");
    const card = await report("重大隐患");
    expect(card).toMatch(/已通知：.*潘德明/);
    expect(card).not.toContain("将于");
    expect(allText(await h.inbox("潘德明"))).toContain(numberIn(card));
  });

  it("sends a routine notice at 10:00 at once and says 已通知", async () => {
    h.clock.set("2026-01-05T02:00:00Z"); // 10:00 in Shanghai
    const card = await report("一般隐患");
    expect(card).toMatch(/已通知：.*潘德明/);
    expect(allText(await h.inbox("潘德明"))).toContain(numberIn(card));
  });

  it("tells the verifier at night that the owner hears of a 复查 result in the morning", async () => {
    const card = await report("一般隐患");
    const hazard = await h.hazard(numberIn(card));
    const zhang = await h.person("张伟");
    await h.services.hazards.assign(hazard.id, zhang, { measures: "抽排积水，更换阀门", deadline: new Date(h.clock.now().getTime() + 7 * 86400_000), verifierId: zhang.id });
    await h.say("潘德明", "整改反馈");
    await h.say("潘德明", "1");
    await h.say("潘德明", { photo: JPEG });
    await h.say("潘德明", { click: "照片已发完" });
    await h.say("潘德明", "已抽排积水并更换阀门");
    h.clock.set("2026-01-05T14:00:00Z"); // 22:00
    await h.say("张伟", "复查");
    const passed = allText(await h.say("张伟", { click: "复查通过" }));
    expect(passed).toContain("将于 明天 08:00 通知整改责任人");
  });
});
