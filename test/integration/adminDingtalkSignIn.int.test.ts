import { ManualClock } from "../../src/clock";
import { Person } from "../../src/db/entities";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { setAccount } from "../../src/domain/org/accounts";
import { backend } from "../support/backend";
import { DING, type DingtalkApp, startDingtalkApp } from "../support/dingtalkApp";

jest.setTimeout(90_000);

/**
 * Signing in to the admin console from inside DingTalk (免登): OAuth authCode → the person's own
 * token → unionId → the member's userid → the person, against the fake DingTalk.
 */
describe(`admin console sign-in from DingTalk (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let app: DingtalkApp;
  let url: string;
  beforeAll(async () => {
    app = await startDingtalkApp(clock);
    url = app.callbackApp.url;
    await loadDemo(app.services.db, clock);
    const zhang = await app.services.db.manager.findOneByOrFail(Person, { name: "张伟" });
    await app.services.db.write((m) => setAccount(m, zhang.id, "dingtalk", "ding-zhangwei", clock.now()));
    app.fake.users.push({ userid: "ding-zhangwei", name: "张伟", deptIds: [1] }, { userid: "ding-newcomer", name: "新同事", deptIds: [1] });
  });
  afterAll(async () => app?.close());

  const get = (path: string, cookie?: string) => fetch(`${url}${path}`, { redirect: "manual", headers: cookie ? { cookie } : {} });
  const cookieOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

  async function start(): Promise<string> {
    const res = await get("/api/auth/dingtalk/start");
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get("location") as string);
    expect(`${to.origin}${to.pathname}`).toBe("https://login.dingtalk.com/oauth2/auth");
    expect(to.searchParams.get("client_id")).toBe(DING.appKey);
    expect(to.searchParams.get("response_type")).toBe("code");
    expect(to.searchParams.get("scope")).toBe("openid");
    expect(to.searchParams.get("redirect_uri")).toBe(`${url}/api/auth/dingtalk/callback`);
    return to.searchParams.get("state") as string;
  }

  it("offers 钉钉登录 on the sign-in page when DingTalk is on", async () => {
    const res = await get("/api/auth/providers");
    expect((await res.json()) as unknown).toEqual({ data: { password: true, wecom: false, dingtalk: true, wecomUrl: null, dingtalkUrl: "/api/auth/dingtalk/start" } });
  });

  it("signs the member in with the authCode DingTalk returns, once", async () => {
    const state = await start();
    const code = app.fake.signInCode("ding-zhangwei");
    const back = await get(`/api/auth/dingtalk/callback?authCode=${code}&state=${state}`);
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe("/admin/");
    const me = await get("/api/auth/me", cookieOf(back));
    expect(me.status).toBe(200);
    expect(((await me.json()) as { data: { name: string } }).data.name).toBe("张伟");
    expect(app.fake.callsOf("v1.0/oauth2/userAccessToken")).toHaveLength(1);
    expect(app.fake.callsOf("topapi/user/getbyunionid")).toHaveLength(1);

    // The same state again, or the same (used) code with a fresh state, signs no one in.
    const again = await get(`/api/auth/dingtalk/callback?authCode=${code}&state=${state}`);
    expect(again.headers.get("location")).toBe("/admin/login?error=dingtalk_failed");
    const reused = await get(`/api/auth/dingtalk/callback?authCode=${code}&state=${await start()}`);
    expect(reused.headers.get("location")).toBe("/admin/login?error=not_registered");
    expect(reused.headers.getSetCookie()).toEqual([]);
  });

  it("refuses a forged state, an account outside the organisation and a member not in the directory", async () => {
    const forged = await get(`/api/auth/dingtalk/callback?authCode=${app.fake.signInCode("ding-zhangwei")}&state=forged`);
    expect(forged.headers.get("location")).toBe("/admin/login?error=dingtalk_failed");
    const outsider = await get(`/api/auth/dingtalk/callback?authCode=${app.fake.signInCode("someone-elsewhere")}&state=${await start()}`);
    expect(outsider.headers.get("location")).toBe("/admin/login?error=not_registered");
    expect(app.fake.callsOf("topapi/user/getbyunionid").at(-1)?.errcode).toBe(60121);
    const unlisted = await get(`/api/auth/dingtalk/callback?authCode=${app.fake.signInCode("ding-newcomer")}&state=${await start()}`);
    expect(unlisted.headers.get("location")).toBe("/admin/login?error=not_registered");
  });
});
