import { AuditEntry, PersonCredential } from "../../src/db/entities";
import { demoAdminSignInPath } from "../../src/domain/access/demoLink";
import { setPassword } from "../../src/domain/access/passwords";
import { SignInLinks } from "../../src/domain/access/sessions";
import { backend } from "../support/backend";
import { type AdminApp, json, startAdminApp, TEST_PASSWORD } from "../support/adminApp";

jest.setTimeout(60_000);

describe(`admin console sign-in (${backend()})`, () => {
  let app: AdminApp;
  beforeAll(async () => {
    app = await startAdminApp();
  });
  afterAll(async () => app?.close());

  it("signs in with mobile and password: HttpOnly SameSite session cookie, readable CSRF cookie, and who I am", async () => {
    const chen = await app.person("陈静");
    await setPassword(app.services.db, app.clock, chen.mobile, TEST_PASSWORD);
    const c = app.anonymous();
    const res = await c.call("POST", "/api/auth/login", { mobile: chen.mobile, password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    const setCookies = res.headers.getSetCookie();
    const session = setCookies.find((s) => s.startsWith("anshao_session=")) as string;
    expect(session).toMatch(/httponly/i);
    expect(session).toMatch(/samesite=strict/i);
    const csrf = setCookies.find((s) => s.startsWith("anshao_csrf=")) as string;
    expect(csrf).not.toMatch(/httponly/i);
    const body = await json(res);
    expect(body.data).toMatchObject({ name: "陈静", consoleRole: { code: "admin", label: "管理员" }, scope: { code: "all", label: "全部" } });
    expect(body.data.permissions).toContain("audit:read");
    expect(body.data.csrfToken).toBe(c.cookies.get("anshao_csrf"));

    const me = await c.call("GET", "/api/auth/me");
    expect(me.status).toBe(200);
    expect((await json(me)).data.unit).toMatchObject({ code: "QH-BGS" });
  });

  it("stores only an Argon2id hash of the password", async () => {
    const chen = await app.person("陈静");
    const row = await app.services.db.manager.findOneByOrFail(PersonCredential, { personId: chen.id });
    expect(row.passwordHash.startsWith("$argon2id$")).toBe(true);
    expect(row.passwordHash).not.toContain(TEST_PASSWORD);
  });

  it("refuses a change made with the cookie but without the CSRF header, and accepts it with the header", async () => {
    const c = await app.signIn("陈静");
    const without = await c.call("POST", "/api/auth/logout", undefined, { "x-csrf-token": "" });
    expect(without.status).toBe(403);
    expect(await json(without)).toMatchObject({ code: "csrf_failed", message: expect.stringContaining("刷新") });
    expect((await c.call("GET", "/api/auth/me")).status).toBe(200);
    const out = await c.call("POST", "/api/auth/logout");
    expect(out.status).toBe(204);
    const after = await c.call("GET", "/api/auth/me");
    expect(after.status).toBe(401);
  });

  it("answers a wrong password and an unknown mobile alike, locks after five wrong passwords, and unlocks 15 minutes later", async () => {
    const zhang = await app.person("张伟");
    await setPassword(app.services.db, app.clock, zhang.mobile, TEST_PASSWORD);
    const c = app.anonymous();
    const unknown = await c.call("POST", "/api/auth/login", { mobile: "13999999999", password: "whatever1" });
    expect(unknown.status).toBe(401);
    expect(await json(unknown)).toMatchObject({ code: "bad_credentials", message: "手机号或密码不正确" });
    for (let i = 0; i < 4; i++) {
      const res = await c.call("POST", "/api/auth/login", { mobile: zhang.mobile, password: `wrong-${i}-pass` });
      expect(res.status).toBe(401);
    }
    const fifth = await c.call("POST", "/api/auth/login", { mobile: zhang.mobile, password: "wrong-5-pass" });
    expect(fifth.status).toBe(423);
    expect(await json(fifth)).toMatchObject({ code: "account_locked", message: expect.stringContaining("锁定") });
    // Locked: even the right password is refused.
    expect((await c.call("POST", "/api/auth/login", { mobile: zhang.mobile, password: TEST_PASSWORD })).status).toBe(423);
    const audit = await app.services.db.manager.findBy(AuditEntry, { action: "sign_in.locked", entityId: String(zhang.id) });
    expect(audit).toHaveLength(1);
    app.clock.advance(15 * 60_000 + 1000);
    expect((await c.call("POST", "/api/auth/login", { mobile: zhang.mobile, password: TEST_PASSWORD })).status).toBe(200);
  });

  it("asks for a sign-in on every protected route, and still takes bearer tokens without a CSRF header", async () => {
    const anon = app.anonymous();
    const res = await anon.call("GET", "/api/hazards");
    expect(res.status).toBe(401);
    expect(await json(res)).toMatchObject({ code: "unauthorized" });
    const token = await app.token("张伟");
    const withToken = await anon.call("GET", "/api/auth/me", undefined, { authorization: `Bearer ${token}` });
    expect(withToken.status).toBe(200);
    expect((await json(withToken)).data).toMatchObject({ name: "张伟", csrfToken: null });
  });

  it("signs the demo administrator in once through the one-time link, and never again", async () => {
    const link = await demoAdminSignInPath(app.services.db, new SignInLinks({ kv: app.services.kv }));
    expect(link).toMatchObject({ name: "陈静" });
    const c = app.anonymous();
    const first = await c.call("GET", (link as { path: string }).path);
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe("/admin/");
    expect((await json(await c.call("GET", "/api/auth/me"))).data.name).toBe("陈静");
    const other = app.anonymous();
    const again = await other.call("GET", (link as { path: string }).path);
    expect(again.status).toBe(302);
    expect(again.headers.get("location")).toBe("/admin/login?error=link_invalid");
    expect((await other.call("GET", "/api/auth/me")).status).toBe(401);
  });

  it("ends a session after 12 idle hours", async () => {
    const c = await app.signIn("李明");
    app.clock.advance(11 * 3600_000);
    expect((await c.call("GET", "/api/auth/me")).status).toBe(200);
    app.clock.advance(12 * 3600_000 + 1000);
    expect((await c.call("GET", "/api/auth/me")).status).toBe(401);
  });

  // Last: it leaves this address throttled.
  it("slows down one address guessing across many accounts", async () => {
    const c = app.anonymous();
    let status = 0;
    for (let i = 0; i < 40 && status !== 429; i++) {
      status = (await c.call("POST", "/api/auth/login", { mobile: `1380000${String(i).padStart(4, "0")}`, password: "guess-1234" })).status;
    }
    expect(status).toBe(429);
    const chen = await app.person("陈静");
    const res = await c.call("POST", "/api/auth/login", { mobile: chen.mobile, password: TEST_PASSWORD });
    expect(res.status).toBe(429);
    expect(await json(res)).toMatchObject({ code: "too_many_attempts", message: expect.stringContaining("分钟后再试") });
  });
});
