import { allText, type BotHarness, JPEG, openBotHarness } from "../support/botHarness";

/**
 * The conversation engine and the hazard flows, turn by turn, as people on WeChat Work would
 * use them: 随手拍 → 交办 → 整改反馈 → 复查, with the menu, 取消, expiry and bad input.
 */
describe("bot conversations", () => {
  let h: BotHarness;

  beforeEach(async () => {
    h = await openBotHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  /** 张伟 reports a hazard at 青禾燃气有限公司 by photo; returns its number. */
  async function reportGasHazard(): Promise<string> {
    await h.say("张伟", "随手拍");
    await h.say("张伟", { photo: JPEG });
    await h.say("张伟", { click: "照片已发完" });
    await h.say("张伟", "调压站阀门井内积水，阀门锈蚀");
    await h.say("张伟", "青禾燃气");
    await h.say("张伟", "1");
    const level = allText(await h.say("张伟", { click: "消防安全" }));
    expect(level).toContain("请判断隐患等级");
    const done = await h.say("张伟", { click: "一般隐患" });
    const number = /隐患已上报：(\S+)/.exec(allText(done))?.[1];
    expect(number).toBeDefined();
    return number as string;
  }

  it("shows each person the flows their roles allow, with buttons and numbers", async () => {
    const inspector = allText(await h.say("张伟", "帮助"));
    expect(inspector).toContain("隐患随手拍");
    expect(inspector).toContain("复查");
    // One list, one hint about 取消.
    expect(inspector.match(/隐患随手拍/g)).toHaveLength(1);
    expect(inspector.match(/取消/g)).toHaveLength(1);
    const owner = allText(await h.say("潘德明", "菜单"));
    expect(owner).toContain("整改反馈");
    expect(owner).not.toContain("复查：");
    // The menu is a question: its number starts the flow.
    const started = allText(await h.say("潘德明", "1"));
    expect(started).toContain("请拍摄或发送隐患照片");
    // With the menu on screen, a flow's own word works too.
    await h.say("张伟", "菜单");
    expect(allText(await h.say("张伟", "随手拍"))).toContain("请拍摄或发送隐患照片");
  });

  it("starts a flow from the app menu, and shows the menu from its 帮助 entry", async () => {
    expect(allText(await h.say("张伟", { menu: "flow:hazard_photo" }))).toContain("请拍摄或发送隐患照片");
    // The 帮助 entry works in the middle of a flow too.
    expect(allText(await h.say("张伟", { menu: "menu" }))).toContain("请选择要办理的事项");
  });

  it("reports a hazard from a photo, a description, an enterprise, a category and a level", async () => {
    const number = await reportGasHazard();
    const hazard = await h.hazard(number);
    expect(hazard).toMatchObject({ source: "chat_photo", category: "消防安全", level: "general", description: "调压站阀门井内积水，阀门锈蚀" });
    const card = allText((await h.inbox("张伟")).slice(-1));
    expect(card).toContain("青禾燃气有限公司");
    expect(card).toMatch(/已通知：.*潘德明/);
    // The owner heard of it through the outbox too.
    expect(allText(await h.inbox("潘德明"))).toContain(number);
  });

  it("takes a photo sent out of the blue as the start of 随手拍", async () => {
    const reply = allText(await h.say("张伟", { photo: JPEG }));
    expect(reply).toContain("开始「隐患随手拍」");
    expect(reply).toContain("已收到 1 张照片");
  });

  it("carries the hazard through rectification and verification in chat", async () => {
    const number = await reportGasHazard();
    const zhang = await h.person("张伟");
    const hazard = await h.hazard(number);
    // 张伟 takes the 复查 himself (the routed supervisor would otherwise be asked).
    await h.services.hazards.assign(hazard.id, zhang, { measures: "抽排积水，更换阀门", deadline: new Date(h.clock.now().getTime() + 7 * 86400_000), verifierId: zhang.id });

    const todo = allText(await h.say("潘德明", "待办"));
    expect(todo).toContain(`【待整改】${number}`);
    await h.say("潘德明", "1");
    await h.say("潘德明", { photo: JPEG });
    await h.say("潘德明", { photo: JPEG });
    await h.say("潘德明", { click: "照片已发完" });
    const submitted = allText(await h.say("潘德明", "已抽排积水并更换阀门"));
    expect(submitted).toContain("整改反馈已提交");
    expect((await h.hazard(number)).state).toBe("submitted");

    const asked = await h.say("张伟", "复查");
    expect(allText(asked)).toContain("整改后照片 2 张");
    expect(asked.filter((m) => m.kind === "file")).toHaveLength(3);
    await h.say("张伟", { click: "不通过" });
    const rejected = allText(await h.say("张伟", "阀门井仍有积水"));
    expect(rejected).toContain("已退回");
    expect((await h.hazard(number)).state).toBe("rectifying");
    expect(allText(await h.inbox("潘德明"))).toContain("阀门井仍有积水");
  });

  it("leaves a flow on 取消 without saving, and says so", async () => {
    await h.say("张伟", "随手拍");
    await h.say("张伟", { photo: JPEG });
    const reply = allText(await h.say("张伟", "取消"));
    expect(reply).toContain("已退出「隐患随手拍」");
    expect(allText(await h.say("张伟", "取消"))).toContain("当前没有正在办理的事项");
    expect(await h.stores.db.manager.count("Hazard")).toBe(0);
    // A bare number now is meant for a menu: it is offered again, and its number then works.
    const number = allText(await h.say("张伟", "1"));
    expect(number).not.toContain("没有看懂");
    expect(number).toContain("请选择要办理的事项");
    expect(allText(await h.say("张伟", "1"))).not.toContain("没有看懂");
  });

  it("ends a conversation left for 30 minutes and says it timed out, once", async () => {
    await h.say("张伟", "随手拍");
    // Each answer gives another 30 minutes.
    h.clock.advance(29 * 60_000);
    expect(allText(await h.say("张伟", { photo: JPEG }))).toContain("已收到 1 张照片");
    h.clock.advance(29 * 60_000);
    expect(allText(await h.say("张伟", { click: "照片已发完" }))).toContain("请描述隐患情况");
    h.clock.advance(31 * 60_000);
    const reply = allText(await h.say("张伟", "消防通道堵塞"));
    expect(reply).toContain("「隐患随手拍」已超过 30 分钟未回复");
    expect(reply).toContain("请选择要办理的事项");
    // Said once: the menu that followed is the conversation now, and its expiry goes unmentioned.
    h.clock.advance(31 * 60_000);
    const later = allText(await h.say("张伟", "你们好"));
    expect(later).not.toContain("已超过 30 分钟未回复");
    expect(later).toContain("没有看懂");
  });

  it("remembers a timed-out conversation for a day, then forgets it", async () => {
    await h.say("张伟", "随手拍");
    h.clock.advance(23 * 3600_000);
    expect(allText(await h.say("张伟", "取消"))).toContain("当前没有正在办理的事项");
    expect(allText(await h.say("张伟", "你们好"))).toContain("「隐患随手拍」已超过 30 分钟未回复");
    await h.say("张伟", "随手拍");
    h.clock.advance(24 * 3600_000 + 60_000);
    const reply = allText(await h.say("张伟", "你们好"));
    expect(reply).not.toContain("已超过 30 分钟未回复");
    expect(reply).toContain("没有看懂");
  });

  it("repeats the question with an example when the reply is not understood", async () => {
    await h.say("张伟", "随手拍");
    await h.say("张伟", { photo: JPEG });
    await h.say("张伟", { click: "照片已发完" });
    const reply = allText(await h.say("张伟", "嗯"));
    expect(reply).toContain("请用一句话描述隐患");
    expect(reply).toContain("例如");
  });

  it("refuses a file that is not a photo, or too large, in Chinese, and keeps the question", async () => {
    await h.say("张伟", "随手拍");
    const voiceAsPhoto = allText(await h.say("张伟", { photo: Buffer.from("#!AMR\n0123456789"), type: "audio/amr" }));
    expect(voiceAsPhoto).toContain("这不是照片");
    expect(voiceAsPhoto).toContain("请拍摄或发送隐患照片");
    const html = allText(await h.say("张伟", { photo: Buffer.from("<html>not a photo</html>"), type: "text/html" }));
    expect(html).toContain("无法识别这个文件");
    expect(html).toContain("请直接拍照");
    expect(html).not.toContain("text/html");
    const huge = Buffer.concat([JPEG, Buffer.alloc(11 << 20)]);
    expect(allText(await h.say("张伟", { photo: huge }))).toMatch(/超过上限 10(\.0)? MB/);
    // None of them counted: the first real photo is photo 1.
    expect(allText(await h.say("张伟", { photo: JPEG }))).toContain("已收到 1 张照片");
  });

  it("takes a tip without tying the tipster to it in the outbox", async () => {
    await h.say("潘德明", "举报");
    await h.say("潘德明", "东岭化工夜间偷排废液，厂区后门无人值守");
    await h.say("潘德明", { click: "跳过" });
    await h.say("潘德明", { click: "不清楚" });
    const done = allText(await h.say("潘德明", { click: "提交举报" }));
    const number = /JB\d{4}-\d{6}/.exec(done)?.[0];
    expect(number).toBeDefined();
    const pan = await h.person("潘德明");
    const rows: { source: string | null }[] = await h.stores.db.manager.query("SELECT source FROM outbox_messages");
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.source === `person:${pan.id}`)).toEqual([]);
  });

  it("tells someone without the role that the flow is not theirs", async () => {
    const reply = allText(await h.say("潘德明", "复查"));
    expect(reply).toContain("不能办理「复查」");
  });

  it("answers a click on a card that is no longer current", async () => {
    await h.say("张伟", "随手拍");
    const stale = await h.lastCard("张伟");
    await h.say("张伟", "取消");
    const reply = await h.say("张伟", { click: "照片已发完", on: stale });
    expect(allText(reply)).toContain("这张卡片已失效");
  });

  it("lets only one of two people act on the same hazard", async () => {
    const number = await reportGasHazard();
    const zhang = await h.person("张伟");
    const hazard = await h.hazard(number);
    await h.services.hazards.assign(hazard.id, zhang, { measures: "抽排积水", deadline: new Date(h.clock.now().getTime() + 7 * 86400_000) });
    await h.say("潘德明", "整改反馈");
    await h.say("潘德明", { photo: JPEG });
    await h.say("潘德明", { click: "照片已发完" });
    // Meanwhile the hazard changes hands (a supervisor reassigns it in the admin API).
    await h.services.hazards.startRectifying(hazard.id, zhang);
    const reply = allText(await h.say("潘德明", "已整改"));
    expect(reply).toContain("该隐患刚被他人修改");
    expect((await h.hazard(number)).state).toBe("rectifying");
    // The stale conversation is over; starting again sees the hazard as it is now and goes through.
    await h.say("潘德明", "整改反馈");
    await h.say("潘德明", { photo: JPEG });
    await h.say("潘德明", { click: "照片已发完" });
    expect(allText(await h.say("潘德明", "已整改"))).toContain("整改反馈已提交");
  });
});
