import { setTimeout as sleep } from "node:timers/promises";
import { ManualClock } from "../../src/clock";
import { OrgUnit, Person } from "../../src/db/entities";
import { deliverEvent } from "../fakes/fakeDingtalk";
import { personByAccount } from "../support/accounts";
import { backend } from "../support/backend";
import { type DingtalkApp, startDingtalkApp } from "../support/dingtalkApp";

describe(`the DingTalk address book (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let app: DingtalkApp;

  beforeAll(async () => {
    app = await startDingtalkApp(clock);
    app.fake.departments.push({ id: 2, name: "青禾镇", parentId: 1 }, { id: 3, name: "桥东村", parentId: 2 });
    app.fake.users.push(
      { userid: "ding-zhang", name: "张伟", deptIds: [1], mobile: "13800010001" },
      { userid: "ding-li", name: "李娜", deptIds: [3], mobile: "+86 138-0001-0002" },
    );
  });
  afterAll(() => app.close());

  it("copies departments and users into units and people, with their DingTalk accounts", async () => {
    const result = await app.services.contactSync!.syncAll();
    expect(result.units.created).toBe(3);
    expect(result.people.created).toBe(2);
    const units = await app.services.db.manager.find(OrgUnit, { order: { id: "ASC" } });
    expect(units.map((u) => [u.code, u.name, u.kind])).toEqual([
      ["dingtalk-dept-1", "青禾县应急管理局", "bureau"],
      ["dingtalk-dept-2", "青禾镇", "town"],
      ["dingtalk-dept-3", "桥东村", "village"],
    ]);
    const li = await personByAccount(app.services.db.manager, "dingtalk", "ding-li");
    expect(li).toMatchObject({ name: "李娜", mobile: "13800010002", unitId: units[2]?.id, active: true });
  });

  async function eventually(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 100; i++) {
      await app.services.inbox.drain();
      if (await check()) return;
      await sleep(30);
    }
    throw new Error("the address-book event never took effect");
  }

  it("takes a new member in on user_add_org and lets a leaver go on user_leave_org", async () => {
    app.fake.users.push({ userid: "ding-wang", name: "王强", deptIds: [2], mobile: "13800010003" });
    const now = clock.now().getTime();
    expect((await deliverEvent(app.callbackApp, { EventType: "user_add_org", TimeStamp: String(now), UserId: ["ding-wang"] }, now)).status).toBe(200);
    await eventually(async () => (await app.services.db.manager.findOneBy(Person, { mobile: "13800010003" })) !== null);
    expect(await personByAccount(app.services.db.manager, "dingtalk", "ding-wang")).toMatchObject({ name: "王强", active: true });

    app.fake.users.splice(app.fake.users.findIndex((u) => u.userid === "ding-li"), 1);
    expect((await deliverEvent(app.callbackApp, { EventType: "user_leave_org", TimeStamp: String(now + 1), UserId: ["ding-li"] }, now)).status).toBe(200);
    await eventually(async () => (await app.services.db.manager.findOneByOrFail(Person, { mobile: "13800010002" })).active === false);
  });

  it("is copied by the nightly contactSync job, which is no longer WeChat Work's alone", async () => {
    app.fake.users.push({ userid: "ding-zhao", name: "赵敏", deptIds: [3], mobile: "13800010004" });
    const job = app.services.jobs.find((j) => j.name === "contactSync");
    expect(app.services.jobs.map((j) => j.name)).not.toContain("wecomContactSync");
    expect(await job?.run(app.services.jobContext)).toEqual({ dingtalk: { units: expect.anything(), people: expect.objectContaining({ created: 1 }), problems: 0 } });
    expect(await personByAccount(app.services.db.manager, "dingtalk", "ding-zhao")).toMatchObject({ name: "赵敏", active: true });
  });
});
