import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { Enterprise, Hazard } from "../../src/db/entities";
import { setPassword } from "../../src/domain/access/passwords";
import { backend } from "../support/backend";
import { type AdminApp, startAdminApp, TEST_PASSWORD } from "../support/adminApp";
import { openPage, screenshot } from "../support/consoleApp";

const HOUR = 3_600_000;

// The admin console (admin/, built by Vite into dist/admin) in headless Chromium, against the whole
// app on the demo county: sign-in, the dashboard, the hazard list and a 交办 with its five points.
describe(`admin console in a browser (${backend()})`, () => {
  let app: AdminApp;

  beforeAll(async () => {
    // The pages are what `npm run build` makes; build them here when they are missing or stale.
    execFileSync(process.execPath, [join(__dirname, "../../admin/build.mjs")], { stdio: "inherit" });
    app = await startAdminApp();
  }, 180_000);
  afterAll(() => app?.close());

  async function signIn(page: Page, name: string): Promise<void> {
    const person = await app.person(name);
    await setPassword(app.services.db, app.clock, person.mobile, TEST_PASSWORD);
    await page.goto(`${app.url}/admin/`);
    await page.waitForURL(/\/admin\/login/);
    await page.fill("#mobile", person.mobile);
    await page.fill("#password", TEST_PASSWORD);
    await page.click("#login-btn");
    await page.locator("#who", { hasText: name }).waitFor();
  }

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
    } finally {
      await close();
    }
  }, 90_000);

  it("shows the dashboard's numbers, or says plainly that it is not open yet", async () => {
    const { page, close } = await openPage(`${app.url}/admin/`, { width: 1280, height: 900 });
    try {
      await signIn(page, "陈静");
      const admin = await app.signIn("陈静");
      const res = await admin.call("GET", "/api/dashboard");
      if (res.status === 200) {
        const data = ((await res.json()) as { data: { hazards: { open: number; overdue: number } } }).data;
        await page.locator("#kpi-open").waitFor();
        expect(await page.textContent("#kpi-open")).toBe(String(data.hazards.open));
        expect(await page.textContent("#kpi-overdue")).toBe(String(data.hazards.overdue));
      } else {
        expect(res.status).toBe(404);
        await page.locator(".not-open-text", { hasText: "此功能尚未开放" }).waitFor();
      }
      await screenshot(page, "admin-dashboard");
    } finally {
      await close();
    }
  }, 90_000);

  it("finds a reported hazard, 交办s it with the five points, then lists it as overdue once the deadline passes", async () => {
    const gas = await app.services.db.manager.findOneByOrFail(Enterprise, { name: "青禾燃气有限公司" });
    const hazard = await app.services.hazards.report(await app.person("唐亮"), { source: "inspection", enterpriseId: gas.id, category: "消防通道堵塞", level: "major", description: "仓库消防通道堆放杂物" });

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
});
