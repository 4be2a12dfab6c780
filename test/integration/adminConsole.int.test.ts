import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import ExcelJS from "exceljs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { Enterprise, Hazard, Person } from "../../src/db/entities";
import { setPassword } from "../../src/domain/access/passwords";
import { backend } from "../support/backend";
import { type AdminApp, buildAdminPages, signInOnPage, startAdminApp, TEST_PASSWORD } from "../support/adminApp";
import { clientId, openPage, screenshot, tinyPng } from "../support/consoleApp";

const HOUR = 3_600_000;

// The admin console (admin/, built by Vite into dist/admin) in headless Chromium, against the whole
// app on the demo county: sign-in, the dashboard, the hazard list and a 交办 with its five points.
describe(`admin console in a browser (${backend()})`, () => {
  let app: AdminApp;

  beforeAll(async () => {
    buildAdminPages();
    app = await startAdminApp();
  }, 180_000);
  afterAll(() => app?.close());

  const signIn = (page: Page, name: string) => signInOnPage(app, page, name);

  it("refuses a wrong password in Chinese, then signs in and shows the menu of the person's role", async () => {
    const { page, close } = await openPage(`${app.url}/admin/`, { width: 1280, height: 800 });
    try {
      await page.waitForURL(/\/admin\/login/);
      const li = await app.person("李明");
      await setPassword(app.services.db, app.clock, li.mobile, TEST_PASSWORD);
      await page.fill("#mobile", li.mobile);
      await page.fill("#password", "wrong-password");
      await page.click("#login-btn");
      await page.locator("#login-error", { hasText: "手机号或密码不正确" }).waitFor();
      await screenshot(page, "admin-login");

      await page.fill("#password", TEST_PASSWORD);
      await page.click("#login-btn");
      await page.locator("#who", { hasText: "李明" }).waitFor();
      expect(await page.textContent("#who")).toContain("领导");
      // A leader reads hazards and 叫应 but not the audit log (RuoYi's menus by role).
      const menu = await page.locator("#menu .el-menu-item").allTextContents();
      expect(menu).toEqual(expect.arrayContaining(["首页概览", "隐患管理", "叫应"]));
      expect(menu).not.toContain("操作日志");

      // A used or forged one-time link lands on the sign-in page with a plain explanation.
      await page.click("#logout");
      await page.goto(`${app.url}/api/auth/link?token=forged`);
      await page.locator("#login-error", { hasText: "登录链接已失效，请重新获取" }).waitFor();
    } finally {
      await close();
    }
  }, 90_000);

  it("finds a reported hazard, 交办s it with the five points, then lists it as overdue once the deadline passes", async () => {
    const gas = await app.services.db.manager.findOneByOrFail(Enterprise, { name: "青禾燃气有限公司" });
    const hazard = await app.services.hazards.report(await app.person("唐亮"), { source: "inspection", enterpriseId: gas.id, category: "消防通道堵塞", level: "major", description: "仓库消防通道堆放杂物", photoKeys: [(await app.media.save(tinyPng(), "image/png")).key] });

    const { page, close } = await openPage(`${app.url}/admin/`, { width: 1280, height: 900 });
    try {
      await signIn(page, "李明");
      await page.click("#menu >> text=隐患管理");
      const row = page.locator("#hazards .hazard-row", { hasText: hazard.number });
      await row.waitFor();
      expect(await row.textContent()).toContain("已上报");
      await screenshot(page, "admin-hazards");
      await row.click();

      await page.locator("#hazard-title", { hasText: hazard.number }).waitFor();
      // The 整改前 photo shows (served with the session cookie), not the 暂不可查看 placeholder.
      await page.locator(".photos img.el-image__inner").waitFor();
      expect(await page.locator(".no-photo").count()).toBe(0);
      await page.click("#act-assign");
      await page.fill("#f-measures", "清理通道杂物，设置禁止堆放标识");
      await page.fill("#f-funds", "0.5 万元");
      const deadline = new Date(app.clock.now().getTime() + 2 * HOUR);
      // The picker reads the typed time as China time (the browser runs in Asia/Shanghai).
      await page.fill("#f-deadline", new Date(deadline.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace("T", " "));
      await page.press("#f-deadline", "Enter");
      await page.fill("#f-plan", "通道疏通前安排专人值守");
      await page.click("#action-confirm");
      await page.locator("#hazard-state", { hasText: "已交办" }).waitFor();
      expect(await page.textContent("#five-points")).toContain("清理通道杂物");
      expect(await page.locator("#timeline").textContent()).toContain("交办");
      await screenshot(page, "admin-hazard-detail");

      const stored = await app.services.db.manager.findOneByOrFail(Hazard, { id: hazard.id });
      expect(stored.state).toBe("assigned");
      expect(stored.measures).toBe("清理通道杂物，设置禁止堆放标识");
      expect(Math.abs((stored.deadline as Date).getTime() - deadline.getTime())).toBeLessThan(60_000);

      // Three hours on (the session still open), the list's 只看超期 finds it, marked 超期.
      app.clock.advance(3 * HOUR);
      await page.goto(`${app.url}/admin/hazards`);
      await page.locator("label", { hasText: "只看超期" }).click();
      const overdue = page.locator("#hazards .hazard-row", { hasText: hazard.number });
      await overdue.waitFor();
      expect(await overdue.textContent()).toContain("超期");
    } finally {
      await close();
    }
  }, 120_000);
  it("starts a 叫应 for a town's duty leaders, previews them, sends it and watches an answer arrive on the board", async () => {
    const { page, close } = await openPage(`${app.url}/admin/`, { width: 1280, height: 900 });
    try {
      await signIn(page, "李明");
      await page.click("#menu >> text=叫应");
      await page.click("#new-callout");
      await page.fill("#c-title", "暴雨橙色预警叫应");
      await page.fill("#c-text", "请立即组织巡查，转移危险区域人员");
      await page.click("#c-units", { force: true }); // Element Plus lays its placeholder over the input
      await page.keyboard.type("东岭镇");
      await page.locator(".el-select-dropdown__item:visible", { hasText: /^东岭镇$/ }).click();
      await page.click("#c-title"); // closes the dropdown
      await page.click("#c-create");

      await page.locator("#callout-state", { hasText: "草稿" }).waitFor();
      const previewed = await page.locator("#preview tbody tr").allTextContents();
      expect(previewed.length).toBeGreaterThan(0);
      expect(previewed.some((r) => r.includes("宋志刚"))).toBe(true); // 东岭镇's 带班领导
      expect(previewed.some((r) => r.includes("罗刚"))).toBe(false); // the county's 执法中队 is not in 东岭镇
      await screenshot(page, "admin-callout-preview");
      await page.click("#callout-send");
      await page.locator("#callout-state", { hasText: "进行中" }).waitFor();
      expect(await page.textContent("#b-answered")).toBe("0");

      // 宋志刚 answers 收到 in WeChat Work (the event its callback hands the domain); the open board follows without a reload.
      const answered = await app.services.callouts.answer({ channel: "wecom", eventId: clientId(), senderId: "songzhigang", occurredAt: app.clock.now(), kind: "text", text: "收到" });
      expect(answered).toBe(true);
      await page.locator("#b-answered", { hasText: /^1$/ }).waitFor({ timeout: 15_000 });
      expect(await page.locator("#board tbody tr", { hasText: "宋志刚" }).textContent()).toContain("已收到");
      await screenshot(page, "admin-callout-board");
    } finally {
      await close();
    }
  }, 120_000);

  it("lets a tip officer reveal a tipster with a reason (audited), and shows a leader no way to", async () => {
    const tip = await app.services.tips.report(await app.person("袁明"), { content: "南川水泥厂粉尘很大，除尘设备一直没开" });
    // The officer accepts it and hands it to the leader to verify: he sees the tip, not the tipster.
    await app.services.tips.accept(tip.id, await app.person("刘洋"), { handlerId: (await app.person("李明")).id });

    const leader = await openPage(`${app.url}/admin/`, { width: 1280, height: 900 });
    try {
      await signIn(leader.page, "李明");
      await leader.page.goto(`${app.url}/admin/tips`);
      const row = leader.page.locator("#tips .tip-row", { hasText: tip.number });
      await row.waitFor();
      expect(await row.textContent()).not.toContain("袁明");
      await row.click();
      await leader.page.locator(".el-drawer", { hasText: tip.number }).waitFor();
      expect(await leader.page.locator("#reveal-btn").count()).toBe(0);
    } finally {
      await leader.close();
    }
    const byLeader = await (await app.signIn("李明")).call("POST", `/api/tips/${tip.id}/reveal`, { reason: "想知道是谁" });
    expect(byLeader.status).toBe(403);

    const officer = await openPage(`${app.url}/admin/`, { width: 1280, height: 900 });
    try {
      await signIn(officer.page, "刘洋");
      await officer.page.goto(`${app.url}/admin/tips`);
      await officer.page.locator("#tips .tip-row", { hasText: tip.number }).click();
      await officer.page.click("#reveal-btn");
      await officer.page.locator("#reveal-error", { hasText: "请填写查看举报人身份的理由" }).waitFor();
      await officer.page.fill("#reveal-reason", "核实举报内容需回访");
      await officer.page.click("#reveal-btn");
      await officer.page.locator("#revealed", { hasText: "袁明" }).waitFor();
      await screenshot(officer.page, "admin-tip-revealed");
    } finally {
      await officer.close();
    }

    // The administrator finds the reveal in the audit log.
    const admin = await openPage(`${app.url}/admin/`, { width: 1280, height: 900 });
    try {
      await signIn(admin.page, "陈静");
      await admin.page.goto(`${app.url}/admin/audit`);
      await admin.page.fill("#audit-q", "reveal");
      await admin.page.press("#audit-q", "Enter");
      const line = admin.page.locator("#audit tbody tr", { hasText: "刘洋" }).filter({ hasText: "reveal" }).first();
      await line.waitFor();
      expect(await line.textContent()).toContain("核实举报内容需回访");
      await screenshot(admin.page, "admin-audit");
    } finally {
      await admin.close();
    }
  }, 150_000);

  it("checks a directory workbook with one bad row and shows the row's error, importing nothing", async () => {
    // The county's own export, plus one person whose mobile is not a mobile.
    const exported = await (await app.signIn("陈静")).call("GET", "/api/directory/export");
    expect(exported.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await exported.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet("人员");
    if (!sheet) throw new Error("export has no 人员 sheet");
    sheet.addRow(["1234", "错号码", "QH-DL", "网格员", null, null, null, "是"]);
    const badRow = sheet.rowCount;
    const dir = await mkdtemp(join(tmpdir(), "anshao-import-"));
    const file = join(dir, "通讯录.xlsx");
    await writeFile(file, Buffer.from(await book.xlsx.writeBuffer()));

    const { page, close } = await openPage(`${app.url}/admin/`, { width: 1280, height: 900 });
    try {
      await signIn(page, "陈静");
      await page.click("#menu >> text=通讯录");
      await page.click("#import-open");
      await page.setInputFiles("#import-file input[type=file]", file);
      await page.click("#import-check");
      await page.locator("#import-problems").waitFor();
      const problems = await page.locator("#import-problems tbody tr").allTextContents();
      expect(problems.join(" | ")).toContain(`人员!第${badRow}行:手机号应为 11 位大陆手机号`);
      expect(await page.locator("#import-run").isDisabled()).toBe(true);
      await screenshot(page, "admin-import-errors");
      expect(await app.services.db.manager.countBy(Person, { name: "错号码" })).toBe(0);
    } finally {
      await close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it("shows the dashboard with the hazard, 叫应 and tip above counted, the numbers beside the charts", async () => {
    const { page, close } = await openPage(`${app.url}/admin/`, { width: 1280, height: 900 });
    try {
      await signIn(page, "陈静");
      const res = await (await app.signIn("陈静")).call("GET", "/api/dashboard");
      expect(res.status).toBe(200);
      const data = ((await res.json()) as { data: { hazards: { open: number; overdue: number }; callouts: { campaigns: number }; tips: { total: number } } }).data;
      // What the tests above left: one overdue hazard, one 叫应 and one tip.
      expect(data.hazards).toMatchObject({ open: 1, overdue: 1 });
      await page.locator("#kpi-open").waitFor();
      expect(await page.textContent("#kpi-open")).toBe("1");
      expect(await page.textContent("#kpi-overdue")).toBe("1");
      expect(await page.locator("[data-test=by-level] .numbers").textContent()).toContain("重大隐患1");
      expect(await page.locator("[data-test=callouts] .numbers").textContent()).toContain(`叫应次数${data.callouts.campaigns}`);
      expect(await page.locator("[data-test=tips] .numbers").textContent()).toContain(`合计${data.tips.total}`);
      expect(await page.locator("canvas").count()).toBeGreaterThanOrEqual(6);
      await screenshot(page, "admin-dashboard");

      // Settings read as the server holds them: the ladder's steps and how to change them.
      await page.click("#menu >> text=系统设置");
      await page.locator("#settings", { hasText: "隐患超期督办阶梯" }).waitFor();
      expect(await page.textContent("#settings")).toContain("HAZARD_LADDER_DAYS");
      expect(await page.textContent("#settings")).toContain("修改方式：在服务器的 .env 文件中设置 QUIET_HOURS");
      await screenshot(page, "admin-settings");
    } finally {
      await close();
    }
  }, 90_000);
});
