import ExcelJS from "exceljs";
import { Enterprise, Escalation, OrgUnit } from "../../src/db/entities";
import { HazardNudges } from "../../src/domain/hazards/nudges";
import { makeCreditCode } from "../../src/domain/directory";
import { backend } from "../support/backend";
import { type AdminApp, type AdminClient, json, startAdminApp } from "../support/adminApp";

jest.setTimeout(120_000);

// The console's directory and settings editing over the API: who may change what, within which
// units, the Chinese refusals, and the audit line each change leaves.
describe(`admin console: editing the directory and the settings (${backend()})`, () => {
  let app: AdminApp;
  let admin: AdminClient;
  /** 唐亮, an inspector of 东岭镇: console role 单位工作人员, scope 东岭镇 and its villages. */
  let town: AdminClient;
  const unit = (code: string) => app.services.db.manager.findOneByOrFail(OrgUnit, { code });
  const auditOf = async (entityType: string, entityId: string | number) =>
    (await json(await admin.call("GET", `/api/audit?entityType=${entityType}&entityId=${entityId}`))).data.map((a: { action: string }) => a.action);

  beforeAll(async () => {
    app = await startAdminApp("2026-11-26T02:00:00Z");
    admin = await app.signIn("陈静");
    town = await app.signIn("唐亮");
  });
  afterAll(async () => app?.close());

  it("adds a person with a WeChat Work account, lists it, refuses a taken mobile or account in Chinese, and audits both", async () => {
    const dl1 = await unit("QH-DL-01");
    const res = await admin.call("POST", "/api/people", { name: "周小川", mobile: "13900001111", unitId: dl1.id, roles: ["grid_member"], wecomUserId: "zhouxiaochuan" });
    expect(res.status).toBe(201);
    const created = (await json(res)).data;
    expect(created).toMatchObject({ name: "周小川", unit: { code: "QH-DL-01" }, roles: [{ code: "grid_member", label: "网格员" }], wecomUserId: "zhouxiaochuan", dingtalkUserId: null, active: true });
    const found = (await json(await admin.call("GET", `/api/people?q=${encodeURIComponent("周小川")}`))).data;
    expect(found.map((p: { id: number }) => p.id)).toEqual([created.id]);

    const taken = await admin.call("POST", "/api/people", { name: "重名", mobile: "13900001111", unitId: dl1.id, roles: ["grid_member"] });
    expect(taken.status).toBe(409);
    expect((await json(taken)).message).toBe("手机号 13900001111 已属于他人");
    const bad = await admin.call("POST", "/api/people", { name: "", mobile: "1390000", unitId: dl1.id, roles: [] });
    expect(bad.status).toBe(400);
    expect((await json(bad)).details.problems.map((p: { where: string; message: string }) => `${p.where}:${p.message}`)).toEqual(["name:请填写姓名", "mobile:手机号应为 11 位数字", "roles:至少保留一个角色"]);

    // Another person's account is refused; the person's own is changed and the change is audited.
    const han = await app.person("韩雪");
    const clash = await admin.call("PATCH", `/api/people/${han.id}`, { wecomUserId: "ZhouXiaoChuan" });
    expect(clash.status).toBe(409);
    expect((await json(clash)).message).toBe("企业微信账号 ZhouXiaoChuan 已属于他人");
    const moved = await admin.call("PATCH", `/api/people/${created.id}`, { wecomUserId: null, dingtalkUserId: "zxc01" });
    expect((await json(moved)).data).toMatchObject({ wecomUserId: null, dingtalkUserId: "zxc01" });
    expect(await auditOf("person", created.id)).toEqual(expect.arrayContaining(["person.create", "person.update"]));
  });

  it("lets a town's staff edit their town's people but nobody outside it, and never console access", async () => {
    const han = await app.person("韩雪");
    const ok = await town.call("PATCH", `/api/people/${han.id}`, { name: "韩雪", roles: ["grid_member", "village_cadre"] });
    expect(ok.status).toBe(200);
    expect((await json(ok)).data.roles.map((r: { label: string }) => r.label)).toEqual(["网格员", "村社区干部"]);

    const outside = await town.call("PATCH", `/api/people/${(await app.person("彭飞")).id}`, { name: "彭飞" });
    expect(outside.status).toBe(403);
    expect((await json(outside)).code).toBe("out_of_scope");
    // Moving a person of the town to another town is taking them out of the scope.
    const away = await town.call("PATCH", `/api/people/${han.id}`, { unitId: (await unit("QH-NC")).id });
    expect(away.status).toBe(403);
    expect((await json(away)).message).toBe("单位“南川镇”不在您的数据范围内");
    const grant = await town.call("PATCH", `/api/people/${han.id}`, { consoleRole: "admin" });
    expect(grant.status).toBe(403);
    expect((await json(grant)).message).toBe("只有管理员可以设置后台角色和数据范围");
    const promote = await town.call("PATCH", `/api/people/${han.id}`, { roles: ["grid_member", "admin"] });
    expect((await json(promote)).message).toBe("只有管理员可以授予或取消“管理员”角色");
    expect((await town.call("POST", "/api/people", { name: "新人", mobile: "13900002222", unitId: (await unit("QH-NC")).id, roles: ["grid_member"] })).status).toBe(403);
    expect((await town.call("POST", "/api/people", { name: "新人", mobile: "13900002222", unitId: (await unit("QH-DL-02")).id, roles: ["grid_member"] })).status).toBe(201);
    // The whole county's workbook stays the county's.
    expect((await town.call("GET", "/api/directory/export")).status).toBe(403);
    expect((await app.person("韩雪")).roles).toEqual(["grid_member", "village_cadre"]);
  });

  it("adds an enterprise with its 统一社会信用代码, changes its risk colour and deactivates it, each audited", async () => {
    const dl = await unit("QH-DL");
    const code = makeCreditCode("91", "519901", "MA6QH900");
    const wrong = await admin.call("POST", "/api/enterprises", { creditCode: `${code.slice(0, 17)}0`, name: "东岭石材厂", industry: "industry_trade", scale: "small", riskLevel: "yellow", supervisingUnitId: dl.id });
    expect(wrong.status).toBe(400);
    expect((await json(wrong)).message).toBe("统一社会信用代码校验位不正确，请核对是否抄错");
    const owner = await app.person("唐亮");
    const res = await admin.call("POST", "/api/enterprises", { creditCode: code, name: "东岭石材厂", industry: "industry_trade", scale: "small", riskLevel: "yellow", supervisingUnitId: dl.id, supervisorOwnerId: owner.id });
    expect(res.status).toBe(201);
    const e = (await json(res)).data;
    expect(e).toMatchObject({ creditCode: code, riskLevel: { code: "yellow", label: "黄" }, supervisingUnit: { code: "QH-DL" }, supervisorOwnerId: owner.id, active: true });
    expect((await admin.call("POST", "/api/enterprises", { creditCode: code, name: "又一家", industry: "other", scale: "small", riskLevel: "blue", supervisingUnitId: dl.id })).status).toBe(409);

    // The town's staff change their town's enterprise: red now, then no longer active.
    const red = await town.call("PATCH", `/api/enterprises/${e.id}`, { riskLevel: "red" });
    expect((await json(red)).data.riskLevel).toEqual({ code: "red", label: "红" });
    const badColour = await town.call("PATCH", `/api/enterprises/${e.id}`, { riskLevel: "purple" });
    expect(badColour.status).toBe(400);
    expect((await json(badColour)).details.problems[0].message).toContain("red（红）");
    expect((await json(await town.call("PATCH", `/api/enterprises/${e.id}`, { active: false }))).data.active).toBe(false);
    const nc = await app.services.db.manager.findOneByOrFail(Enterprise, { supervisingUnitId: (await unit("QH-NC")).id });
    expect((await town.call("PATCH", `/api/enterprises/${nc.id}`, { riskLevel: "red" })).status).toBe(403);
    expect((await auditOf("enterprise", e.id)).sort()).toEqual(["enterprise.create", "enterprise.update", "enterprise.update"]);
  });

  it("imports enterprises with the directory workbook: a bad 企业 row is named by sheet, row and column, and nothing is written", async () => {
    const exported = Buffer.from(await (await admin.call("GET", "/api/directory/export")).arrayBuffer());
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(exported as unknown as ArrayBuffer);
    const sheet = book.getWorksheet("企业") as ExcelJS.Worksheet;
    expect(sheet.getRow(1).getCell(2).value).toBe("企业名称");
    // Row 6 turns 红 (a good change), row 7 loses its name (a bad one).
    const code6 = String(sheet.getRow(6).getCell(1).value);
    const before = await app.services.db.manager.findOneByOrFail(Enterprise, { creditCode: code6 });
    const colour = before.riskLevel === "red" ? "蓝" : "红";
    sheet.getRow(6).getCell(5).value = colour;
    sheet.getRow(7).getCell(2).value = null;
    const send = async (path: string, content: Buffer) =>
      json(await fetch(`${app.url}${path}`, { method: "POST", body: content, headers: { "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "x-csrf-token": admin.cookies.get("anshao_csrf") as string } }));
    const bad = await send("/api/directory/import", Buffer.from(await book.xlsx.writeBuffer()));
    expect(bad.data.ok).toBe(false);
    expect(bad.data.problems).toEqual([expect.objectContaining({ where: "企业!第7行:企业名称" })]);
    expect((await app.services.db.manager.findOneByOrFail(Enterprise, { id: before.id })).riskLevel).toBe(before.riskLevel);

    sheet.getRow(7).getCell(2).value = "补上名称的企业";
    const good = await send("/api/directory/import", Buffer.from(await book.xlsx.writeBuffer()));
    expect(good.data).toMatchObject({ ok: true, summary: { enterprises: { updated: 2 } } });
    expect((await app.services.db.manager.findOneByOrFail(Enterprise, { id: before.id })).riskLevel).toBe(colour === "红" ? "red" : "blue");
  });

  it("adds a village to a town, renames it, and moves a village with everything below it; no unit goes under itself", async () => {
    const dl = await unit("QH-DL");
    const res = await town.call("POST", "/api/units", { code: "qh-dl-05", name: "新村", kind: "village", parentId: dl.id });
    expect(res.status).toBe(201);
    const village = (await json(res)).data;
    expect(village).toMatchObject({ code: "QH-DL-05", name: "新村", kind: { code: "village", label: "村社区" }, parentId: dl.id });
    expect((await unit("QH-DL-05")).path).toBe(`${dl.path}${village.id}/`);
    expect((await json(await town.call("PATCH", `/api/units/${village.id}`, { name: "新桥村" }))).data.name).toBe("新桥村");
    expect((await town.call("PATCH", `/api/units/${village.id}`, { parentId: (await unit("QH-NC")).id })).status).toBe(403);
    const cycle = await admin.call("PATCH", `/api/units/${dl.id}`, { parentId: village.id });
    expect(cycle.status).toBe(400);
    expect((await json(cycle)).message).toBe("不能把单位移到它自己或它的下级单位之下");

    // The county's administrator moves the village to 南川镇: its people now list under 南川镇.
    const nc = await unit("QH-NC");
    await admin.call("POST", "/api/people", { name: "石新", mobile: "13900003333", unitId: village.id, roles: ["village_cadre"] });
    expect((await admin.call("PATCH", `/api/units/${village.id}`, { parentId: nc.id })).status).toBe(200);
    expect((await unit("QH-DL-05")).path).toBe(`${nc.path}${village.id}/`);
    const inNc = (await json(await admin.call("GET", "/api/people?unit=QH-NC&pageSize=100"))).data.map((p: { name: string }) => p.name);
    expect(inNc).toContain("石新");
    expect(await auditOf("org_unit", village.id)).toEqual(expect.arrayContaining(["unit.create", "unit.update"]));
  });

  it("lets the administrator change a quota, a frequency and a tip category, audited, and a leader change none", async () => {
    const rule = await admin.call("PUT", "/api/quotas/rules/inspector", { period: "week", required: 3, inspectionKind: null });
    expect(rule.status).toBe(200);
    const settings = (await json(await admin.call("GET", "/api/settings"))).data;
    expect(settings.quotas.rules).toContainEqual(expect.objectContaining({ role: "inspector", period: "week", required: 3 }));
    expect((await json(await admin.call("PUT", "/api/quotas/frequencies/orange", { months: 1 }))).data.orange).toBe(1);
    const tooMany = await admin.call("PUT", "/api/quotas/frequencies/orange", { months: 30 });
    expect((await json(tooMany)).details.problems[0].message).toBe("月数应在 1–24 之间");
    expect((await json(await admin.call("PUT", "/api/tip-categories/noise", { name: "噪声扰民", sortOrder: 90 }))).data).toMatchObject({ code: "noise", name: "噪声扰民", active: true });
    expect(await auditOf("quota_rule", "inspector:week")).toEqual(["quota_rule.set"]);
    expect(await auditOf("inspection_frequency", "orange")).toEqual(["inspection_frequency.set"]);
    expect(await auditOf("tip_category", "noise")).toEqual(["tip_category.create"]);

    const leader = await app.signIn("李明");
    const refused = await leader.call("PUT", "/api/quotas/rules/inspector", { period: "week", required: 1 });
    expect(refused.status).toBe(403);
    expect((await json(refused)).message).toBe("没有权限：需要“修改系统设置”权限");
    expect((await json(await admin.call("GET", "/api/settings"))).data.tipCategories.categories).toContainEqual(expect.objectContaining({ code: "noise" }));
  });

  it("lists the critical periods under way or to come among the settings", async () => {
    const start = new Date(app.clock.now().getTime() + 86_400_000);
    const added = await admin.call("POST", "/api/duty/critical-periods", { kind: "event", name: "县运动会", unit: "QH-DL", start: start.toISOString(), end: new Date(start.getTime() + 2 * 86_400_000).toISOString() });
    expect(added.status).toBe(201);
    const periods = (await json(await admin.call("GET", "/api/settings"))).data.criticalPeriods.current;
    expect(periods).toContainEqual(expect.objectContaining({ name: "县运动会", kind: { code: "event", label: expect.any(String) }, unit: expect.objectContaining({ name: "东岭镇" }), start: start.toISOString() }));
  });

  it("lets an administrator by console grant change the settings a directory 管理员 may, and keeps a leader out of critical periods", async () => {
    // 刘洋 holds no 管理员 role in the directory: the grant alone makes him the console's administrator.
    const liu = await app.person("刘洋");
    expect(liu.roles).not.toContain("admin");
    expect((await admin.call("PATCH", `/api/people/${liu.id}`, { consoleRole: "admin" })).status).toBe(200);
    const granted = await app.signIn("刘洋");
    expect((await granted.call("PUT", "/api/quotas/rules/inspector", { period: "month", required: 4 })).status).toBe(200);
    expect((await granted.call("PUT", "/api/quotas/frequencies/yellow", { months: 6 })).status).toBe(200);
    expect((await granted.call("PUT", "/api/tip-categories/light", { name: "光污染", sortOrder: 95 })).status).toBe(200);
    const start = new Date(app.clock.now().getTime() + 3 * 86_400_000);
    const span = { start: start.toISOString(), end: new Date(start.getTime() + 86_400_000).toISOString() };
    const added = await granted.call("POST", "/api/duty/critical-periods", { kind: "event", name: "县马拉松", ...span });
    expect(added.status).toBe(201);
    const periodId = (await json(added)).data.id as number;
    expect(await auditOf("quota_rule", "inspector:month")).toEqual(["quota_rule.set"]);

    // A leader keeps the duty roster but sets no critical period, nor ends one.
    const leader = await app.signIn("李明");
    const refused = await leader.call("POST", "/api/duty/critical-periods", { kind: "flood", name: "主汛期", ...span });
    expect(refused.status).toBe(403);
    expect((await json(refused)).message).toBe("没有权限：需要“修改系统设置”权限");
    expect((await leader.call("POST", `/api/duty/critical-periods/${periodId}/end`)).status).toBe(403);
    expect((await granted.call("POST", `/api/duty/critical-periods/${periodId}/end`)).status).toBe(204);
  });

  it("lets the administrator change the overdue ladder's days: new ladders take them, a bad ladder is refused in Chinese", async () => {
    const bad = await admin.call("PUT", "/api/settings/hazard-ladder", { days: [0, 3, 1, 7] });
    expect(bad.status).toBe(400);
    expect((await json(bad)).details.problems[0].message).toBe("后一环节不能早于前一环节（天数应逐级不减）");
    expect((await (await app.signIn("李明")).call("PUT", "/api/settings/hazard-ladder", { days: [0, 1, 2, 3] })).status).toBe(403);

    const res = await admin.call("PUT", "/api/settings/hazard-ladder", { days: [0, 1, 2, 5] });
    expect(res.status).toBe(200);
    expect((await json(res)).data).toMatchObject({ source: "console", steps: [{ daysAfterDeadline: 0 }, { daysAfterDeadline: 1 }, { daysAfterDeadline: 2 }, { daysAfterDeadline: 5 }] });
    expect((await json(await admin.call("GET", "/api/settings"))).data.hazardLadder.steps.map((st: { daysAfterDeadline: number }) => st.daysAfterDeadline)).toEqual([0, 1, 2, 5]);
    expect(await auditOf("system_setting", "hazard_ladder_days")).toEqual(["setting.set"]);

    // A general hazard given a deadline now starts its ladder with the console's days, not HAZARD_LADDER_DAYS (-1,0,3,7).
    const inspector = await app.signIn("张伟");
    const reported = await json(await inspector.call("POST", "/api/hazards", { source: "inspection", place: { locationText: "东岭镇仓库", unitId: (await unit("QH-DL")).id }, category: "消防", level: "general", description: "灭火器过期" }));
    const deadline = new Date(app.clock.now().getTime() + 86_400_000);
    await app.services.hazards.assign(reported.data.id, await app.person("李明"), { deadline, measures: "更换灭火器", funds: "0.1 万元", contingencyPlan: "专人看守" });
    const nudges = new HazardNudges({ db: app.services.db, outbox: app.services.outbox, clock: app.clock, ladderDays: [-1, 0, 3, 7], channels: ["console"] });
    await nudges.runDue(deadline);
    const run = await app.services.db.manager.findOneByOrFail(Escalation, { caseKind: "hazard", caseId: reported.data.id });
    const policy = JSON.parse(run.policy as string) as { steps: { key: string; offsetMinutes: number }[] };
    expect(policy.steps.map((st) => st.offsetMinutes / 1440)).toEqual([0, 1, 2, 5]);

    // Back to the .env setting.
    expect((await json(await admin.call("PUT", "/api/settings/hazard-ladder", { days: null }))).data).toMatchObject({ source: "env", steps: [{ daysAfterDeadline: -1 }, { daysAfterDeadline: 0 }, { daysAfterDeadline: 3 }, { daysAfterDeadline: 7 }] });
  });

  it("lets the administrator change the 叫应 answer minutes: new drafts take them, a bad value is refused in Chinese", async () => {
    const bad = await admin.call("PUT", "/api/settings/callout-answer-minutes", { minutes: { red: 0, orange: 20, yellow: 40, blue: 90 } });
    expect(bad.status).toBe(400);
    expect((await json(bad)).details.problems[0]).toMatchObject({ where: "minutes.red", message: "回复时限应在 1–1440 分钟之间" });
    const res = await admin.call("PUT", "/api/settings/callout-answer-minutes", { minutes: { red: 10, orange: 20, yellow: 40, blue: 90 } });
    expect((await json(res)).data).toMatchObject({ source: "console", levels: expect.arrayContaining([{ code: "red", label: "红色", minutes: 10 }]) });
    expect(await auditOf("system_setting", "callout_answer_minutes")).toEqual(["setting.set"]);

    const draft = await admin.call("POST", "/api/callouts", { title: "暴雨红色预警", text: "请立即转移危险区域人员", warningType: "rainstorm", level: "red", rules: [{ units: ["QH-DL"], roles: ["village_cadre"] }] });
    expect(draft.status).toBe(201);
    expect((await json(draft)).data.answerMinutes).toBe(10);
    await admin.call("PUT", "/api/settings/callout-answer-minutes", { minutes: null });
    const back = await admin.call("POST", "/api/callouts", { title: "暴雨红色预警", text: "请立即转移危险区域人员", warningType: "rainstorm", level: "red", rules: [{ units: ["QH-DL"], roles: ["village_cadre"] }] });
    expect((await json(back)).data.answerMinutes).toBe(15);
  });
});
