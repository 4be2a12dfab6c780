import type { Page } from "playwright-core";
import { setAccount } from "../../src/domain/org/accounts";
import { backend } from "../support/backend";
import { type AdminApp, buildAdminPages, json, signInOnPage, startAdminApp } from "../support/adminApp";
import { type InPage, openConsole, openPage, screenshot, setMessengerAccounts, tinyPng } from "../support/consoleApp";
import { DING } from "../support/dingtalkApp";
import { FakeDingtalk } from "../fakes/fakeDingtalk";

const HOUR = 3_600_000;

/** What a page keeps across updates but loses on a reload. */
interface Marked {
  liveMarker?: string;
}

// The admin console's live parts in headless Chromium: the 叫应 board pushed by the server as an
// answer is typed in the console channel, photos uploaded to a hazard, and 钉钉登录 on the sign-in page.
describe(`admin console, live board and photos, in a browser (${backend()})`, () => {
  let app: AdminApp;

  beforeAll(async () => {
    buildAdminPages();
    app = await startAdminApp("2026-11-26T02:00:00Z", { CONSOLE_ENABLED: "true" });
    // Outside the embedded mode the console asks for an administrator's token and acts only for
    // people without a messenger account: the demo county's people become such trial users.
    await setMessengerAccounts(app.services.db, "none");
  }, 180_000);
  afterAll(() => app?.close());

  /** The screenshot shows the page, not the "已上传" notices over it. */
  const toastsGone = (page: Page) => page.waitForFunction(() => (globalThis as unknown as InPage).document.querySelectorAll(".el-message").length === 0, undefined, { timeout: 15_000 });

  const signIn = (page: Page, name: string) => signInOnPage(app, page, name);

  it("sends a 叫应 and shows 宋志刚's 收到, typed in the console channel, on the open board without a reload", async () => {
    const duty = await app.signIn("林晓燕");
    const drafted = await duty.call("POST", "/api/callouts", { title: "暴雨橙色预警叫应", text: "请立即组织巡查，转移危险区域人员", warningType: "rainstorm", level: "orange", rules: [{ units: ["东岭镇"], roles: ["duty_leader", "admin_owner", "grid_member"] }] });
    const id = (await json(drafted)).data.id as number;

    const board = await openPage(`${app.url}/admin/`, { width: 1280, height: 900 });
    const chat = await openConsole({ url: app.url, adminToken: await app.token("陈静") });
    try {
      await signIn(board.page, "林晓燕");
      await board.page.goto(`${app.url}/admin/callouts/${id}`);
      await board.page.locator("#callout-state", { hasText: "草稿" }).waitFor();
      await board.page.click("#callout-send");
      await board.page.locator("#callout-state", { hasText: "进行中" }).waitFor();
      // Pushed by the server (server-sent events), not polled.
      await board.page.locator("#board-following", { hasText: "实时更新" }).waitFor();
      expect(await board.page.textContent("#b-answered")).toBe("0");
      await board.page.evaluate(() => ((globalThis as unknown as Marked).liveMarker = "same page"));

      await chat.pick("宋志刚");
      await chat.say("收到");

      await board.page.locator("#b-answered", { hasText: /^1$/ }).waitFor({ timeout: 15_000 });
      expect(await board.page.locator("#board tbody tr", { hasText: "宋志刚" }).textContent()).toContain("已收到");
      expect(await board.page.evaluate(() => (globalThis as unknown as Marked).liveMarker)).toBe("same page");
      await toastsGone(board.page);
      await screenshot(board.page, "admin-callout-live");
    } finally {
      await chat.close();
      await board.close();
    }
  }, 150_000);

  it("falls back to a 2-second poll when the stream is refused, and still shows the answer", async () => {
    const duty = await app.signIn("林晓燕");
    const drafted = await duty.call("POST", "/api/callouts", { title: "大雾黄色预警叫应", text: "请注意道路交通安全", warningType: "fog", level: "yellow", rules: [{ units: ["东岭镇"], roles: ["duty_leader"] }] });
    const id = (await json(drafted)).data.id as number;
    expect((await duty.call("POST", `/api/callouts/${id}/send`)).status).toBe(200);
    const { page, close } = await openPage(`${app.url}/admin/`, { width: 1280, height: 900 });
    try {
      // A proxy that will not pass event streams: the stream answers 502.
      await page.route("**/api/callouts/*/stream", (route) => route.fulfill({ status: 502, body: "Bad Gateway" }));
      await signIn(page, "林晓燕");
      await page.goto(`${app.url}/admin/callouts/${id}`);
      await page.locator("#board-following", { hasText: "自动刷新" }).waitFor();
      const song = await app.person("宋志刚");
      const consoleToken = await app.token("陈静");
      const typed = await fetch(`${app.url}/console/api/people/${song.id}/messages`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${consoleToken}` }, body: JSON.stringify({ kind: "text", eventId: "fallback-answer-1", text: "收到" }) });
      expect(typed.status).toBeLessThan(300);
      await page.locator("#b-answered", { hasText: /^1$/ }).waitFor({ timeout: 15_000 });
    } finally {
      await close();
    }
  }, 90_000);

  it("uploads 整改前 and 整改后 photos to a hazard from its detail page and shows them", async () => {
    const inspector = await app.signIn("张伟");
    const town = await app.person("宋志刚");
    // 张伟 finds it and, for this test, also takes it on: he then rectifies and hands in.
    const zhang = await app.person("张伟");
    const reported = await inspector.call("POST", "/api/hazards", { source: "inspection", place: { locationText: "东岭镇农贸市场", unitId: town.unitId }, category: "消防设施", level: "general", description: "市场消防栓被摊位遮挡" });
    const hazard = (await json(reported)).data as { id: number; number: string; version: number };
    const assigned = await inspector.call("POST", `/api/hazards/${hazard.id}/assign`, { ownerId: zhang.id, measures: "挪开摊位，清出消防栓", deadline: new Date(app.clock.now().getTime() + 24 * HOUR).toISOString(), version: hazard.version });
    expect(assigned.status).toBe(200);

    const { page, close } = await openPage(`${app.url}/admin/`, { width: 1280, height: 900 });
    try {
      await signIn(page, "张伟");
      await page.goto(`${app.url}/admin/hazards/${hazard.id}`);
      await page.locator("#hazard-title", { hasText: hazard.number }).waitFor();
      // Not yet rectifying: only 整改前 photos may be added.
      expect(await page.locator("#upload-after").count()).toBe(0);
      // A photo is a photo by its bytes: this PNG is called .jpg.
      await page.setInputFiles("#upload-before input[type=file]", { name: "现场.jpg", mimeType: "image/jpeg", buffer: tinyPng() });
      await page.locator(".photos[data-stage=before] img.el-image__inner").waitFor();
      expect(await page.locator("#timeline").textContent()).toContain("补充照片");

      await page.click("#act-start");
      await page.click("#action-confirm");
      await page.locator("#hazard-state", { hasText: "整改中" }).waitFor();
      await page.setInputFiles("#upload-after input[type=file]", { name: "整改后.png", mimeType: "image/png", buffer: tinyPng() });
      await page.locator(".photos[data-stage=after] img.el-image__inner").waitFor();
      expect(await page.locator(".no-photo").count()).toBe(0);

      // What is not a photo is refused in Chinese, whatever its name.
      await page.setInputFiles("#upload-after input[type=file]", { name: "假照片.jpg", mimeType: "image/jpeg", buffer: Buffer.from("<html>not a photo</html>") });
      await page.locator(".el-message--error", { hasText: "不是照片" }).waitFor();
      expect(await page.locator(".photos[data-stage=after] img.el-image__inner").count()).toBe(1);
      await toastsGone(page);
      await screenshot(page, "admin-hazard-photos");

      // 提交整改 hands the uploaded 整改后 photo in (once, not twice) and asks for 复查.
      await page.click("#act-submit");
      await page.locator("#submit-photos", { hasText: "1 张整改后照片" }).waitFor();
      await page.fill("#f-note", "摊位已挪开，消防栓周边清空");
      await page.click("#action-confirm");
      await page.locator("#hazard-state", { hasText: "待复查" }).waitFor();
      expect(await page.locator(".photos[data-stage=after] img.el-image__inner").count()).toBe(1);
    } finally {
      await close();
    }
  }, 120_000);

  it("offers 钉钉登录 on the sign-in page, and signs a member in without a password when opened inside DingTalk", async () => {
    const fake = new FakeDingtalk({ appKey: DING.appKey, appSecret: DING.appSecret, agentId: DING.agentId, now: () => app.clock.now().getTime() });
    const fakeUrl = await fake.start();
    const ding = await startAdminApp("2026-11-26T02:00:00Z", {
      DINGTALK_APP_KEY: DING.appKey,
      DINGTALK_APP_SECRET: DING.appSecret,
      DINGTALK_AGENT_ID: String(DING.agentId),
      DINGTALK_TOKEN: DING.token,
      DINGTALK_AES_KEY: DING.aesKey,
      DINGTALK_API_BASE: fakeUrl,
      DINGTALK_OAPI_BASE: fakeUrl,
    });
    const zhang = await ding.person("张伟");
    await ding.services.db.write((m) => setAccount(m, zhang.id, "dingtalk", "ding-zhangwei", ding.clock.now()));
    fake.users.push({ userid: "ding-zhangwei", name: "张伟", deptIds: [1] });
    const desk = await openPage(`${ding.url}/admin/login`, { width: 1280, height: 800 });
    // DingTalk's own browser (its user agent says so); its sign-in page is played by a route that returns the fake's authCode.
    const inside = await openPage("about:blank", { width: 390, height: 844 }, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 AliApp(DingTalk/7.6.0) DingTalk(7.6.0)");
    try {
      const button = desk.page.locator("a", { hasText: "钉钉登录" });
      await button.waitFor();
      expect(await button.getAttribute("href")).toBe("/api/auth/dingtalk/start");
      await screenshot(desk.page, "admin-login-dingtalk");

      await inside.page.route("https://login.dingtalk.com/**", async (route) => {
        const asked = new URL(route.request().url());
        const back = `${asked.searchParams.get("redirect_uri")}?authCode=${fake.signInCode("ding-zhangwei")}&state=${asked.searchParams.get("state")}`;
        await route.fulfill({ status: 302, headers: { location: back } });
      });
      await inside.page.goto(`${ding.url}/admin/`);
      await inside.page.locator("#who", { hasText: "张伟" }).waitFor();
      expect(fake.callsOf("topapi/user/getbyunionid")).toHaveLength(1);
    } finally {
      await inside.close();
      await desk.close();
      await ding.close();
      await fake.stop();
    }
  }, 90_000);
});
