import { ManualClock } from "../../src/clock";
import { Person } from "../../src/db/entities";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { setAccount } from "../../src/domain/org/accounts";
import { backend } from "../support/backend";
import { CORP, startWecomApp, type WecomApp } from "../support/wecomApp";

jest.setTimeout(90_000);

/** Signing in to the admin console from inside WeChat Work: OAuth code → userid → person, against the fake WeChat Work. */
describe(`admin console sign-in from WeChat Work (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let app: WecomApp;
  beforeAll(async () => {
    app = await startWecomApp(clock);
    await loadDemo(app.services.db, clock);
    const zhang = await app.services.db.manager.findOneByOrFail(Person, { name: "张伟" });
    await app.services.db.write((m) => setAccount(m, zhang.id, "wecom", "ZhangWei", clock.now()));
  });
  afterAll(async () => app?.close());

  const get = (path: string, cookie?: string) => fetch(`${app.url}${path}`, { redirect: "manual", headers: cookie ? { cookie } : {} });
  const cookieOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

  async function start(): Promise<string> {
    const res = await get("/api/auth/wecom/start");
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get("location") as string);
    expect(`${to.origin}${to.pathname}`).toBe("https://open.weixin.qq.com/connect/oauth2/authorize");
    expect(to.searchParams.get("appid")).toBe(CORP.corpId);
    expect(to.searchParams.get("agentid")).toBe(String(CORP.agentId));
    expect(to.searchParams.get("scope")).toBe("snsapi_base");
    expect(to.searchParams.get("redirect_uri")).toBe(`${app.url}/api/auth/wecom/callback`);
    expect(to.hash).toBe("#wechat_redirect");
    return to.searchParams.get("state") as string;
  }

  it("offers WeChat Work sign-in on the sign-in page", async () => {
    const res = await get("/api/auth/providers");
    expect((await res.json()) as unknown).toEqual({ data: { password: true, wecom: true, dingtalk: false, wecomUrl: "/api/auth/wecom/start", dingtalkUrl: null } });
  });

  it("signs the member in with the code WeChat Work returns, once", async () => {
    const state = await start();
    const code = app.fake.signInCode("zhangwei");
    const back = await get(`/api/auth/wecom/callback?code=${code}&state=${state}`);
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe("/admin/");
    const me = await get("/api/auth/me", cookieOf(back));
    expect(me.status).toBe(200);
    expect(((await me.json()) as { data: { name: string } }).data.name).toBe("张伟");
    expect(app.fake.calls("auth/getuserinfo")).toHaveLength(1);

    // The same state (or the same code) again signs no one in.
    const again = await get(`/api/auth/wecom/callback?code=${code}&state=${state}`);
    expect(again.headers.get("location")).toBe("/admin/login?error=wecom_failed");
    const reused = await get(`/api/auth/wecom/callback?code=${code}&state=${await start()}`);
    expect(reused.headers.get("location")).toBe("/admin/login?error=not_registered");
    expect(reused.headers.getSetCookie()).toEqual([]);
  });

  it("refuses a state this server never issued and a member not in the directory", async () => {
    const forged = await get(`/api/auth/wecom/callback?code=${app.fake.signInCode("zhangwei")}&state=forged`);
    expect(forged.headers.get("location")).toBe("/admin/login?error=wecom_failed");
    const stranger = await get(`/api/auth/wecom/callback?code=${app.fake.signInCode("nobody")}&state=${await start()}`);
    expect(stranger.headers.get("location")).toBe("/admin/login?error=not_registered");
  });
});
