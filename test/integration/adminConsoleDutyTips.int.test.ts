import type { Page } from "playwright-core";
import { OrgUnit, OutboxMessage } from "../../src/db/entities";
import { DutyShift } from "../../src/db/entities/DutyShift";
import { rosterTemplate } from "../../src/domain/duty";
import { backend } from "../support/backend";
import { type AdminApp, buildAdminPages, signInOnPage, startAdminApp } from "../support/adminApp";
import { openPage, screenshot } from "../support/consoleApp";

const DAY = 86_400_000;
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// The console's 值班 pages (roster import with its row errors, who is on duty now, the month's roster,
// 查岗 and the duty log) and a tip officer's handling of a public tip, in headless Chromium on the demo
// county. The test clock stands at 2026-11-26 10:00 北京时间.
describe(`admin console: duty and tip handling in a browser (${backend()})`, () => {
  let app: AdminApp;

  beforeAll(async () => {
    buildAdminPages();
    app = await startAdminApp();
  }, 180_000);
  afterAll(() => app?.close());

  const signIn = (page: Page, name: string) => signInOnPage(app, page, name);

  async function roster(rows: string[][]): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
    return { name: "排班表.xlsx", mimeType: XLSX, buffer: await rosterTemplate(rows) };
  }

  it("refuses a roster with one bad row (showing where), loads the corrected one, and shows who is on duty now", async () => {
    const mobile = async (name: string) => (await app.person(name)).mobile;
    const good = [
      ["QH-BGS", "赵磊", await mobile("赵磊"), "值班员", "2026-11-26 08:00", "2026-11-27 08:00"],
      ["QH-BGS", "孙丽", await mobile("孙丽"), "值班员", "2026-11-27 08:00", "2026-11-28 08:00"],
      ["QH", "王芳", await mobile("王芳"), "带班领导", "2026-11-26 08:00", "2026-11-27 08:00"],
    ];
    const bad = good.map((r) => [...r]);
    (bad[1] as string[])[3] = "班长";

    const { page, close } = await openPage(`${app.url}/admin/`, { width: 1366, height: 900 });
    try {
      await signIn(page, "李明");
      await page.click("#menu >> text=值班");
      await page.locator("#on-duty-title").waitFor();
      await page.goto(`${app.url}/admin/duty?unit=QH-BGS&tab=import&month=2026-11`);

      await page.setInputFiles("#roster-file", await roster(bad));
      await page.locator("#roster-error", { hasText: "排班表有 1 处问题，未导入任何内容" }).waitFor();
      const problems = await page.locator("#roster-problems tbody tr").allTextContents();
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain("排班!第3行:角色");
      expect(await app.services.db.manager.count(DutyShift)).toBe(0);
      await screenshot(page, "admin-duty-import-error");

      await page.setInputFiles("#roster-file", await roster(good));
      await page.locator("#roster-result", { hasText: "新增 3 个班次" }).waitFor();
      expect(await page.locator("#roster-error").count()).toBe(0);

      // 10:00 on the 26th: 赵磊 serves the office, 王芳 leads the county's duty above it; nobody has checked in.
      const zhao = page.locator("#on-duty .on-duty-row", { hasText: "赵磊" });
      await zhao.waitFor();
      expect(await zhao.textContent()).toContain("值班员");
      expect(await zhao.textContent()).toContain("未签到");
      expect(await page.locator("#on-duty .on-duty-row", { hasText: "王芳" }).textContent()).toContain("带班领导");
      expect(await page.locator("#on-duty").textContent()).not.toContain("孙丽");

      // The month: a 24-hour shift shows on both days it touches (孙丽's from the 27th 08:00 to the 28th 08:00).
      await page.click("#duty-tabs >> text=排班日历");
      const day27 = page.locator('#duty-calendar .cell[data-day="2026-11-27"]');
      await day27.locator(".shift", { hasText: "孙丽" }).waitFor();
      expect(await day27.textContent()).toContain("08:00–次日08:00");
      expect(await page.locator('#duty-calendar .cell[data-day="2026-11-26"]').textContent()).toContain("赵磊");
      expect(await page.locator('#duty-calendar .cell[data-day="2026-11-28"]').textContent()).toContain("前日08:00–08:00");
      expect(await page.locator('#duty-calendar .cell[data-day="2026-11-29"] .shift').count()).toBe(0);
      await day27.scrollIntoViewIfNeeded();
      await screenshot(page, "admin-duty-calendar");

      // 查岗 on 赵磊: he is sent the card, and the duty log says so.
      await zhao.locator(".spot-check").click();
      await page.locator(".el-message--success", { hasText: "已向 赵磊 发起查岗" }).waitFor();
      // A minute on, the log (the last seven days up to now) holds the 查岗.
      app.clock.advance(60_000);
      await page.click("#duty-tabs >> text=值班日志");
      const line = page.locator("#duty-log tbody tr", { hasText: "查岗" });
      await line.waitFor();
      expect(await line.textContent()).toContain("李明");
      await screenshot(page, "admin-duty-log");
    } finally {
      await close();
    }
  }, 150_000);

  it("lets a tip officer accept a public tip, close it, give feedback the tipster reads on /tip/status, and record a reward", async () => {
    const receipt = await app.services.tips.reportPublic({ category: "hazardous_chemicals", description: "河滨路仓库夜间违规存放大量液化气钢瓶，无人看管", address: "青禾镇河滨路 18 号", name: "袁明", phone: "13812345678", anonymous: false, photos: [] });
    const feedback = "经核查，该仓库确有违规存放液化气钢瓶，已责令立即清理并立案查处。感谢您的监督！";

    const { page, close } = await openPage(`${app.url}/admin/`, { width: 1366, height: 900 });
    try {
      await signIn(page, "刘洋");
      await page.goto(`${app.url}/admin/tips`);
      const row = page.locator("#tips .tip-row", { hasText: receipt.tip.number });
      await row.waitFor();
      // The list gives the 办理期限 (15 days for a public tip once accepted) and never the tipster's name.
      expect(await row.textContent()).toContain("待受理");
      expect(await row.textContent()).not.toContain("袁明");
      await row.click();

      // The address named no unit: the officer sends it to 东岭镇 first (its tip officers are told).
      await page.click("#tip-act-unit");
      await page.click("#t-unit", { force: true });
      await page.keyboard.type("东岭镇");
      await page.locator(".el-select-dropdown__item:visible", { hasText: /^东岭镇$/ }).click();
      await page.click("#tip-action-confirm");
      await page.locator("#tip-unit", { hasText: "东岭镇" }).waitFor();

      await page.click("#tip-act-accept");
      await page.click("#tip-action-confirm");
      await page.locator("#tip-state-label", { hasText: "核查中" }).waitFor();

      await page.click("#tip-act-close");
      await page.fill("#t-note", "现场核查属实，仓库内存放液化气钢瓶 40 余只");
      await page.click("#tip-action-confirm");
      await page.locator("#tip-state-label", { hasText: "已办结" }).waitFor();

      await page.click("#tip-act-feedback");
      await page.fill("#t-feedback", feedback);
      await page.click("#tip-action-confirm");
      await page.locator("#tip-feedback", { hasText: "经核查" }).waitFor();
      // Closed just now: the tipster must be told within 10 days (shown in 北京时间).
      const due = new Date(app.clock.now().getTime() + 10 * DAY + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
      expect(await page.textContent("#tip-feedback-due")).toBe(due);

      await page.click("#tip-act-reward");
      await page.fill("#t-amount", "500");
      await page.click("#tip-action-confirm");
      await page.locator("#tip-reward", { hasText: "500 元 · 待审批" }).waitFor();
      expect(await page.locator("#tip-timeline").textContent()).toEqual(expect.stringContaining("决定奖励"));
      await screenshot(page, "admin-tip-handled");
    } finally {
      await close();
    }

    // A deputy leader approves the reward (the officer who proposed it cannot).
    const leader = await openPage(`${app.url}/admin/`, { width: 1366, height: 900 });
    try {
      await signIn(leader.page, "李明");
      await leader.page.goto(`${app.url}/admin/tips`);
      await leader.page.locator("#tips .tip-row", { hasText: receipt.tip.number }).click();
      await leader.page.locator("#tip-act-reward-approve").waitFor();
      expect(await leader.page.locator("#tip-actions .el-button").allTextContents()).toEqual(["审批奖励"]);
      await leader.page.click("#tip-act-reward-approve");
      await leader.page.click("#tip-action-confirm");
      await leader.page.locator("#tip-reward", { hasText: "500 元 · 待兑现" }).waitFor();
      expect(await leader.page.locator(".el-drawer").textContent()).not.toContain("袁明");
    } finally {
      await leader.close();
    }

    // The tipster, with the code and token from the receipt, reads the feedback on the public page.
    const tipster = await openPage(`${app.url}/tip/status#code=${receipt.code}&token=${encodeURIComponent(receipt.token)}`, { width: 360, height: 740 });
    try {
      await tipster.page.click("button[type=submit]");
      await tipster.page.locator("#status").waitFor({ state: "visible" });
      expect(await tipster.page.textContent("#status-feedback")).toBe(feedback);
      await screenshot(tipster.page, "tip-status-feedback");
    } finally {
      await tipster.close();
    }
  }, 150_000);

  it("lets only a tip officer send an open public tip to another unit, whose tip officers are told", async () => {
    const { tip } = await app.services.tips.reportPublic({ category: "hazardous_chemicals", description: "石桥村加油站旁有人私自灌装液化气", address: "石桥村", anonymous: true, photos: [] });
    const town = await app.services.db.manager.findOneByOrFail(OrgUnit, { code: "QH-DL" });
    const leader = await app.signIn("李明");
    expect((await leader.call("POST", `/api/tips/${tip.id}/unit`, { unitId: town.id })).status).toBe(403);

    const officer = await app.signIn("刘洋");
    const seen = ((await (await officer.call("GET", `/api/tips/${tip.id}`)).json()) as { data: { version: number } }).data.version;
    const moved = await officer.call("POST", `/api/tips/${tip.id}/unit`, { unitId: town.id, version: seen });
    expect(moved.status).toBe(200);
    const data = ((await moved.json()) as { data: { version: number; public: { unit: unknown }; timeline: { actionLabel: string }[] } }).data;
    expect(data.public.unit).toEqual({ id: town.id, name: "东岭镇" });
    expect(data.timeline.map((l) => l.actionLabel)).toContain("转交单位");
    const notice = await app.services.db.manager.findOneByOrFail(OutboxMessage, { idempotencyKey: `tip:${tip.id}:route:v${data.version}` });
    expect((JSON.parse(notice.payload) as { text: string }).text).toContain("举报转交本单位（东岭镇）待受理");
    // An old version of the page is told to refresh; a tip from staff has no unit to change.
    expect(data.version).toBe(seen + 1);
    expect((await officer.call("POST", `/api/tips/${tip.id}/unit`, { unitId: town.id, version: seen })).status).toBe(409);
    const staffTip = await app.services.tips.report(await app.person("袁明"), { content: "东岭镇某厂夜间偷排废气" });
    const refused = (await (await officer.call("POST", `/api/tips/${staffTip.id}/unit`, { unitId: town.id })).json()) as { code: string; message: string };
    expect(refused).toMatchObject({ code: "tip_not_public", message: "该举报不是群众举报，没有所属单位，无需转交" });
  }, 60_000);

  it("shows a leader the tips they verify with the deadlines, but no handling for tip officers and no identity", async () => {
    const tip = await app.services.tips.report(await app.person("袁明"), { content: "南川水泥厂粉尘很大，除尘设备一直没开" });
    await app.services.tips.accept(tip.id, await app.person("刘洋"), { handlerId: (await app.person("李明")).id, dueAt: new Date(app.clock.now().getTime() + DAY) });
    app.clock.advance(2 * DAY);

    const { page, close } = await openPage(`${app.url}/admin/`, { width: 1366, height: 900 });
    try {
      await signIn(page, "李明");
      await page.goto(`${app.url}/admin/tips`);
      const row = page.locator("#tips .tip-row", { hasText: tip.number });
      await row.waitFor();
      expect(await row.locator(".overdue").textContent()).toBe("超期");
      await screenshot(page, "admin-tips-overdue");
      await row.click();
      await page.locator(".el-drawer", { hasText: tip.number }).waitFor();
      // The handler closes their own tip; accepting, reassigning and revealing are the tip officers'.
      const actions = await page.locator("#tip-actions .el-button").allTextContents();
      expect(actions.map((a) => a.trim())).toEqual(["办结"]);
      expect(await page.locator("#reveal-btn").count()).toBe(0);
      expect(await page.locator(".el-drawer").textContent()).not.toContain("袁明");
    } finally {
      await close();
    }
  }, 120_000);
});
