import type Router from "@koa/router";
import { ConsoleGrant, Enterprise, OrgUnit } from "../../src/db/entities";
import { ROLE_GRANTS } from "../../src/domain/access/consoleRoles";
import type { ConsoleRole } from "../../src/domain/access/vocabulary";
import { inspectionKinds } from "../../src/domain/inspections/vocabulary";
import { ACCESS, type RouteAccess } from "../../src/http/access";
import { backend } from "../support/backend";
import { JPEG } from "../support/botHarness";
import { type AdminApp, type AdminClient, json, startAdminApp } from "../support/adminApp";

jest.setTimeout(180_000);

/** Routes every signed-in person may call, each with why no one is "outside" it. */
const OPEN_TO_EVERYONE: Record<string, string> = {
  "POST /api/auth/logout": "ends only the caller's own session",
  "GET /api/auth/me": "answers only about the caller",
  "GET /api/units": "lists only the units inside the caller's scope",
  "GET /api/tip-categories": "the same categories the public tip form lists",
  "GET /api/duty/calendar-link": "only the caller's own calendar address",
  "DELETE /api/duty/calendar-link": "revokes only the caller's own calendar address",
};

describe(`every /api route declares and enforces its access (${backend()})`, () => {
  let app: AdminApp;
  let doc: { paths: Record<string, Record<string, { summary: string; description: string }>> };
  /** People outside: a village's grid member (staff), a read-only one in another village, the tip officer. */
  let outsiders: { who: string; role: ConsoleRole; client: AdminClient }[];
  let fixture: Record<string, number>;
  const unitCode: Record<string, string> = {};

  beforeAll(async () => {
    app = await startAdminApp();
    const m = app.services.db.manager;
    const lv = await app.person("吕红梅");
    await m.save(ConsoleGrant, { personId: lv.id, role: "readonly", scope: null, unitIds: null, updatedAt: app.clock.now() });
    outsiders = [
      { who: "曾国平", role: "staff", client: await app.signIn("曾国平") },
      { who: "吕红梅", role: "readonly", client: await app.signIn("吕红梅") },
      { who: "刘洋", role: "tip_officer", client: await app.signIn("刘洋") },
    ];
    // Rows in the county but outside both villages.
    const county = await app.signIn("张伟");
    const nc = await m.findOneByOrFail(OrgUnit, { code: "QH-NC" });
    unitCode.id = String(nc.id);
    const hazard = await json(await county.call("POST", "/api/hazards", { source: "inspection", place: { locationText: "南川镇仓库", unitId: nc.id }, category: "消防", level: "general", description: "灭火器过期" }));
    const enterprise = await m.findOneByOrFail(Enterprise, { supervisingUnitId: nc.id });
    const inspection = await json(await county.call("POST", "/api/inspections", { enterpriseId: enterprise.id, kind: inspectionKinds.codes[0], result: "no_problem", photoKeys: [(await app.media.save(JPEG, "image/jpeg")).key] }));
    if (!inspection.data) throw new Error(JSON.stringify(inspection));
    const duty = await app.signIn("林晓燕");
    const callout = await json(await duty.call("POST", "/api/callouts", { title: "暴雨蓝色预警", text: "请做好防范", warningType: "rainstorm", level: "blue", rules: [{ units: ["QH"], roles: ["village_cadre"] }] }));
    fixture = { hazard: hazard.data.id, inspection: inspection.data.id, callout: callout.data.id, person: (await app.person("周建国")).id };
    doc = await json(await app.anonymous().call("GET", "/api/openapi.json"));
  });
  afterAll(async () => app?.close());

  it("serves an OpenAPI 3 document, to anyone, with every route of the access table in Chinese", async () => {
    expect(doc).toMatchObject({ openapi: expect.stringMatching(/^3\./), info: { title: "安哨管理接口" } });
    for (const line of ACCESS) {
      const op = doc.paths[line.path.replace(/:(\w+)/g, "{$1}")]?.[line.method.toLowerCase()];
      expect({ route: `${line.method} ${line.path}`, summary: op?.summary }).toEqual({ route: `${line.method} ${line.path}`, summary: expect.stringMatching(/[\u4e00-\u9fff]/) });
    }
    // The request schemas are the routes' own zod schemas.
    const login = (doc.paths["/api/auth/login"] as unknown as Record<string, { requestBody: { content: Record<string, { schema: { properties: object } }> } }>).post;
    expect(Object.keys(login?.requestBody.content["application/json"]?.schema.properties ?? {})).toEqual(["mobile", "password"]);
    const spotCheck = (doc.paths["/api/duty/spot-checks"] as unknown as Record<string, { requestBody: { content: Record<string, { schema: { properties: object } }> } }>).post;
    expect(Object.keys(spotCheck?.requestBody.content["application/json"]?.schema.properties ?? {})).toEqual(["shift"]);
  });

  it("has a line for every route the app mounts under /api", () => {
    const declared = new Set(ACCESS.map((l) => `${l.method} ${l.path}`));
    const mounted: string[] = [];
    for (const router of app.services.routers as Router[]) {
      for (const layer of router.stack) {
        const path = String(layer.path).replace(/\/$/, "");
        if (!path.startsWith("/api/") || path === "/api/{*rest}") continue;
        for (const method of layer.methods.filter((x) => x !== "HEAD" && x !== "OPTIONS")) mounted.push(`${method} ${path}`);
      }
    }
    expect(mounted.length).toBeGreaterThan(40);
    expect(mounted.filter((r) => !declared.has(r))).toEqual([]);
  });

  const concrete = (line: RouteAccess): { path: string; body: unknown } => {
    const kind = line.scope?.resource ?? (line.path.startsWith("/api/tips") ? "tip" : "other");
    let path = line.path
      .replace(":id", String(fixture[kind] ?? 1))
      .replace(":photoId", "1")
      .replace(":role", "inspector")
      .replace(":risk", "red");
    if (line.scope?.unitQuery) path += `?${line.scope.unitQuery.map((q) => `${q}=${q === "unitId" ? unitCode.id : "QH-NC"}`).join("&")}`;
    if (line.path === "/api/digests/preview" || line.path === "/api/digests/settings") path += `?person=${fixture.person}`;
    const body = line.scope?.bodyUnits ? { title: "暴雨", text: "全县", warningType: "rainstorm", level: "blue", rules: [{ units: ["QH"], roles: ["village_cadre"] }] } : line.path === "/api/digests/settings" ? { person: fixture.person, enabled: false } : {};
    return { path, body: line.method === "GET" ? undefined : body };
  };

  it("refuses an anonymous caller on every route but the public ones", async () => {
    const walked = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path: p.replace(/\{(\w+)\}/g, ":$1") })));
    expect(walked.length).toBe(ACCESS.length);
    for (const { method, path } of walked) {
      const line = ACCESS.find((l) => l.method === method && l.path === path) as RouteAccess;
      if (line.who === "public") continue;
      const { path: url, body } = concrete(line);
      const res = await app.anonymous().call(method, url, body);
      expect({ route: `${method} ${path}`, status: res.status }).toEqual({ route: `${method} ${path}`, status: 401 });
    }
  });

  it("refuses a signed-in caller outside the route's permission or data scope, on every route", async () => {
    for (const line of ACCESS) {
      const route = `${line.method} ${line.path}`;
      if (line.who === "public" || OPEN_TO_EVERYONE[route]) continue;
      const { path, body } = concrete(line);
      const perm = line.who;
      // Someone without the permission if there is one; else the village grid member, outside the data.
      const lacking = perm === "signed_in" ? undefined : outsiders.find((o) => !ROLE_GRANTS[o.role].permissions.includes(perm));
      const caller = lacking ?? (outsiders[0] as (typeof outsiders)[number]);
      const res = await caller.client.call(line.method, path, body);
      const answer = await json(res);
      expect({ route, who: caller.who, status: res.status, code: answer.code }).toEqual({ route, who: caller.who, status: 403, code: expect.stringMatching(/forbidden|out_of_scope/) });
    }
  });

  it("names, for every route, who may call it", () => {
    for (const line of ACCESS) {
      const op = doc.paths[line.path.replace(/:(\w+)/g, "{$1}")]?.[line.method.toLowerCase()];
      expect(op?.description).toMatch(line.who === "public" ? /无需登录/ : line.who === "signed_in" ? /已登录/ : /权限/);
    }
  });
});
