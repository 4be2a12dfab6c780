import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/app";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { WarningService } from "../../src/domain/warnings";
import { calloutRoutes } from "../../src/http/routes/callouts";
import { warningRoutes } from "../../src/http/routes/warnings";
import { createLogger } from "../../src/log";
import { backend } from "../support/backend";
import { type CalloutHarness, openCalloutHarness } from "../support/calloutHarness";

interface Reply {
  status: number;
  body: { code?: string; message?: string };
}

const CAP_HEAD = `<?xml version="1.0" encoding="UTF-8"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>QH-1</identifier><sender>qh</sender><msgType>Alert</msgType>`;
const capWithAreas = (areaDesc: string) =>
  `${CAP_HEAD}<info><language>zh-CN</language><event>暴雨</event><headline>青禾县暴雨红色预警</headline><description>暴雨</description><area><areaDesc>${areaDesc}</areaDesc></area></info></alert>`;

describe(`oversized warnings are refused with 400 (${backend()})`, () => {
  let h: CalloutHarness;
  let server: Server;
  let base: string;
  let officer: string;

  beforeAll(async () => {
    h = await openCalloutHarness();
    const { db, kv, config } = h.stores;
    const warnings = new WarningService({ db, callouts: h.callouts });
    const routers = [warningRoutes({ db, clock: h.clock, warnings }), calloutRoutes({ db, clock: h.clock, callouts: h.callouts })];
    server = createApp({ config, log: createLogger({ level: "silent" }), db, kv, routers }).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    officer = (await issueApiToken(db, h.clock, (await h.person("赵磊")).mobile, "值班")).token;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await h.close();
  });

  const post = async (path: string, body: string, type: string): Promise<Reply> => {
    const res = await fetch(`${base}${path}`, { method: "POST", headers: { authorization: `Bearer ${officer}`, "content-type": type }, body });
    return { status: res.status, body: (await res.json()) as Reply["body"] };
  };
  const codes = (n: number) => Array.from({ length: n }, (_, i) => `QH-X${i}`);

  it("refuses a callout rule naming 60,000 unit codes", async () => {
    const body = { title: "暴雨叫应", text: "请回复", warningType: "暴雨", level: "红", rules: [{ units: codes(60_000), roles: ["村社区干部"] }] };
    const res = await post("/api/callouts", JSON.stringify(body), "application/json");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "invalid_input", message: expect.stringContaining("2000 个单位") });
    expect(res.body.message).toMatch(/[\u4e00-\u9fa5]/);
  });

  it("refuses a CAP warning naming 60,000 areas", async () => {
    const res = await post("/api/warnings", capWithAreas(codes(60_000).join("、")), "application/cap+xml");
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("cap_too_many_areas");
    expect(res.body.message).toMatch(/[\u4e00-\u9fa5]/);
  });

  it("still takes a real CAP warning whose text mentions tags and comments", async () => {
    const res = await post("/api/warnings", capWithAreas("东岭镇<!-- 注释 -->"), "application/cap+xml");
    expect(res.status).toBe(201);
  });

  it("refuses a CAP file nested 100,000 deep with a clear error", async () => {
    const deep = `${CAP_HEAD}${"<x>".repeat(100_000)}${"</x>".repeat(100_000)}</alert>`;
    const res = await post("/api/warnings", deep, "application/cap+xml");
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("cap_too_deep");
    expect(res.body.message).toMatch(/[\u4e00-\u9fa5]/);
  });
});
