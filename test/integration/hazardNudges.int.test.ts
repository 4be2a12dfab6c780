import { Enterprise, Hazard, Person } from "../../src/db/entities";
import { ledgerOf } from "../../src/domain/hazards/ledger";
import { listedOverdue } from "../../src/domain/hazards/nudges";
import { backend } from "../support/backend";
import { DAY, HOUR, type NudgeHarness, openNudgeHarness } from "../support/nudgeHarness";

// The overdue ladder on the demo county: 杜海 (#47) owns 东岭化工, supervised by 郭强 (#14) from
// the 危化科; 吕红梅 (#35) is a village cadre of 东岭镇, whose leader is 宋志刚 (#22); 李明 (#2) is
// the bureau's deputy leader and 行政负责人.
const byTimeThenPerson = (a: (string | number | null)[], b: (string | number | null)[]) => Number(a[1]) - Number(b[1]) || Number(a[2]) - Number(b[2]);

describe(`hazard nudges (${backend()})`, () => {
  let h: NudgeHarness;
  beforeEach(async () => {
    h = await openNudgeHarness();
  });
  afterEach(() => h.close());

  it("takes each step once, in order, at its time, across a month of hourly ticks", async () => {
    const chem = await h.enterprise("东岭化工有限责任公司");
    const [duhai, guoqiang, lvhongmei, zhangwei, songzhigang, liming] = await Promise.all([47, 14, 35, 8, 22, 2].map((n) => h.person(n)));
    const deadline = new Date(h.clock.now().getTime() + 5 * DAY + 2 * HOUR); // 10:00 in Shanghai
    const a = await h.hazard({ deadline, enterpriseId: chem.id, unitId: chem.supervisingUnitId, ownerId: duhai.id, supervisorId: guoqiang.id });
    const b = await h.hazard({ deadline, unitId: lvhongmei.unitId, locationText: "石桥村村道旁", ownerId: lvhongmei.id, supervisorId: zhangwei.id, category: "电动车违规充电" });
    const nudges = h.nudges();
    for (let hour = 0; hour <= 30 * 24; hour++) {
      await nudges.runDue(h.clock.now());
      h.clock.advance(HOUR);
    }
    const steps = await h.steps();
    const of = (id: number) => steps.filter((s) => s.hazardId === id).map((s) => [s.step, (s.sentAt.getTime() - deadline.getTime()) / DAY, s.skipped]);
    const expected = [["reminder", -1, false], ["notice", 0, false], ["order", 3, false], ["listed", 7, false]];
    expect(of(a.id)).toEqual(expected);
    expect(of(b.id)).toEqual(expected);

    const sent = (await h.sent()).map((s) => [s.step, (s.createdAt.getTime() - deadline.getTime()) / DAY, s.personId]);
    // Bundled: one message per person and step, both hazards in one when they share the person.
    expect(sent.sort(byTimeThenPerson)).toEqual([
      ["reminder", -1, lvhongmei.id],
      ["reminder", -1, duhai.id],
      ["notice", 0, zhangwei.id],
      ["notice", 0, guoqiang.id],
      ["notice", 0, lvhongmei.id],
      ["notice", 0, duhai.id],
      ["order", 3, liming.id], // 危化科 has no head of its own: the bureau's 行政负责人
      ["order", 3, songzhigang.id], // the village's hazard goes to its town's leader
      ["listed", 7, liming.id],
    ]);
    const listed = (await h.sent()).find((s) => s.step === "listed");
    expect(listed?.markdown).toContain("挂牌督办");
    expect(listed?.markdown).toContain(`${a.number}｜东岭化工有限责任公司｜消防通道堵塞｜逾期 7 天`);
    expect(listed?.markdown).toContain(`${b.number}｜石桥村村道旁｜电动车违规充电｜逾期 7 天`);

    expect((await h.db.manager.findOneByOrFail(Hazard, { id: a.id })).listedForSupervision).toBe(true);
    const ledger = await ledgerOf(h.db.manager, a.id);
    expect(ledger.map((l) => l.action)).toEqual(["nudge:reminder", "nudge:notice", "nudge:order", "nudge:listed"]);
    expect(ledger[1]?.reason).toBe("已到整改时限，已向杜海、郭强发送提醒单");
    expect(JSON.parse(ledger[3]?.changes ?? "null")).toEqual({ before: { listedForSupervision: false }, after: { listedForSupervision: true } });
    expect((await listedOverdue(h.db.manager, h.clock.now())).map((l) => [l.number, l.daysOverdue])).toEqual([
      [a.number, 24],
      [b.number, 24],
    ]);
  });

  it("bundles one owner's ten overdue hazards into one message per step", async () => {
    const [owner, supervisor] = await Promise.all([46, 14].map((n) => h.person(n)));
    const gas = await h.enterprise("青禾燃气有限公司");
    const now = h.clock.now();
    for (let i = 0; i < 10; i++) {
      const deadline = new Date(now.getTime() - i * HOUR - 1);
      await h.hazard({ deadline, enterpriseId: gas.id, unitId: gas.supervisingUnitId, ownerId: owner.id, supervisorId: supervisor.id, category: `检查项${i}` });
    }
    const first = await h.nudges().runDue(now);
    expect(first).toEqual({ hazards: 10, steps: 20, messages: 2, failed: [] }); // reminders are recorded, superseded by the 提醒单
    const sent = await h.sent();
    expect(sent.map((s) => [s.step, s.personId]).sort()).toEqual([
      ["notice", supervisor.id],
      ["notice", owner.id],
    ]);
    expect(sent.find((s) => s.personId === owner.id)?.markdown.split("\n").filter((l) => /^\d+\. /.test(l))).toHaveLength(10);
    expect(sent[0]?.markdown).toContain("以下 10 项隐患已超过整改时限");
    expect((await h.steps()).filter((s) => s.skipped).map((s) => s.step)).toEqual(Array(10).fill("reminder"));
    // The same tick again, on another instance: nothing left to do.
    expect(await h.nudges().runDue(now)).toEqual({ hazards: 0, steps: 0, messages: 0, failed: [] });
  });

  it("sends the 督办单 to the enterprise's 行政负责人 when it has an active one, else up the unit tree", async () => {
    const [chem, gas, machinery] = await Promise.all(["东岭化工有限责任公司", "青禾燃气有限公司", "柳湾机械制造有限公司"].map((n) => h.enterprise(n)));
    const [owner, songzhigang, liming, departed] = await Promise.all([47, 22, 2, 26].map((n) => h.person(n)));
    // 东岭化工 names 宋志刚 its 行政负责人; 青禾燃气 names nobody; 柳湾机械's has left the post.
    await h.db.manager.update(Enterprise, { id: chem.id }, { adminOwnerId: songzhigang.id });
    await h.db.manager.update(Enterprise, { id: gas.id }, { adminOwnerId: null });
    await h.db.manager.update(Enterprise, { id: machinery.id }, { adminOwnerId: departed.id });
    await h.db.manager.update(Person, { id: departed.id }, { active: false });
    const deadline = new Date(h.clock.now().getTime() - 3 * DAY - HOUR);
    const at = (e: Enterprise) => h.hazard({ deadline, enterpriseId: e.id, unitId: e.supervisingUnitId, ownerId: owner.id });
    const [a, b, c] = [await at(chem), await at(gas), await at(machinery)];
    await h.nudges().runDue(h.clock.now());
    const orders = (await h.sent()).filter((s) => s.step === "order");
    expect(orders.map((o) => o.personId).sort()).toEqual([liming.id, songzhigang.id].sort());
    const toSong = orders.find((o) => o.personId === songzhigang.id)?.markdown ?? "";
    expect(toSong).toContain(a.number);
    expect(toSong).not.toContain(b.number);
    // Without a 行政负责人, or with one no longer active, the supervising office's chain: the bureau's leader.
    const toLi = orders.find((o) => o.personId === liming.id)?.markdown ?? "";
    expect([toLi.includes(a.number), toLi.includes(b.number), toLi.includes(c.number)]).toEqual([false, true, true]);
    const ledger = await ledgerOf(h.db.manager, a.id);
    expect(ledger.find((l) => l.action === "nudge:order")?.reason).toBe("逾期 3 天，已向宋志刚发送督办单");
  });

  it("holds a step due at 23:00 in Shanghai until 08:00", async () => {
    const owner = await h.person(35);
    const deadline = new Date("2026-03-02T15:00:00Z"); // 23:00 Asia/Shanghai
    await h.hazard({ deadline, ownerId: owner.id, unitId: owner.unitId });
    h.clock.set(deadline);
    await h.nudges().runDue(h.clock.now());
    const [delivery] = await h.outbox.deliveriesOfSource("hazard-nudge:notice");
    expect(delivery?.personId).toBe(owner.id);
    expect(delivery?.status).toBe("pending");
    expect(delivery?.nextAttemptAt.toISOString()).toBe("2026-03-03T00:00:00.000Z"); // 08:00 Shanghai
  });

  it("sends nothing for closed, verified or submitted hazards", async () => {
    const owner = await h.person(35);
    const deadline = new Date(h.clock.now().getTime() - 10 * DAY);
    for (const state of ["closed", "verified", "submitted"] as const) await h.hazard({ deadline, state, ownerId: owner.id, unitId: owner.unitId });
    expect(await h.nudges().runDue(h.clock.now())).toEqual({ hazards: 0, steps: 0, messages: 0, failed: [] });
    expect(await h.sent()).toEqual([]);
  });

  it("restarts the ladder when an extension moves the deadline", async () => {
    const owner = await h.person(35);
    const deadline = new Date(h.clock.now().getTime() + DAY);
    const hazard = await h.hazard({ deadline, ownerId: owner.id, unitId: owner.unitId });
    const nudges = h.nudges();
    for (const at of [0, DAY, 4 * DAY]) await nudges.runDue(new Date(h.clock.now().getTime() + at));
    const extended = new Date(deadline.getTime() + 10 * DAY);
    await h.db.manager.update(Hazard, { id: hazard.id }, { deadline: extended });
    for (let day = 4; day <= 20; day++) await nudges.runDue(new Date(h.clock.now().getTime() + day * DAY));
    const steps = (await h.steps()).map((s) => [s.step, s.deadline.getTime() === extended.getTime() ? "extended" : "first"]);
    expect(steps).toEqual([
      ["reminder", "first"],
      ["notice", "first"],
      ["order", "first"],
      ["reminder", "extended"],
      ["notice", "extended"],
      ["order", "extended"],
      ["listed", "extended"],
    ]);
  });

  it("lists an overdue 重大隐患 for supervision at once", async () => {
    const [owner, liming] = await Promise.all([35, 2].map((n) => h.person(n)));
    const major = await h.hazard({ level: "major", deadline: new Date(h.clock.now().getTime() - 1), ownerId: owner.id, unitId: owner.unitId });
    const general = await h.hazard({ deadline: new Date(h.clock.now().getTime() - 2 * DAY), ownerId: owner.id, unitId: owner.unitId });
    await h.nudges().runDue(h.clock.now());
    expect((await h.steps()).filter((s) => s.hazardId === major.id).map((s) => s.step)).toEqual(["reminder", "notice", "listed"]);
    const listed = (await h.sent()).filter((s) => s.step === "listed");
    expect(listed.map((s) => s.personId)).toEqual([liming.id]);
    expect(listed[0]?.markdown).toContain(`【重大隐患】${major.number}`);
    const updated = await h.db.manager.findOneByOrFail(Hazard, { id: major.id });
    expect(updated.listedForSupervision).toBe(true);
    expect(updated.version).toBe(major.version + 1); // a concurrent edit from the old copy is refused
    const digest = await listedOverdue(h.db.manager, h.clock.now());
    expect(digest.map((d) => d.hazardId)).toEqual([major.id]);
    expect(digest.map((d) => d.hazardId)).not.toContain(general.id);
  });
});
