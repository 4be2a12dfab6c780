import { OrgUnit } from "../../src/db/entities";
import { backend } from "../support/backend";
import { type AdminApp, type AdminClient, json, startAdminApp } from "../support/adminApp";

jest.setTimeout(90_000);

describe(`admin console API: dashboard, units, audit (${backend()})`, () => {
  let app: AdminApp;
  let admin: AdminClient;
  let inspector: AdminClient;
  const report = async (unitCode: string, level: "general" | "major") => {
    const unit = await app.services.db.manager.findOneByOrFail(OrgUnit, { code: unitCode });
    const res = await inspector.call("POST", "/api/hazards", { source: "inspection", place: { locationText: "现场", unitId: unit.id }, category: "消防", level, description: "通道堵塞" });
    expect(res.status).toBe(201);
    return (await json(res)).data;
  };

  beforeAll(async () => {
    app = await startAdminApp("2026-11-26T02:00:00Z");
    admin = await app.signIn("陈静");
    inspector = await app.signIn("张伟");
    await report("QH-DL-01", "general");
    await report("QH-DL-02", "major");
    await report("QH-NC", "general");
  });
  afterAll(async () => app?.close());

  it("gives the county's figures to the administrator, by state, level and town, with the period's overdue trend", async () => {
    const res = await admin.call("GET", "/api/dashboard?from=2026-11-01&to=2026-11-26");
    expect(res.status).toBe(200);
    const d = (await json(res)).data;
    expect(d.unit).toMatchObject({ code: "QH" });
    expect(d.hazards.reported).toBe(3);
    expect(d.hazards.byLevel).toEqual([
      { code: "general", label: "一般隐患", count: 2 },
      { code: "major", label: "重大隐患", count: 1 },
    ]);
    expect(d.hazards.byState.reduce((n: number, s: { count: number }) => n + s.count, 0)).toBe(3);
    const towns = Object.fromEntries(d.hazards.byUnit.map((u: { code: string; count: number }) => [u.code, u.count]));
    expect(towns).toMatchObject({ "QH-DL": 2, "QH-NC": 1, "QH-XH": 0 });
    expect(d.hazards.overdueTrend).toHaveLength(26);
    expect(d.hazards.overdueTrend[0]).toEqual({ date: "2026-11-01", overdue: 0 });
    expect(d.callouts).toMatchObject({ campaigns: 0, answerRate: null });
    expect(d.tips).toMatchObject({ total: 0 });
    expect(d.inspections.quota).toMatchObject({ period: "2026-11", required: expect.any(Number) });
  });

  it("counts only the scope for a town's people and refuses another town", async () => {
    const town = await app.signIn("唐亮");
    const d = (await json(await town.call("GET", "/api/dashboard"))).data;
    expect(d.unit).toMatchObject({ code: "QH-DL" });
    expect(d.hazards.reported).toBe(2);
    expect(d.hazards.byUnit.map((u: { code: string }) => u.code)).toEqual(["QH-DL-01", "QH-DL-02", "QH-DL-03", "QH-DL-04"]);
    expect(d.tips).toBeNull();
    const other = await town.call("GET", "/api/dashboard?unit=南川镇");
    expect(other.status).toBe(403);
  });

  it("lists the unit tree within the scope", async () => {
    const tree = (await json(await admin.call("GET", "/api/units"))).data;
    expect(tree).toHaveLength(1);
    expect(tree[0]).toMatchObject({ code: "QH", kind: { code: "bureau", label: "县局" } });
    expect(tree[0].children.map((u: { code: string }) => u.code)).toEqual(expect.arrayContaining(["QH-DL", "QH-NC", "QH-XH", "QH-BGS"]));
    const village = await app.signIn("曾国平");
    const mine = (await json(await village.call("GET", "/api/units?flat=true"))).data;
    expect(mine).toEqual([{ id: expect.any(Number), code: "QH-DL-01", name: expect.any(String), kind: { code: "village", label: "村社区" }, parentId: expect.any(Number) }]);
  });

  it("shows the audit log to the administrator only, with who did it by name", async () => {
    const res = await admin.call("GET", "/api/audit?action=sign_in&pageSize=100");
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.paging.total).toBeGreaterThanOrEqual(2);
    expect(body.data.map((a: { actor: { name: string } }) => a.actor.name)).toEqual(expect.arrayContaining(["陈静", "张伟"]));
    expect(body.data[0]).toMatchObject({ action: "sign_in", entityType: "person", after: { via: "password" }, at: expect.stringMatching(/Z$/) });
    const searched = await json(await admin.call("GET", "/api/audit?q=sign"));
    expect(searched.data.length).toBeGreaterThan(0);
    expect(searched.data.every((a: { action: string; entityType: string }) => `${a.action}${a.entityType}`.includes("sign"))).toBe(true);
    expect((await inspector.call("GET", "/api/audit")).status).toBe(403);
  });
});
