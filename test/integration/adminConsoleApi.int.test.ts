import ExcelJS from "exceljs";
import { OrgUnit, Person } from "../../src/db/entities";
import { backend } from "../support/backend";
import { JPEG } from "../support/botHarness";
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

  it("serves a hazard's photos to the signed-in people whose scope holds it, and to no one else", async () => {
    const key = (await app.media.save(JPEG, "image/jpeg")).key;
    const unit = await app.services.db.manager.findOneByOrFail(OrgUnit, { code: "QH-DL-03" });
    const created = await inspector.call("POST", "/api/hazards", { source: "inspection", place: { locationText: "苏家院坝", unitId: unit.id }, category: "用电", level: "general", description: "私拉电线", photoKeys: [key] });
    expect(created.status).toBe(201);
    const photo = (await json(created)).data.photos.before[0];
    expect(photo.url).toMatch(/^\/api\/hazards\/\d+\/photos\/\d+$/);
    const res = await admin.call("GET", photo.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.from(await res.arrayBuffer()).equals(JPEG)).toBe(true);
    const otherTown = await app.signIn("彭飞");
    expect((await otherTown.call("GET", photo.url)).status).toBe(403);
    expect((await app.anonymous().call("GET", photo.url)).status).toBe(401);
  });

  it("shows the settings and where each is changed to those who may read them", async () => {
    const res = await admin.call("GET", "/api/settings");
    expect(res.status).toBe(200);
    const d = (await json(res)).data;
    expect(d.hazardLadder.steps.map((s: { label: string }) => s.label)).toEqual(["到期提醒", "提醒单", "督办单", "挂牌督办"]);
    expect(d.calloutAnswerMinutes.levels).toContainEqual({ code: "red", label: "红色", minutes: 15 });
    expect(d.quietHours).toMatchObject({ value: expect.stringMatching(/^\d\d:\d\d-\d\d:\d\d$/), changedBy: "QUIET_HOURS" });
    expect(d.quotas.rules.length).toBeGreaterThan(0);
    expect((await inspector.call("GET", "/api/settings")).status).toBe(403);
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

describe(`admin console API: directory (${backend()})`, () => {
  let app: AdminApp;
  beforeAll(async () => {
    app = await startAdminApp("2026-11-26T02:00:00Z");
  });
  afterAll(async () => app?.close());

  it("lists people and enterprises within the scope, searchable, with vocabulary as {code, label}", async () => {
    const town = await app.signIn("唐亮");
    const people = await json(await town.call("GET", "/api/people?pageSize=100"));
    expect(people.data.length).toBeGreaterThan(4);
    expect(people.data.every((p: { unit: { code: string } }) => p.unit.code.startsWith("QH-DL"))).toBe(true);
    const grid = await json(await town.call("GET", "/api/people?role=grid_member&pageSize=100"));
    expect(grid.data.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(["韩雪", "冯磊", "曾国平"]));
    expect(grid.data[0].roles).toContainEqual({ code: "grid_member", label: "网格员" });
    const found = await json(await town.call("GET", `/api/people?q=${encodeURIComponent("韩")}`));
    expect(found.data.map((p: { name: string }) => p.name)).toEqual(["韩雪"]);
    const enterprises = await json(await town.call("GET", "/api/enterprises?pageSize=100"));
    expect(enterprises.data.length).toBeGreaterThan(0);
    expect(enterprises.data.every((e: { supervisingUnit: { code: string } }) => e.supervisingUnit.code.startsWith("QH-DL"))).toBe(true);
    expect(enterprises.data[0].riskLevel).toEqual({ code: expect.any(String), label: expect.any(String) });
    expect((await town.call("GET", "/api/people?unit=QH-NC")).status).toBe(403);
    // A town's staff edit their town's directory only (adminDirectoryEdit.int.test.ts has the rest).
    expect((await town.call("PATCH", `/api/people/${(await app.person("彭飞")).id}`, { name: "彭飞" })).status).toBe(403);
  });

  it("lets the administrator edit a person, give a custom data scope, and the person's next request obeys it", async () => {
    const admin = await app.signIn("陈静");
    const han = await app.person("韩雪");
    const nc = await app.services.db.manager.findOneByOrFail(OrgUnit, { code: "QH-NC" });
    const res = await admin.call("PATCH", `/api/people/${han.id}`, { name: "韩雪梅", consoleRole: "readonly", scope: { code: "custom", unitIds: [nc.id] } });
    expect(res.status).toBe(200);
    expect((await json(res)).data).toMatchObject({ name: "韩雪梅", consoleRole: { code: "readonly", label: "只读" }, scope: { code: "custom", label: "自定义", unitIds: [nc.id] }, consoleRoleSetByAdmin: true });
    const hanClient = await app.signIn("韩雪梅");
    const me = (await json(await hanClient.call("GET", "/api/auth/me"))).data;
    expect(me.scope.units.map((u: { code: string }) => u.code)).toEqual(["QH-NC"]);
    expect(me.permissions).not.toContain("hazards:write");
    const people = (await json(await hanClient.call("GET", "/api/people?pageSize=100"))).data;
    expect(people.every((p: { unit: { code: string } }) => p.unit.code.startsWith("QH-NC"))).toBe(true);
    // Bad input is refused in Chinese and changes nothing.
    const bad = await admin.call("PATCH", `/api/people/${han.id}`, { mobile: "123" });
    expect(bad.status).toBe(400);
    expect((await json(bad)).details.problems[0]).toMatchObject({ where: "mobile", message: expect.stringContaining("手机号") });
    const taken = await admin.call("PATCH", `/api/people/${han.id}`, { mobile: (await app.person("陈静")).mobile });
    expect(taken.status).toBe(409);
    expect((await app.person("韩雪梅")).mobile).toBe(han.mobile);
    const audit = (await json(await admin.call("GET", `/api/audit?entityType=person&entityId=${han.id}`))).data.map((a: { action: string }) => a.action);
    expect(audit).toEqual(expect.arrayContaining(["person.update", "console_grant.set"]));
  });
  it("exports the directory as a workbook and imports one back: a dry run lists a bad row, a real import writes nothing while any row is bad", async () => {
    const admin = await app.signIn("陈静");
    const exported = await admin.call("GET", "/api/directory/export");
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toContain("spreadsheetml");
    const bytes = Buffer.from(await exported.arrayBuffer());
    const xlsx = { "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" };
    const send = (path: string, body: Buffer) => fetch(`${app.url}${path}`, { method: "POST", body, headers: { ...xlsx, cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "x-csrf-token": admin.cookies.get("anshao_csrf") as string } });
    const clean = await json(await send("/api/directory/import?dryRun=true", bytes));
    expect(clean.data).toMatchObject({ ok: true, dryRun: true, problems: [] });

    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    const people = book.getWorksheet("人员") as ExcelJS.Worksheet;
    people.getRow(3).getCell(1).value = "123";
    const bad = Buffer.from(await book.xlsx.writeBuffer());
    const before = await app.services.db.manager.count(Person);
    const dry = await json(await send("/api/directory/import?dryRun=true", bad));
    expect(dry.data.ok).toBe(false);
    expect(dry.data.problems[0]).toMatchObject({ where: expect.stringContaining("人员"), message: expect.stringContaining("手机号") });
    const real = await json(await send("/api/directory/import", bad));
    expect(real.data).toMatchObject({ ok: false, dryRun: false });
    expect(await app.services.db.manager.count(Person)).toBe(before);
    const villager = await app.signIn("曾国平");
    expect((await villager.call("GET", "/api/directory/export")).status).toBe(403);
  });
});
