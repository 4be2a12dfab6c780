import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { createApp } from "../../src/app";
import { type Clock, RunningClock } from "../../src/clock";
import type { Config } from "../../src/config";
import type { Database } from "../../src/db/Database";
import { Person, PersonAccount } from "../../src/db/entities";
import { setAccount } from "../../src/domain/org/accounts";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { createLogger } from "../../src/log";
import { buildServices, type Services } from "../../src/services";
import { dropTestDatabase, testConfig } from "./backend";

/** The product as a newcomer runs it: every service, the outbox worker polling, the demo county loaded. */
export interface ConsoleApp {
  services: Services;
  config: Config;
  url: string;
  /** An administrator's API token (陈静 of the demo county), for the login the console asks for outside the embedded mode. */
  adminToken: string;
  /** The app's clock: a fixed weekday morning that then runs on. */
  clock: Clock;
  person(name: string): Promise<Person>;
  /** `fetch` against the app, with the admin token when the console requires a login. */
  fetch(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Starts the whole product on a random port with the console on. `env` overrides settings, e.g.
 * `NODE_ENV: "production"` to make the console ask for a login on the embedded backend too;
 * `startAt` is where the app's clock starts (an instant, e.g. 23:30 in Shanghai).
 */
export async function startConsoleApp(env: Record<string, string> = {}, startAt = "2026-11-26T02:00:00Z"): Promise<ConsoleApp> {
  const mediaDir = await mkdtemp(join(tmpdir(), "anshao-console-media-"));
  const config = await testConfig({ CONSOLE_ENABLED: "true", OUTBOX_POLL_MS: "50", MEDIA_DIR: mediaDir, ...env });
  const log = createLogger({ level: "silent" });
  // By default 10:00 in Shanghai on a weekday, whenever the suite runs: no quiet hours hold the notices.
  const clock = new RunningClock(startAt);
  const services = await buildServices(config, log, clock);
  await loadDemo(services.db, clock);
  // Outside the embedded demo the console acts only for people without a messenger account: the
  // demo county's people become such test accounts there, as a county's trial users would be.
  if (config.console.requireLogin) await setMessengerAccounts(services.db, "none");
  const chen = await services.db.manager.findOneByOrFail(Person, { name: "陈静" });
  const adminToken = (await issueApiToken(services.db, clock, chen.mobile, "控制台测试")).token;
  const server: Server = createApp({ config, log, db: services.db, kv: services.kv, routers: services.routers }).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  services.outboxWorker.start();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    services,
    config,
    url,
    clock,
    adminToken,
    person: (name) => services.db.manager.findOneByOrFail(Person, { name }),
    fetch(path, init = {}) {
      const { token, ...rest } = init;
      const bearer = token === undefined ? (config.console.requireLogin ? adminToken : null) : token;
      const headers = new Headers(rest.headers);
      if (bearer) headers.set("authorization", `Bearer ${bearer}`);
      return fetch(`${url}${path}`, { ...rest, headers });
    },
    async close() {
      await services.outboxWorker.stop();
      // Chat streams end on their own once the server stops listening; don't wait for their next poll.
      const closed = new Promise((r) => server.close(r));
      server.closeAllConnections();
      await closed;
      await services.close();
      await dropTestDatabase(config);
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
}

/**
 * Gives people a WeChat Work account (`wecom:<id>` for each id) or takes every messenger account
 * away ("none"). The one place tests write where messenger accounts are kept.
 */
export async function setMessengerAccounts(db: Database, accounts: "none" | number[]): Promise<void> {
  if (accounts === "none") {
    await db.manager.createQueryBuilder().delete().from(PersonAccount).execute();
    return;
  }
  for (const id of accounts) await setAccount(db.manager, id, "wecom", `wecom${id}`, new Date("2026-11-26T02:00:00Z"));
}

/** A client event id as the page makes them. */
export const clientId = (): string => randomBytes(12).toString("hex");

/** The chat lines a stream sent, read off an SSE response until `until` says enough. */
export async function readStream(res: Response, until: (lines: StreamLine[]) => boolean): Promise<StreamLine[]> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const lines: StreamLine[] = [];
  let buf = "";
  try {
    while (!until(lines)) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = /^data: (.+)$/m.exec(block)?.[1];
        const id = /^id: (\d+)$/m.exec(block)?.[1];
        const event = /^event: (.+)$/m.exec(block)?.[1] ?? "message";
        if (event === "message" && data) lines.push({ ...(JSON.parse(data) as StreamLine), eventId: id ? Number(id) : undefined });
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return lines;
}

export interface StreamLine {
  id: number;
  kind: string;
  direction?: "in" | "out";
  body?: Record<string, unknown>;
  responseCode?: string;
  answered?: string;
  change?: { messageId: number; answered?: string; recalled?: true };
  /** The SSE `id:` of the frame, when it carried one. */
  eventId?: number;
}

/**
 * The little of the page's globals the functions run in the page touch. They are typed here
 * because this project type-checks without the DOM library.
 */
export interface InPage {
  document: {
    body: { dataset: Record<string, string | undefined> };
    querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
  };
}

/** The launch flags of a headless Debian Chromium on a closed network. */
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * The console page in headless Chromium, as a tester at a laptop uses it: one person at a time,
 * switching with 切换人员. Every action notes how many bot lines there were, and `expectBot` waits
 * for an answer after it, so a scenario reads as the conversation it is.
 */
export interface ConsoleBrowser {
  page: Page;
  /** Logs in if the console asks, picks the person by name (switching from the chat open) and waits until their chat is live. */
  pick(name: string): Promise<void>;
  /** Types and sends a message; resolves once it shows as the person's own bubble. */
  say(text: string): Promise<void>;
  /** Presses the button labelled `label` on the latest card that offers it; types the label where the question came as text. */
  press(label: string): Promise<void>;
  /** Sends a photo (or any file, as if picked with the photo button). */
  sendPhoto(file?: { name: string; mimeType: string; buffer: Buffer }): Promise<void>;
  /** Sends a document with the 「文件」 button (a one-page PDF unless given). */
  sendFile(file?: { name: string; mimeType: string; buffer: Buffer }): Promise<void>;
  sendLocation(latitude: number, longitude: number, label?: string): Promise<void>;
  /** Waits for a bot line containing `text` among those that arrived since the last action; returns the first such line. */
  expectBot(text: string): Promise<Locator>;
  /** The bot's lines (oldest first). */
  botLines(): Locator;
  /** Waits for the bot's line number `count` (1-based) to arrive and returns it. */
  nthBotLine(count: number): Promise<Locator>;
  /** The latest bot card with a button labelled `label`. */
  cardWithButton(label: string): Locator;
  /** The red error line at the top. */
  alert(): Locator;
  close(): Promise<void>;
}

/** Opens `url` in a fresh headless Chromium profile (Playwright's default window unless `viewport` says; a messenger's browser with `userAgent`). */
export async function openPage(url: string, viewport?: { width: number; height: number }, userAgent?: string): Promise<{ page: Page; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), "anshao-chromium-"));
  let context: BrowserContext;
  try {
    // A persistent context is how Playwright takes a profile directory (it refuses --user-data-dir as a flag).
    context = await chromium.launchPersistentContext(profile, { executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_FLAGS, locale: "zh-CN", timezoneId: "Asia/Shanghai", ...(viewport ? { viewport } : {}), ...(userAgent ? { userAgent } : {}) });
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  return {
    page,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Where a test leaves screenshots of the pages for a person to look at (`SCREENSHOT_DIR`); none when unset. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR;
  if (dir) await page.screenshot({ path: join(dir, `web-${name}.png`), fullPage: true });
}

/** Opens the console in a fresh headless Chromium profile. */
export async function openConsole(app: Pick<ConsoleApp, "url" | "adminToken">): Promise<ConsoleBrowser> {
  const { page, close } = await openPage(`${app.url}/console`);
  const bot = () => page.locator("#log li.out");
  const mine = () => page.locator("#log li.in");
  let since = 0;
  const mark = async () => {
    since = await bot().count();
  };
  const say = async (text: string) => {
    await mark();
    const before = await mine().count();
    await page.fill("#text", text);
    await page.click("#sendBtn");
    await mine().nth(before).waitFor();
  };
  const browser: ConsoleBrowser = {
    page,
    async pick(name) {
      if (await page.locator("#switch").isVisible()) await page.click("#switch");
      if (await page.locator("#login").isVisible()) {
        await page.fill("#token", app.adminToken);
        await page.click("#loginBtn");
      }
      await page.evaluate(() => delete (globalThis as unknown as InPage).document.body.dataset.ready);
      await page.fill("#search", name);
      await page.locator("#people button", { has: page.locator(".who", { hasText: new RegExp(`^${name}`) }) }).first().click();
      await page.locator("#title", { hasText: name }).waitFor();
      await page.waitForFunction(() => (globalThis as unknown as InPage).document.body.dataset.ready === "1");
      await mark();
    },
    say,
    async press(label) {
      const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
      const card = page.locator("#log li.out:not(.answered)", { has: page.locator(".card .buttons button", { hasText: exact }) }).last();
      if ((await card.count()) === 0) return say(label);
      const id = await card.getAttribute("data-id");
      await mark();
      await card.locator(".card .buttons button", { hasText: exact }).first().click();
      await page.locator(`#log li.answered[data-id="${id}"]`).waitFor();
    },
    async sendPhoto(file = { name: "现场.png", mimeType: "image/png", buffer: tinyPng() }) {
      await mark();
      await page.setInputFiles("#photo", file);
    },
    async sendFile(file = { name: "防雷检测报告.pdf", mimeType: "application/pdf", buffer: tinyPdf() }) {
      await mark();
      await page.setInputFiles("#doc", file);
    },
    async sendLocation(latitude, longitude, label) {
      await mark();
      await page.click("#locationBtn");
      await page.fill("#lat", String(latitude));
      await page.fill("#lng", String(longitude));
      if (label) await page.fill("#place", label);
      await page.click("#sendLocation");
    },
    async expectBot(text) {
      // Functions, not strings: the page's CSP (rightly) forbids eval.
      const found = await page.waitForFunction(
        (args) => {
          const i = Array.from((globalThis as unknown as InPage).document.querySelectorAll("#log li.out")).slice(args.from).findIndex((line) => (line.textContent ?? "").includes(args.wanted));
          return i >= 0 ? { i } : false; // an object, as index 0 would read as "not yet"
        },
        { from: since, wanted: text },
      );
      return bot().nth(since + ((await found.jsonValue()) as { i: number }).i);
    },
    botLines: bot,
    async nthBotLine(count) {
      const line = bot().nth(count - 1);
      await line.waitFor();
      return line;
    },
    cardWithButton: (label) => page.locator("#log li.out", { has: page.locator(".card .buttons button", { hasText: label }) }).last(),
    alert: () => page.locator("#alert"),
    close,
  };
  return browser;
}

/** A 4×4 red PNG: a real photo the media store accepts and a browser shows. */
export function tinyPng(): Buffer {
  return Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGO4rK8PRwzEcQD6IxMRx3XsfgAAAABJRU5ErkJggg==",
    "base64",
  );
}

/** Resolves with `check`'s value once it is truthy, looking again every 50 ms (the test's timeout bounds it). */
export async function until<T>(check: () => Promise<T>): Promise<NonNullable<T>> {
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The smallest PDF a reader opens: one empty page. */
export function tinyPdf(): Buffer {
  return Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n", "latin1");
}
