import { ManualClock } from "../../src/clock";
import { WecomApi } from "../../src/channels/wecom/api";
import { WecomContacts } from "../../src/channels/wecom/contacts";
import { AuditEntry, OrgUnit, Person } from "../../src/db/entities";
import { applyContactChange, type ContactSyncDeps, syncContacts } from "../../src/domain/org/contactSync";
import { FakeWecom, SAMPLE_DIRECTORY } from "../fakes/fakeWecom";
import { backend, openTestStores, type TestStores } from "../support/backend";
import { personByAccount } from "../support/accounts";

const zero = { units: { created: 0, updated: 0, linked: 0 }, people: { created: 0, updated: 0, linked: 0, deactivated: 0, reactivated: 0 }, problems: [] };

describe(`contact sync from WeChat Work (${backend()})`, () => {
  let stores: TestStores;
  let fake: FakeWecom;
  let deps: ContactSyncDeps;
  const clock = new ManualClock("2026-11-26T02:17:00Z");

  beforeEach(async () => {
    stores = await openTestStores();
    fake = new FakeWecom({ directory: structuredClone(SAMPLE_DIRECTORY) });
    await fake.start();
    const api = new WecomApi({ corpId: fake.config.corpId, agentId: fake.config.agentId, secret: fake.config.secret, apiBase: fake.url, kv: stores.kv });
    deps = { db: stores.db, source: new WecomContacts(api), clock, actor: "wecom-sync:test" };
  });
  afterEach(async () => {
    await fake.stop();
    await stores.close();
  });

  const unitOf = (deptId: number) => stores.db.manager.findOneByOrFail(OrgUnit, { wecomDeptId: deptId });
  const personOf = (userId: string) => personByAccount(stores.db.manager, "wecom", userId);
  const audits = () => stores.db.manager.find(AuditEntry, { order: { id: "ASC" } });

  it("a full sync creates units for departments and people for members, with an audit entry each", async () => {
    const result = await syncContacts(deps);
    expect(result).toEqual({ ...zero, units: { ...zero.units, created: 5 }, people: { ...zero.people, created: 4 } });
    const [bureau, town, village] = [await unitOf(1), await unitOf(4), await unitOf(5)];
    expect(bureau).toMatchObject({ code: "wecom-dept-1", name: "示范县应急管理局", kind: "bureau", parentId: null, path: `/${bureau.id}/` });
    expect(town).toMatchObject({ code: "wecom-dept-4", kind: "town", parentId: bureau.id });
    expect(village).toMatchObject({ kind: "village", parentId: town.id, path: `/${bureau.id}/${town.id}/${village.id}/` });
    expect(await unitOf(3)).toMatchObject({ kind: "squad" });
    expect(await unitOf(2)).toMatchObject({ kind: "department" });
    expect(await personOf("LiuYang")).toMatchObject({ name: "刘洋", mobile: "13800010004", unitId: village.id, active: true, roles: [] });
    const entries = await audits();
    expect(entries).toHaveLength(9);
    expect(new Set(entries.map((e) => e.actor))).toEqual(new Set(["wecom-sync:test"]));
    expect(entries.map((e) => e.action).sort()).toEqual([...Array(5).fill("org_unit.sync_create"), ...Array(4).fill("person.sync_create")].sort());
  });

  it("a second sync changes nothing and writes no audit entry", async () => {
    await syncContacts(deps);
    const before = (await audits()).length;
    expect(await syncContacts(deps)).toEqual(zero);
    expect(await audits()).toHaveLength(before);
  });

  it("a member removed from WeChat Work becomes inactive, is never deleted, and comes back if re-added", async () => {
    await syncContacts(deps);
    fake.removeUser("WangQiang");
    expect((await syncContacts(deps)).people).toMatchObject({ deactivated: 1 });
    expect(await personOf("WangQiang")).toMatchObject({ name: "王强", active: false });
    expect((await audits()).at(-1)).toMatchObject({ action: "person.sync_deactivate", after: JSON.stringify({ active: false }) });
    fake.addUser(SAMPLE_DIRECTORY.users[2]);
    expect((await syncContacts(deps)).people).toMatchObject({ reactivated: 1 });
  });

  it("leaves alone someone an administrator switched off, and a member WeChat Work marks as left", async () => {
    await syncContacts(deps);
    const li = await personOf("LiNa");
    await stores.db.manager.update(Person, { id: li.id }, { active: false });
    await stores.db.manager.insert(AuditEntry, { at: clock.now(), actor: "person:1", action: "person.update", entityType: "person", entityId: String(li.id), before: '{"active":true}', after: '{"active":false}', requestId: null });
    fake.updateUser("ZhangWei", { status: 5 });
    const result = await syncContacts(deps);
    expect(result.people).toMatchObject({ deactivated: 1, reactivated: 0 });
    expect(await personOf("LiNa")).toMatchObject({ active: false });
    expect(await personOf("ZhangWei")).toMatchObject({ active: false });
  });

  it("links people by mobile and units by department id, keeping what an administrator set", async () => {
    const now = clock.now();
    const admin = await stores.db.manager.save(OrgUnit, { code: "AJJ", name: "县应急管理局（本地）", kind: "bureau", parentId: null, path: "/", wecomDeptId: 1, createdAt: now, updatedAt: now });
    const office = await stores.db.manager.save(OrgUnit, { code: "JCK", name: "监察科", kind: "department", parentId: admin.id, path: "/", wecomDeptId: null, createdAt: now, updatedAt: now });
    const li = await stores.db.manager.save(Person, { name: "李娜（旧）", mobile: "13800010002", unitId: office.id, roles: ["inspector"], superiorId: null, preferredChannel: null, active: true, createdAt: now, updatedAt: now });
    const result = await syncContacts(deps);
    expect(result.units).toEqual({ created: 4, updated: 0, linked: 0 });
    expect(result.people).toMatchObject({ created: 3, linked: 1, updated: 0 });
    expect(await unitOf(1)).toMatchObject({ id: admin.id, code: "AJJ", name: "县应急管理局（本地）" });
    expect(await unitOf(2)).toMatchObject({ parentId: admin.id });
    expect(await personOf("LiNa")).toMatchObject({ id: li.id, name: "李娜", unitId: office.id, roles: ["inspector"] });
  });

  it("applies change_contact events one at a time", async () => {
    await syncContacts(deps);
    fake.addDepartment({ id: 6, name: "西关村", parentid: 4 });
    expect((await applyContactChange(deps, { change: "create_party", departmentId: "6" })).units.created).toBe(1);
    expect(await unitOf(6)).toMatchObject({ kind: "village", parentId: (await unitOf(4)).id });

    fake.addUser({ userid: "ZhaoLei", name: "赵磊", department: [6], main_department: 6, mobile: "13800010006" });
    expect((await applyContactChange(deps, { change: "create_user", userId: "ZhaoLei" })).people.created).toBe(1);
    expect(await personOf("ZhaoLei")).toMatchObject({ unitId: (await unitOf(6)).id, active: true });

    fake.updateUser("ZhaoLei", { name: "赵雷" });
    expect((await applyContactChange(deps, { change: "update_user", userId: "ZhaoLei" })).people.updated).toBe(1);
    expect(await personOf("ZhaoLei")).toMatchObject({ name: "赵雷" });

    const li = await personOf("LiNa");
    fake.removeUser("LiNa");
    fake.addUser({ ...SAMPLE_DIRECTORY.users[1], userid: "LiNa2" });
    await applyContactChange(deps, { change: "update_user", userId: "LiNa", newUserId: "LiNa2" });
    expect(await personOf("LiNa2")).toMatchObject({ id: li.id });

    fake.removeUser("ZhaoLei");
    expect((await applyContactChange(deps, { change: "delete_user", userId: "ZhaoLei" })).people.deactivated).toBe(1);
    expect(await personOf("ZhaoLei")).toMatchObject({ active: false });

    fake.state.departments.delete(6);
    expect(await applyContactChange(deps, { change: "delete_party", departmentId: "6" })).toEqual(zero);
    expect(await unitOf(6)).toBeTruthy();
  });

  it("reports members without a mobile instead of inventing one", async () => {
    await fake.stop();
    fake = new FakeWecom({ directory: structuredClone(SAMPLE_DIRECTORY), revealMobile: false });
    await fake.start();
    const api = new WecomApi({ corpId: fake.config.corpId, agentId: fake.config.agentId, secret: fake.config.secret, apiBase: fake.url, kv: stores.kv });
    const result = await syncContacts({ ...deps, source: new WecomContacts(api) });
    expect(result.people.created).toBe(0);
    expect(result.problems).toHaveLength(4);
    expect(result.problems[0]).toEqual({ where: "企业微信成员 ZhangWei", message: expect.stringContaining("手机号") });
  });

  it("refuses to deactivate everyone when WeChat Work suddenly lists no members", async () => {
    await syncContacts(deps);
    for (const u of SAMPLE_DIRECTORY.users) fake.removeUser(u.userid);
    await expect(syncContacts(deps)).rejects.toMatchObject({ code: "contact_sync_guard" });
    expect(await stores.db.manager.countBy(Person, { active: true })).toBe(4);
    expect((await syncContacts(deps, { allowMassDeactivation: true })).people.deactivated).toBe(4);
  });
});
