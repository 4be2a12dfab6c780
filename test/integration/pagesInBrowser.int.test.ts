import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { systemClock } from "../../src/clock";
import type { BoardView } from "../../src/web/boardView";
import { backend } from "../support/backend";
import { draft } from "../support/calloutHarness";
import { type ConsoleApp, clientId, type InPage, openPage, screenshot, startConsoleApp } from "../support/consoleApp";

const ready = () => (globalThis as unknown as InPage).document.body.dataset.ready === "1";

// The home page and the live 叫应 board in headless Chromium, against the whole product.
describe(`home and 叫应 board pages in a browser (${backend()})`, () => {
  let app: ConsoleApp;

  beforeAll(async () => {
    app = await startConsoleApp();
  }, 60_000);
  afterAll(() => app?.close());

  it("shows the home page with the demo county's counts", async () => {
    const { page, close } = await openPage(`${app.url}/`, { width: 900, height: 500 });
    try {
      await page.waitForFunction(ready);
      expect(Number(await page.textContent("#people"))).toBeGreaterThanOrEqual(50);
      expect(await page.textContent("#units")).toMatch(/镇街 \d+/);
      await screenshot(page, "home");
    } finally {
      await close();
    }
  });

  it("shows the board's counts from a signed link, and an answer as it arrives", async () => {
    const zhao = await app.person("赵磊");
    const callout = await app.services.callouts.create(zhao, draft({ title: "暴雨红色预警叫应", level: "red" }));
    await app.services.callouts.send(zhao, callout.id);
    const token = (await issueApiToken(app.services.db, systemClock, zhao.mobile, "值班")).token;
    const path = ((await (await app.fetch(`/api/callouts/${callout.id}/board-link`, { token })).json()) as { data: { path: string } }).data.path;
    const view = ((await (await app.fetch(path.replace("/callouts/", "/api/callouts/"), { token: null })).json()) as { data: BoardView }).data;
    expect(view.counts.notYet).toBeGreaterThan(1);

    const { page, close } = await openPage(`${app.url}${path}`, { width: 420, height: 900 });
    try {
      await page.waitForFunction(ready);
      expect(await page.textContent("#title")).toBe("暴雨红色预警叫应");
      expect(await page.textContent("#c-notYet")).toBe(String(view.counts.notYet));
      expect(await page.textContent("#c-answered")).toBe("0");
      expect(await page.textContent("#rate")).toBe("0%");
      expect(await page.locator("#g-notYet li").count()).toBe(view.counts.notYet);
      expect(await page.getAttribute("#head", "class")).toBe("level-red");

      // One recipient answers 收到 on the console; the open board follows without a reload.
      const first = await app.person(view.people.find((p) => p.group === "notYet")?.name as string);
      const res = await app.fetch(`/console/api/people/${first.id}/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "text", eventId: clientId(), text: "收到" }) });
      expect(res.status).toBe(201);
      await page.locator("#c-answered", { hasText: /^1$/ }).waitFor({ timeout: 15_000 });
      expect(await page.locator("#g-answered li").allTextContents()).toEqual([first.name]);
      await screenshot(page, "board");
    } finally {
      await close();
    }
  }, 45_000);

  it("shows a Chinese refusal for a forged link", async () => {
    const { page, close } = await openPage(`${app.url}/callouts/1/board?t=1234567890.${"A".repeat(43)}`, { width: 420, height: 400 });
    try {
      expect(await page.textContent("h1")).toBe("看板链接无效或已过期");
    } finally {
      await close();
    }
  });
});
