import { get, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/app";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { ManualClock } from "../../src/clock";
import { createLogger } from "../../src/log";
import { backend, openTestStores, type TestStores } from "../support/backend";

/** A GET with If-None-Match, as a browser revalidates (fetch would add `Cache-Control: no-cache` to it). */
function conditionalGet(url: string, etag: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { "if-none-match": etag } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on("error", reject);
  });
}

// The pages ship as files under src/web/<page>/, served by our own small handler.
describe(`pages as files (${backend()})`, () => {
  let stores: TestStores;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    stores = await openTestStores();
    await loadDemo(stores.db, new ManualClock("2026-07-01T02:00:00Z"));
    server = createApp({ config: stores.config, log: createLogger({ level: "silent" }), db: stores.db, kv: stores.kv }).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await stores.close();
  });

  it("serves the home page, and its counts as JSON in the {code, label} shape", async () => {
    const page = await fetch(`${base}/`);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain("安哨 正在运行");
    expect(html).not.toMatch(/<script>|style="/); // no inline code: the CSP forbids it
    const summary = (await (await fetch(`${base}/api/home`)).json()) as { data: { activePeople: number; allPeople: number; units: { code: string; label: string; count: number }[] } };
    expect(summary.data.activePeople).toBeGreaterThanOrEqual(50);
    expect(summary.data.allPeople).toBeGreaterThanOrEqual(summary.data.activePeople);
    // The page says what each count counts.
    expect(html).toContain("在岗");
    expect(html).toContain("通讯录共");
    expect(summary.data.units).toContainEqual({ code: "town", label: "镇街", count: expect.any(Number) });
  });

  it("serves a page's files with their content type, nosniff and a revalidating cache, and answers 304 when unchanged", async () => {
    const css = await fetch(`${base}/web/home/home.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(css.headers.get("cache-control")).toBe("no-cache");
    expect(css.headers.get("x-content-type-options")).toBe("nosniff");
    const etag = css.headers.get("etag") as string;
    expect(etag).toMatch(/^W\/"/);
    expect(await conditionalGet(`${base}/web/home/home.css`, etag)).toBe(304);
    expect(await conditionalGet(`${base}/web/home/home.css`, 'W/"0-0"')).toBe(200);
    const js = await fetch(`${base}/web/home/home.js`);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await js.text()).toContain("textContent");
  });

  it("answers 404 for unknown files, other folders, sources and any path that climbs out", async () => {
    for (const path of [
      "/web/home/nothing.css",
      "/web/home/index.ts",
      "/web/home/..%2F..%2F..%2Fpackage.json",
      "/web/home/%2e%2e%2fhome.ts",
      "/web/home/..%5C..%5Cconfig.ts",
      "/web/home/.hidden.css",
      "/web/home/../staticFiles.ts",
      "/web/secrets/index.html",
      // The console is off here: its files are not served either.
      "/web/console/console.js",
    ]) {
      const res = await fetch(`${base}${path}`);
      expect([path, res.status]).toEqual([path, 404]);
    }
  });
});
