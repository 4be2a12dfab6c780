import type { Page } from "playwright-core";
import { Enterprise } from "../../src/db/entities";
import { backend } from "../support/backend";
import { type AdminApp, buildAdminPages, json, signInOnPage, startAdminApp } from "../support/adminApp";
import { openPage, screenshot } from "../support/consoleApp";

// 系统设置 and 通讯录 editing in headless Chromium on the demo county: an administrator changes a
// quota and the overdue ladder (bad values are refused in Chinese), a leader only reads, an
// enterprise's risk colour is changed from the directory, a town's staff add a person.
describe(`admin console: settings and directory editing in a browser (${backend()})`, () => {
  let app: AdminApp;

  beforeAll(async () => {
    buildAdminPages();
    app = await startAdminApp();
  }, 180_000);
  afterAll(() => app?.close());

  const signIn = (page: Page, name: string) => signInOnPage(app, page, name);

  it("lets the administrator change a quota and the ladder: a bad value is refused in Chinese, a good one is what the API returns", async () => {
    // Tall enough for every card of the page in the screenshots.
    const { page, close } = await openPage(`${app.url}/admin/`, { width: 1280, height: 1500 });
    try {
      await signIn(page, "陈静");
      await page.click("#menu >> text=系统设置");
      const row = page.locator("#quota-rules tbody tr", { hasText: "监管人员" }).filter({ hasText: "每周" });
      await row.waitFor();
      await screenshot(page, "admin-settings-edit");
      await row.locator(".quota-edit").click();

      await page.fill("#quota-required", "500");
      await page.click("#quota-save");
      await page.locator(".form-error", { hasText: "次数不超过 100" }).waitFor();
      expect(await page.locator(".form-error").textContent()).toContain("填写有误，请检查后重试");
      await screenshot(page, "admin-settings-error");

      await page.fill("#quota-required", "4");
      await page.click("#quota-save");
      await row.filter({ hasText: "至少 4 次" }).waitFor();
      const rules = (await json(await (await app.signIn("陈静")).call("GET", "/api/quotas/rules"))).data as { role: string; period: string; required: number }[];
      expect(rules.find((r) => r.role === "inspector" && r.period === "week")?.required).toBe(4);

      // The ladder: 督办单 before 提醒单 is refused in Chinese; 挂牌督办 at 10 days is saved and served.
      await page.fill("#ladder-2", "-5");
      await page.click("#ladder-save");
      await page.locator("#ladder-card .form-error", { hasText: "后一环节不能早于前一环节" }).waitFor();
      await page.fill("#ladder-2", "3");
      await page.fill("#ladder-3", "10");
      await page.click("#ladder-save");
      await page.locator("#ladder-card", { hasText: "管理员已修改" }).waitFor();
      const settings = (await json(await (await app.signIn("陈静")).call("GET", "/api/settings"))).data as { hazardLadder: { steps: { daysAfterDeadline: number }[] } };
      expect(settings.hazardLadder.steps.map((st) => st.daysAfterDeadline)).toEqual([-1, 0, 3, 10]);
      await screenshot(page, "admin-settings-saved");

      // The .env settings stay read-only, saying how they are changed.
      expect(await page.textContent("#settings")).toContain("修改方式：在服务器的 .env 文件中设置 QUIET_HOURS");
    } finally {
      await close();
    }
  }, 120_000);

  it("shows a leader the settings without any way to change them, and the API refuses the leader too", async () => {
    const { page, close } = await openPage(`${app.url}/admin/`, { width: 1280, height: 900 });
    try {
      await signIn(page, "李明");
      await page.click("#menu >> text=系统设置");
      await page.locator("#quota-rules tbody tr").first().waitFor();
      expect(await page.textContent(".readonly-note")).toContain("只有管理员可以修改");
      expect(await page.locator("#quota-add, .quota-edit, #freq-save, #period-add, #ladder-save, #ladder-card input, #answer-save, #answer-card input").count()).toBe(0);
      await screenshot(page, "admin-settings-readonly");
      const leader = await app.signIn("李明");
      const refused = await leader.call("PUT", "/api/quotas/rules/inspector", { period: "week", required: 1 });
      expect(refused.status).toBe(403);
    } finally {
      await close();
    }
  }, 90_000);

  it("changes an enterprise's risk colour from the directory", async () => {
    const gas = await app.services.db.manager.findOneByOrFail(Enterprise, { name: "青禾燃气有限公司东岭供气站" });
    const to = gas.riskLevel === "red" ? { code: "orange", label: "橙" } : { code: "red", label: "红" };
    const { page, close } = await openPage(`${app.url}/admin/`, { width: 1280, height: 900 });
    try {
      await signIn(page, "陈静");
      await page.click("#menu >> text=通讯录");
      await page.click(".el-tabs__item >> text=企业");
      await page.fill("#ent-q", "东岭供气站");
      await page.press("#ent-q", "Enter");
      const row = page.locator("#enterprises tbody tr", { hasText: "东岭供气站" });
      await row.waitFor();
      await row.locator(".ent-edit").click();
      await page.locator(`#ent-risk .risk-${to.code}`).click();
      await screenshot(page, "admin-enterprise-edit");
      await page.click("#ent-save");
      await page.locator("#enterprises tbody tr", { hasText: "东岭供气站" }).locator(".risk", { hasText: to.label }).waitFor();
      expect((await app.services.db.manager.findOneByOrFail(Enterprise, { id: gas.id })).riskLevel).toBe(to.code);
      await screenshot(page, "admin-directory-enterprises");

      // The 单位 tab shows the tree, with a way to add below each unit.
      await page.click(".el-tabs__item >> text=单位");
      await page.locator("#units tbody tr", { hasText: "东岭镇" }).first().waitFor();
      // Units are added below the county and below a town (the county and its three towns).
      expect(await page.locator("#units .unit-add").count()).toBe(4);
      await screenshot(page, "admin-directory-units");
    } finally {
      await close();
    }
  }, 90_000);

  it("lets a town's staff add a person to one of their villages, offering only their town's units", async () => {
    const { page, close } = await openPage(`${app.url}/admin/`, { width: 1280, height: 900 });
    try {
      await signIn(page, "唐亮");
      await page.click("#menu >> text=通讯录");
      await page.locator("#people tbody tr").first().waitFor();
      // No import, export or console-role buttons for a town's staff.
      expect(await page.locator("#import-open").count()).toBe(0);
      await page.click("#person-add");
      await page.fill("#person-name", "吴小雨");
      await page.fill("#person-mobile", "13900005555");
      await page.locator(".el-dialog .el-form-item", { hasText: "单位" }).locator(".el-select").first().click();
      // The list opens before its units have arrived: read it once they are there.
      await page.locator(".el-select-dropdown:visible .el-select-dropdown__item", { hasText: "柳湾村" }).waitFor();
      const offered = await page.locator(".el-select-dropdown:visible .el-select-dropdown__item").allTextContents();
      expect(offered).toContain("柳湾村");
      expect(offered).not.toContain("南川镇");
      await page.locator(".el-select-dropdown:visible .el-select-dropdown__item", { hasText: "柳湾村" }).click();
      await page.locator(".el-dialog .el-form-item", { hasText: "角色" }).locator(".el-select").first().click();
      await page.locator(".el-select-dropdown:visible .el-select-dropdown__item", { hasText: "网格员" }).click();
      await page.keyboard.press("Escape");
      await page.fill(".el-dialog input[placeholder='userid，可不填'] >> nth=0", "wuxiaoyu");
      await screenshot(page, "admin-person-add");
      await page.click("#person-save");
      await page.locator("#people tbody tr", { hasText: "吴小雨" }).waitFor();
      const added = await app.person("吴小雨");
      expect(added).toMatchObject({ mobile: "13900005555", roles: ["grid_member"], active: true });
      await screenshot(page, "admin-directory-people");
    } finally {
      await close();
    }
  }, 90_000);
});
