import { Hazard } from "../../src/db/entities";
import { backend } from "../support/backend";
import { type ConsoleApp, type ConsoleBrowser, type InPage, openConsole, screenshot, startConsoleApp, tinyPng, until } from "../support/consoleApp";

// The console page in headless Chromium (Debian's package, driven by playwright-core), against the
// whole product with the demo county: what a newcomer does on a laptop without a messenger account.
describe(`console page in a browser (${backend()})`, () => {
  let app: ConsoleApp;
  let phone: ConsoleBrowser;

  beforeAll(async () => {
    app = await startConsoleApp();
    phone = await openConsole(app);
    await phone.pick("张伟");
  }, 60_000);
  afterAll(async () => {
    await phone?.close();
    await app?.close();
  });

  it("shows who is chatting and answers 帮助 live", async () => {
    await phone.page.locator("#subtitle", { hasText: "综合协调科" }).waitFor();
    await phone.say("帮助");
    const answer = await phone.nthBotLine(1);
    // The menu of what 张伟 may do (a card on the console), or its text form.
    await answer.locator("text=巡查打卡").first().waitFor();
    await screenshot(phone.page, "console");
  });

  it("starts a conversation from the app menu, and 取消 ends it", async () => {
    const before = await phone.botLines().count();
    await phone.page.click("#menuBtn");
    await phone.page.locator("#menuItems button", { hasText: "巡查打卡" }).click();
    const question = await phone.nthBotLine(before + 1);
    await question.locator("text=请输入企业名称").first().waitFor();
    await phone.say("取消");
    await (await phone.nthBotLine(before + 2)).locator("text=巡查打卡").first().waitFor();
  });

  it("sends a photo, shown in the chat as the picture itself", async () => {
    await phone.sendPhoto({ name: "现场.png", mimeType: "image/png", buffer: tinyPng() });
    const photo = phone.page.locator("#log li.in[data-kind=image] img");
    await photo.waitFor();
    await until(() => photo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth === 4));
  });

  it("sends a location from the manual form", async () => {
    await phone.sendLocation(30.2741, 120.1551, "大岭镇工业园");
    await phone.page.locator("#log li.in[data-kind=location]", { hasText: "大岭镇工业园" }).waitFor();
  });

  it("shows a 叫应 card sent to 张伟; pressing 收到 greys it out and records the answer", async () => {
    const zhao = await app.person("赵磊");
    const zhang = await app.person("张伟");
    const callout = await app.services.callouts.create(zhao, {
      title: "暴雨红色预警叫应",
      text: "请立即组织巡查，落实防汛措施。",
      warningType: "rainstorm",
      level: "red",
      requiresReport: false,
      rules: [],
      personIds: [zhang.id],
      remindEveryMinutes: 5,
      maxReminders: 1,
    });
    await app.services.callouts.send(zhao, callout.id);
    const card = phone.cardWithButton("收到");
    await card.locator("h3", { hasText: "暴雨红色预警叫应" }).waitFor();
    await card.locator("button", { hasText: "收到" }).click();
    await card.locator(".answered", { hasText: "已收到" }).waitFor();
    expect(await card.locator("button", { hasText: "收到" }).isDisabled()).toBe(true);
    // The click is processed after the page's request is answered, as a messenger's callback is.
    const state = async () => (await app.services.callouts.board(callout.id)).people.find((p) => p.personId === zhang.id)?.state;
    expect(await until(async () => ((await state()) === "acknowledged" ? "acknowledged" : null))).toBe("acknowledged");
  });

  it("refuses a file that is not a photo with the Chinese reason", async () => {
    await phone.sendPhoto({ name: "说明.txt", mimeType: "text/plain", buffer: Buffer.from("不是照片") });
    // What to send, in plain words; never the file's MIME type.
    await phone.alert().locator("text=请选择图片文件").waitFor();
    expect(await phone.alert().textContent()).not.toContain("text/plain");
  });

  it("shows what people type as text, never as markup", async () => {
    await phone.say('<img src=x onerror="document.body.dataset.xss=1">');
    const bubble = phone.page.locator("#log li.in").last();
    expect(await bubble.locator(".bubble").textContent()).toBe('<img src=x onerror="document.body.dataset.xss=1">');
    expect(await bubble.locator("img").count()).toBe(0);
    expect(await phone.page.evaluate(() => (globalThis as unknown as InPage).document.body.dataset.xss)).toBeUndefined();
  });
});

// Issue 5's end-to-end run on the console: every step typed or tapped as a person would.
describe(`hazard lifecycle on the console (${backend()})`, () => {
  let app: ConsoleApp;
  let phone: ConsoleBrowser;

  beforeAll(async () => {
    app = await startConsoleApp();
    phone = await openConsole(app);
  }, 60_000);
  afterAll(async () => {
    await phone?.close();
    await app?.close();
  });

  it("runs a check-in that finds a hazard, then its rectification and its verification", async () => {
    // 张伟 checks in at 东岭化工 and finds a hazard; the check-in hands over to 隐患随手拍.
    await phone.pick("张伟");
    await phone.say("巡查打卡");
    await phone.expectBot("请输入企业名称");
    await phone.say("东岭化工");
    await phone.expectBot("请选择检查类型");
    await phone.press("日常巡查");
    await phone.expectBot("检查结果");
    await phone.press("发现隐患");
    await phone.expectBot("请拍摄或发送现场照片");
    await phone.sendPhoto();
    await phone.expectBot("已收到 1 张照片");
    await phone.press("照片已发完");
    await phone.expectBot("请输入备注");
    await phone.press("无");
    await phone.expectBot("巡查打卡成功");
    await phone.expectBot("已沿用巡查打卡的 1 张照片"); // the check-in's photo, carried into the hazard report
    await phone.expectBot("请描述隐患情况");
    await phone.say("二楼消防通道堆放纸箱，安全出口被锁");
    await phone.expectBot("请选择隐患类别");
    await phone.press("消防安全");
    await phone.expectBot("请判断隐患等级");
    await phone.press("一般隐患");
    const reported = await phone.expectBot("隐患已上报");
    const hazard = await app.services.db.manager.findOneOrFail(Hazard, { where: {}, order: { id: "DESC" } });
    expect(await reported.textContent()).toContain(hazard.number);
    expect(hazard.state).toBe("reported");

    // 交办 (the admin side, not a chat): the enterprise's own responsible person rectifies by a deadline, 张伟 verifies.
    const zhang = await app.person("张伟");
    await app.services.hazards.assign(hazard.id, zhang, { deadline: new Date(app.clock.now().getTime() + 7 * 86_400_000), measures: "清理通道杂物，解锁安全出口", verifierId: zhang.id });

    // 杜海, responsible for 东岭化工, sends the rectification.
    await phone.pick("杜海");
    await phone.say("整改反馈");
    await phone.expectBot("请发送整改后的照片");
    await phone.sendPhoto();
    await phone.expectBot("已收到 1 张整改照片");
    await phone.press("照片已发完");
    await phone.expectBot("请简要说明整改情况");
    await phone.say("已清理通道杂物，安全出口已解锁");
    await phone.expectBot("整改反馈已提交");

    // 张伟 sees the before and after photos and passes it.
    await phone.pick("张伟");
    await phone.say("复查");
    await phone.expectBot("整改后照片 1 张");
    await phone.expectBot("复查结论");
    await phone.press("复查通过");
    await phone.expectBot("复查通过");
    expect((await app.services.db.manager.findOneByOrFail(Hazard, { id: hazard.id })).state).toBe("verified");
  }, 120_000);
});
