import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import Router from "@koa/router";
import { createApp } from "../../src/app";
import { ManualClock } from "../../src/clock";
import { ApiToken, AuditEntry, Person } from "../../src/db/entities";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { authenticate, requireRole } from "../../src/http/middleware/auth";
import { createLogger } from "../../src/log";
import { backend, openTestStores, type TestStores } from "../support/backend";

describe(`admin API tokens (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let stores: TestStores;
  let server: Server;
  let base: string;
  let admin: Person;
  let inspector: Person;

  beforeAll(async () => {
    stores = await openTestStores();
    await loadDemo(stores.db, clock);
    const people = await stores.db.manager.find(Person);
    admin = people.find((p) => p.roles.includes("admin")) as Person;
    inspector = people.find((p) => p.roles.includes("inspector") && !p.roles.includes("admin")) as Person;
    const router = new Router();
    router.get("/api/whoami", authenticate({ db: stores.db, clock }), requireRole("admin"), (ctx) => {
      ctx.body = { data: { name: ctx.state.person?.name } };
    });
    server = createApp({ config: stores.config, log: createLogger({ level: "silent" }), db: stores.db, kv: stores.kv, routers: [router] }).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await stores.close();
  });

  const call = (token?: string) => fetch(`${base}/api/whoami`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it("lets an administrator's token through as that person", async () => {
    const { token } = await issueApiToken(stores.db, clock, admin.mobile, "县局管理员");
    const res = await call(token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { name: admin.name } });
  });

  it("asks for a token when there is none or it is unknown", async () => {
    for (const res of [await call(), await call("ash_forged-token")]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: "unauthorized", message: expect.stringContaining("请先登录") });
    }
  });

  it("refuses a person without the role, naming the role needed", async () => {
    const { token } = await issueApiToken(stores.db, clock, inspector.mobile, "巡查");
    const res = await call(token);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "forbidden", message: "没有权限：需要以下角色之一：管理员" });
  });

  it("stops working once revoked or once its person is deactivated", async () => {
    const revoked = await issueApiToken(stores.db, clock, admin.mobile, "旧令牌");
    await stores.db.manager.update(ApiToken, { label: "旧令牌" }, { revokedAt: clock.now() });
    expect((await call(revoked.token)).status).toBe(401);
    const { token } = await issueApiToken(stores.db, clock, admin.mobile, "大屏");
    await stores.db.manager.update(Person, { id: admin.id }, { active: false });
    expect((await call(token)).status).toBe(401);
    await stores.db.manager.update(Person, { id: admin.id }, { active: true });
  });

  it("stores only the token's hash and audits the issue without the token", async () => {
    const { token } = await issueApiToken(stores.db, clock, admin.mobile, "审计检查");
    const rows = await stores.db.manager.find(ApiToken);
    expect(rows.some((r) => r.tokenHash.includes(token) || token.includes(r.tokenHash))).toBe(false);
    const audit = await stores.db.manager.find(AuditEntry, { where: { action: "api_token.issue" } });
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.map((a) => a.after).join()).not.toContain(token);
  });

  it("refuses to issue for an unknown mobile or without a label", async () => {
    await expect(issueApiToken(stores.db, clock, "13000000000", "x")).rejects.toMatchObject({ code: "person_not_found" });
    await expect(issueApiToken(stores.db, clock, admin.mobile, " ")).rejects.toMatchObject({ code: "token_label_missing" });
  });
});
