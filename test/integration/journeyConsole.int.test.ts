import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Locator } from "playwright-core";
import { Hazard } from "../../src/db/entities";
import { backend } from "../support/backend";
import { type ConsoleApp, type ConsoleBrowser, openConsole, startConsoleApp } from "../support/consoleApp";

/**
 * The whole hazard journey in the console page (headless Chromium), as a township official lives
 * it with the demo county: 唐亮 checks in and finds a hazard, 郭强 交办s it from the notice card,
 * 杜海 rectifies, 郭强 复查s and 销号s (李明 signs a 重大隐患). Each card is kept as a screenshot
 * under test/artifacts/journey/ for a person to look at.
 */
const ARTIFACTS = join(__dirname, "..", "artifacts", "journey");

describe(`the hazard journey in the console (${backend()})`, () => {
  const scenarios = [
    { when: "2330", at: "2026-11-26T15:30:00Z", level: "重大隐患" as const },
    { when: "1000", at: "2026-11-26T02:00:00Z", level: "一般隐患" as const },
  ];

  for (const s of scenarios) {
    it(`runs check-in → hazard → 交办 from the card → 整改反馈 → 复查 → 销号 for a ${s.level} at ${s.when.slice(0, 2)}:${s.when.slice(2)} Shanghai time`, async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      const app = await startConsoleApp({}, s.at);
      const phone = await openConsole(app);
      try {
        await journey(app, phone, s.level, (name, line) => line.screenshot({ path: join(ARTIFACTS, `${s.when}-${name}.png`) }).then(() => undefined));
      } finally {
        await phone.close();
        await app.close();
      }
    }, 240_000);
  }
});

async function journey(app: ConsoleApp, phone: ConsoleBrowser, level: "重大隐患" | "一般隐患", shot: (name: string, line: Locator) => Promise<void>): Promise<void> {
  // 唐亮 checks in at 东岭化工; the remark he types becomes the hazard's description.
  await phone.pick("唐亮");
  await phone.say("巡查打卡");
  await phone.expectBot("请输入企业名称");
  await phone.say("东岭化工");
  await shot("01-kind", await phone.expectBot("请选择检查类型"));
  await phone.press("日常巡查");
  const kind = phone.page.locator("#log li.answered", { hasText: "请选择检查类型" }).last();
  // The answered card keeps the choice in sight.
  await kind.locator(".answered", { hasText: "已选：日常巡查" }).waitFor();
  await shot("02-kind-answered", kind);
  await phone.press("发现隐患");
  await phone.expectBot("请拍摄或发送现场照片");
  await phone.sendPhoto();
  await phone.expectBot("已收到 1 张照片");
  await phone.press("照片已发完");
  await phone.expectBot("请输入备注");
  await phone.say("储罐区防雷检测过期，静电接地线断开");
  // Answered by typing: the remark question's 「无」 button greys out instead of lingering.
  const typed = phone.page.locator("#log li.answered", { hasText: "请输入备注" }).last();
  await typed.locator(".answered", { hasText: "已回复" }).waitFor();
  expect(await typed.locator("button:disabled").count()).toBeGreaterThan(0);
  await shot("02b-typed-answer", typed);
  await shot("03-checked-in", await phone.expectBot("巡查打卡成功"));
  const carried = await phone.expectBot("隐患情况沿用巡查打卡的内容");
  expect(await carried.textContent()).toContain("情况：储罐区防雷检测过期，静电接地线断开");
  await shot("04-carried", carried);
  await phone.press("确认");
  await phone.expectBot("请选择隐患类别");
  await phone.press("危化品");
  await shot("05-level", await phone.expectBot("请判断隐患等级"));
  await phone.press(level);
  const reported = await phone.expectBot("隐患已上报");
  await shot("06-reported", reported);
  // Mid-morning or a 重大隐患 at night: the notices go out now, and the chat says so.
  expect(await reported.textContent()).toContain("已通知");
  const hazard = await app.services.db.manager.findOneOrFail(Hazard, { where: {}, order: { id: "DESC" } });

  // 郭强 交办s from the card in his chat.
  await phone.pick("郭强");
  const notice = phone.cardWithButton("交办");
  expect(await notice.textContent()).toContain(hazard.number);
  await shot("07-notice-card", notice);
  await phone.press("交办");
  await shot("08-assign", await phone.expectBot("整改责任人：杜海"));
  await phone.say("更换静电接地线，重新做防雷检测");
  await shot("09-deadline", await phone.expectBot("请选择整改期限"));
  await phone.press("7 天");
  if (level === "重大隐患") {
    await phone.expectBot("五落实");
    await phone.say("企业自筹 3 万元");
    await phone.expectBot("请填写应急预案");
    await phone.say("储罐区停止装卸，专人值守");
  }
  await shot("10-assigned", await phone.expectBot("已交办"));

  // 杜海 rectifies, seeing the before-photo first.
  await phone.pick("杜海");
  await shot("11-assignment-sheet", phone.page.locator("#log li.out", { hasText: "隐患交办单" }).last());
  await phone.say("整改反馈");
  await phone.expectBot("整改前照片 1 张");
  await phone.expectBot("请发送整改后的照片");
  await phone.sendPhoto();
  await phone.expectBot("已收到 1 张整改照片");
  // A file of the wrong kind is refused in plain words; the test report goes as a PDF.
  await phone.sendFile({ name: "说明.txt", mimeType: "text/plain", buffer: Buffer.from("不是 PDF") });
  const refused = phone.alert().locator("text=请选择 PDF 文件");
  await refused.waitFor();
  expect(await phone.alert().textContent()).not.toContain("text/plain");
  await phone.sendFile();
  await shot("11b-report-sent", await phone.expectBot("已收到 1 张整改照片、1 份文件"));
  await phone.press("照片已发完");
  await phone.expectBot("请简要说明整改情况");
  await phone.say("已更换接地线，防雷检测合格");
  await phone.expectBot("整改反馈已提交");

  // 郭强 复查s with the note and both photos in sight, then 销号 (a leader signs a 重大隐患).
  await phone.pick("郭强");
  await phone.say("复查");
  await shot("12-review", await phone.expectBot("整改说明"));
  await phone.expectBot("整改后照片 1 张、文件 1 份");
  await shot("12b-report", await phone.expectBot("安哨文件.pdf"));
  await phone.expectBot("复查结论");
  await phone.press("复查通过");
  if (level === "一般隐患") {
    await shot("13-close", await phone.expectBot("是否销号"));
    await phone.press("销号");
  } else {
    await phone.expectBot("须经分管负责人或主要负责人签字后销号");
    await phone.pick("李明");
    await phone.say("待办");
    await shot("13-todo", await phone.expectBot("待签字销号"));
    await phone.press("第 1 项");
    await shot("14-sign", await phone.expectBot("是否签字并销号"));
    await phone.press("签字并销号");
  }
  await shot("15-closed", await phone.expectBot("已销号"));
  expect(await app.services.db.manager.findOneByOrFail(Hazard, { id: hazard.id })).toMatchObject({ state: "closed" });
}
