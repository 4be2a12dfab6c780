import { OrgUnit } from "../../src/db/entities";
import { backend } from "../support/backend";
import { type AdminApp, type AdminClient, json, startAdminApp } from "../support/adminApp";

jest.setTimeout(90_000);

/**
 * The leaks the issue names, closed by data scope (RuoYi's 本单位及以下): a town's duty leader no
 * longer reads or drafts the county's 叫应, a village grid member no longer lists the county's hazards.
 */
describe(`data scopes (${backend()})`, () => {
  let app: AdminApp;
  let unit: (code: string) => Promise<OrgUnit>;
  let inspector: AdminClient;
  beforeAll(async () => {
    app = await startAdminApp();
    unit = (code) => app.services.db.manager.findOneByOrFail(OrgUnit, { code });
    inspector = await app.signIn("张伟");
  });
  afterAll(async () => app?.close());

  const report = async (unitCode: string, description: string) => {
    const res = await inspector.call("POST", "/api/hazards", {
      source: "inspection",
      place: { locationText: `${unitCode} 路口`, unitId: (await unit(unitCode)).id },
      category: "消防",
      level: "general",
      description,
    });
    expect(res.status).toBe(201);
    return (await json(res)).data.id as number;
  };

  it("shows a village grid member the hazards of their village only, and refuses the others", async () => {
    const inVillage = await report("QH-DL-01", "石桥村消防通道堵塞");
    const inOtherTown = await report("QH-NC", "南川镇仓库灭火器过期");
    const grid = await app.signIn("曾国平");
    const me = (await json(await grid.call("GET", "/api/auth/me"))).data;
    expect(me.scope).toMatchObject({ code: "unit_and_below", label: "本单位及以下", units: [{ code: "QH-DL-01" }] });

    const list = await json(await grid.call("GET", "/api/hazards"));
    const ids = list.data.map((h: { id: number }) => h.id);
    expect(ids).toContain(inVillage);
    expect(ids).not.toContain(inOtherTown);
    expect(list.paging.total).toBe(ids.length);

    const other = await grid.call("GET", `/api/hazards/${inOtherTown}`);
    expect(other.status).toBe(403);
    expect(await json(other)).toMatchObject({ code: "out_of_scope", message: expect.stringContaining("数据范围") });
    const otherUnit = await grid.call("GET", `/api/hazards?unitId=${(await unit("QH-NC")).id}`);
    expect(otherUnit.status).toBe(403);
    expect((await grid.call("GET", `/api/hazards/${inVillage}`)).status).toBe(200);

    // The county's inspector (a 科室 of the 县局) still sees the whole county.
    const all = (await json(await inspector.call("GET", "/api/hazards"))).data.map((h: { id: number }) => h.id);
    expect(all).toEqual(expect.arrayContaining([inVillage, inOtherTown]));
  });

  it("keeps a town's duty leader out of the county's 叫应 and lets them draft one for their own town, by unit name", async () => {
    const county = await app.signIn("林晓燕");
    const drafted = await county.call("POST", "/api/callouts", { title: "暴雨蓝色预警", text: "请做好防范", warningType: "rainstorm", level: "blue", rules: [{ units: ["QH"], roles: ["village_cadre"] }] });
    expect(drafted.status).toBe(201);
    const countyId = (await json(drafted)).data.id as number;

    const town = await app.signIn("宋志刚");
    for (const path of [`/api/callouts/${countyId}`, `/api/callouts/${countyId}/recipients`]) {
      const res = await town.call("GET", path);
      expect(res.status).toBe(403);
      expect((await json(res)).code).toBe("out_of_scope");
    }
    expect((await town.call("POST", `/api/callouts/${countyId}/send`)).status).toBe(403);
    const listed = (await json(await town.call("GET", "/api/callouts"))).data.map((c: { id: number }) => c.id);
    expect(listed).not.toContain(countyId);

    const countyWide = await town.call("POST", "/api/callouts", { title: "暴雨", text: "全县", warningType: "rainstorm", level: "blue", rules: [{ units: ["QH"], roles: ["village_cadre"] }] });
    expect(countyWide.status).toBe(403);
    expect((await json(countyWide)).message).toContain("青禾县应急管理局");
    const otherTownPerson = await app.person("董丽娟");
    expect((await town.call("POST", "/api/callouts", { title: "暴雨", text: "点名", warningType: "rainstorm", level: "blue", personIds: [otherTownPerson.id] })).status).toBe(403);

    const own = await town.call("POST", "/api/callouts", { title: "东岭镇暴雨叫应", text: "请各村做好防范", warningType: "rainstorm", level: "blue", rules: [{ units: ["东岭镇"], roles: ["village_cadre"] }] });
    expect(own.status).toBe(201);
    const body = (await json(own)).data;
    expect(body.recipients.length).toBe(4);
    expect((await json(await town.call("GET", "/api/callouts"))).data.map((c: { id: number }) => c.id)).toContain(body.id);
    const board = (await json(await town.call("GET", `/api/callouts/${body.id}`))).data;
    expect(board.people[0]).toMatchObject({ state: { code: "draft", label: "草稿" }, delivery: null, ackChannel: null });
    expect(body.recipients[0].roles).toContainEqual({ code: "village_cadre", label: "村社区干部" });
    // The county's duty officer sees both.
    const countyList = (await json(await county.call("GET", "/api/callouts"))).data;
    expect(countyList.map((c: { id: number }) => c.id)).toEqual(expect.arrayContaining([countyId, body.id]));
    expect(countyList[0]).toMatchObject({ level: { code: "blue", label: "蓝色" }, warningType: { code: "rainstorm" }, state: { code: "draft", label: "草稿" } });
  });

  it("refuses an ambiguous or unknown unit name in a 叫应 rule, naming it", async () => {
    const county = await app.signIn("林晓燕");
    const res = await county.call("POST", "/api/callouts", { title: "大风", text: "注意", warningType: "gale", level: "blue", rules: [{ units: ["不存在镇"], roles: ["village_cadre"] }] });
    expect(res.status).toBe(400);
    expect((await json(res)).message).toContain("不存在镇");
  });
});
