import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { createApp } from "../../src/app";
import { ManualClock } from "../../src/clock";
import type { Config } from "../../src/config";
import { Person } from "../../src/db/entities";
import { setPassword } from "../../src/domain/access/passwords";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { createLogger } from "../../src/log";
import { LocalMediaStore } from "../../src/media/localMediaStore";
import { buildServices, type Services } from "../../src/services";
import { dropTestDatabase, testConfig } from "./backend";

/** A browser-like client of the admin API: keeps cookies, sends the CSRF header on changes. */
export interface AdminClient {
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  cookies: Map<string, string>;
}

/** The whole app (every feature, the access gate) on the demo county, with a test clock. */
export interface AdminApp {
  url: string;
  clock: ManualClock;
  services: Services;
  /** The app's media store (photos a test uploads before naming them in a request). */
  media: LocalMediaStore;
  person(name: string): Promise<Person>;
  /** A client signed in with a password set for the person just now. */
  signIn(name: string): Promise<AdminClient>;
  /** A client that has not signed in. */
  anonymous(): AdminClient;
  /** A bearer token acting as the person. */
  token(name: string): Promise<string>;
  close(): Promise<void>;
}

export const TEST_PASSWORD = "qinghe-2026!";

export async function startAdminApp(at = "2026-11-26T02:00:00Z", env: Record<string, string> = {}): Promise<AdminApp> {
  const clock = new ManualClock(at);
  const mediaDir = mkdtempSync(join(tmpdir(), "anshao-admin-media-"));
  const config: Config = await testConfig({ JOBS_ENABLED: "false", MEDIA_DIR: mediaDir, ...env });
  const log = createLogger({ level: "silent" });
  const services = await buildServices(config, log, clock);
  await loadDemo(services.db, clock);
  const server: Server = createApp({ config, log, db: services.db, kv: services.kv, clock, routers: services.routers }).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const person = (name: string) => services.db.manager.findOneByOrFail(Person, { name });

  const client = (): AdminClient => {
    const cookies = new Map<string, string>();
    return {
      cookies,
      async call(method, path, body, headers = {}) {
        const h: Record<string, string> = { ...headers };
        if (cookies.size) h.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
        if (method !== "GET" && cookies.has("anshao_csrf") && !("x-csrf-token" in h)) h["x-csrf-token"] = cookies.get("anshao_csrf") as string;
        if (body !== undefined) h["content-type"] = "application/json";
        const res = await fetch(`${url}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), redirect: "manual" });
        for (const line of res.headers.getSetCookie()) {
          const [pair] = line.split(";");
          const [k, ...v] = (pair as string).split("=");
          const value = v.join("=");
          if (value) cookies.set(k as string, value);
          else cookies.delete(k as string);
        }
        return res;
      },
    };
  };

  return {
    url,
    clock,
    services,
    media: new LocalMediaStore({ dir: mediaDir, maxBytes: config.media.maxBytes }),
    person,
    anonymous: client,
    async signIn(name) {
      const p = await person(name);
      await setPassword(services.db, clock, p.mobile, TEST_PASSWORD);
      const c = client();
      const res = await c.call("POST", "/api/auth/login", { mobile: p.mobile, password: TEST_PASSWORD });
      if (res.status !== 200) throw new Error(`sign-in of ${name} failed: ${res.status} ${await res.text()}`);
      return c;
    },
    async token(name) {
      return (await issueApiToken(services.db, clock, (await person(name)).mobile, "测试")).token;
    },
    async close() {
      await new Promise((r) => server.close(r));
      await services.close();
      await dropTestDatabase(config);
      rmSync(mediaDir, { recursive: true, force: true });
    },
  };
}

/** A response's JSON, for assertions. */
export const json = async (res: Response): Promise<any> => res.json();

/** The console's pages are what `npm run build` makes: builds them when they are missing or stale. */
export function buildAdminPages(): void {
  execFileSync(process.execPath, [join(__dirname, "../../admin/build.mjs")], { stdio: "inherit" });
}

/** Signs `name` in on the login page in the browser, with a password set for the occasion. */
export async function signInOnPage(app: AdminApp, page: Page, name: string): Promise<void> {
  const person = await app.person(name);
  await setPassword(app.services.db, app.clock, person.mobile, TEST_PASSWORD);
  await page.goto(`${app.url}/admin/login`);
  await page.fill("#mobile", person.mobile);
  await page.fill("#password", TEST_PASSWORD);
  await page.click("#login-btn");
  await page.locator("#who", { hasText: name }).waitFor();
}
