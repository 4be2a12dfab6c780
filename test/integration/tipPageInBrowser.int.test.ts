import { PublicTip, Tip, TipPhoto } from "../../src/db/entities";
import { backend } from "../support/backend";
import { type ConsoleApp, openPage, screenshot, startConsoleApp } from "../support/consoleApp";
import { jpegTakenAt } from "../support/photos";

// The public tip page as a member of the public uses it: a 360-px phone, headless Chromium, the whole product.
describe(`the public tip page in a browser (${backend()})`, () => {
  let app: ConsoleApp;

  beforeAll(async () => {
    app = await startConsoleApp();
  }, 60_000);
  afterAll(() => app?.close());

  it("submits a tip with a photo, shows the code and token once, and looks the tip up", async () => {
    const { page, close } = await openPage(`${app.url}/tip`, { width: 360, height: 740 });
    try {
      await page.locator("#category option", { hasText: "危险化学品" }).waitFor({ state: "attached" });
      await page.selectOption("#category", { label: "危险化学品" });
      expect(await page.textContent("#category-hint")).toContain("危险化学品");
      await page.fill("#description", "河滨路仓库夜间违规存放大量液化气钢瓶，无人看管");
      await page.setInputFiles("#photos", { name: "现场.jpg", mimeType: "image/jpeg", buffer: jpegTakenAt(31.48, 104.62) });
      await page.locator("#previews img").waitFor();
      await page.fill("#address", "青禾镇河滨路 18 号");
      // Nothing is wider than the phone.
      expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await screenshot(page, "tip-form");
      await page.click("#submit");

      await page.locator("#receipt").waitFor({ state: "visible", timeout: 15_000 });
      const code = ((await page.textContent("#receipt-code")) ?? "").trim();
      const token = ((await page.textContent("#receipt-token")) ?? "").trim();
      expect(code).toMatch(/^JB[A-Z0-9]{6}$/);
      expect(token.length).toBeGreaterThanOrEqual(20);
      expect(await page.isHidden("#tip-form")).toBe(true);
      await screenshot(page, "tip-receipt");

      const pub = await app.services.db.manager.findOneByOrFail(PublicTip, { trackingCode: code });
      const tip = await app.services.db.manager.findOneByOrFail(Tip, { id: pub.tipId });
      expect(tip).toMatchObject({ source: "public", channel: "form", reporterSealed: null, locationText: "青禾镇河滨路 18 号" });
      expect(await app.services.db.manager.countBy(TipPhoto, { tipId: tip.id })).toBe(1);

      // The receipt's link opens the status page already filled in (code and token in the fragment).
      await page.click("#receipt-link");
      await page.locator("#status").waitFor({ state: "visible", timeout: 15_000 });
      expect(await page.textContent("#status-label")).toBe("已收到，等待受理");
      expect(await page.textContent("#status-feedback")).toBe("暂无反馈");
      await screenshot(page, "tip-status");

      // Typed by hand, with a wrong token: the same refusal as for a code that does not exist.
      await page.goto(`${app.url}/tip/status`);
      await page.fill("#code", code.toLowerCase());
      await page.fill("#token", "wrong-token-123");
      await page.click("button[type=submit]");
      await page.locator("#problem").waitFor({ state: "visible" });
      expect(await page.textContent("#problem")).toBe("找不到该举报（请核对查询码和密钥）");
    } finally {
      await close();
    }
  }, 60_000);

  it("gives staff a printable poster with the page's QR code", async () => {
    const poster = await app.fetch("/api/tips/poster", { token: app.adminToken });
    expect(poster.status).toBe(200);
    expect(poster.headers.get("content-type")).toContain("image/svg+xml");
    const svg = await poster.text();
    expect(svg).toContain("安全生产举报");
    expect(svg).toContain(`${app.url}/tip`);
    const png = await app.fetch("/api/tips/poster?format=png", { token: app.adminToken });
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString("latin1")).toBe("PNG");
    expect((await app.fetch("/api/tips/poster", { token: null })).status).toBe(401);
  });
});
