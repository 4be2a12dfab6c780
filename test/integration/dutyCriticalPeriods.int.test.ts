import { EscalationStep, WarningMessage } from "../../src/db/entities";
import { DutyCriticalPeriod } from "../../src/db/entities/DutyCriticalPeriod";
import type { AppError } from "../../src/errors";
import { selectPeople } from "../../src/domain/warnings/recipients";
import { CalloutService } from "../../src/domain/callouts";
import { DutyService } from "../../src/domain/duty";
import { backend } from "../support/backend";
import { type DutyHarness, local, openDutyHarness } from "../support/dutyHarness";

// 重要节点: statutory holidays from chinese-days, a red warning opening one by itself, the
// administrator's own; in one, the last reminder comes earlier and check-ins need a location.
jest.setTimeout(120_000);

describe(`duty critical periods (${backend()})`, () => {
  let h: DutyHarness;
  beforeEach(async () => {
    h = await openDutyHarness("2026-09-28 10:00");
  });
  afterEach(() => h.close());

  it("National Day is a critical period: its shifts are reminded two hours ahead and check in with a location", async () => {
    await h.shift("QH-BGS", "赵磊", "officer", "2026-10-01 08:00", "2026-10-02 08:00");
    await h.tickUntil("2026-10-01 07:00");
    const holiday = await h.db.manager.findOneByOrFail(DutyCriticalPeriod, { kind: "holiday", source: "holiday:2026-10-01" });
    expect([holiday.name, holiday.startsAt.toISOString(), holiday.endsAt.toISOString()]).toEqual(["国庆节假期", local("2026-10-01 00:00").toISOString(), local("2026-10-08 00:00").toISOString()]);
    const before = (await h.messages()).find((m) => m.step === "before");
    expect(before?.createdAt.toISOString()).toBe(local("2026-10-01 06:00").toISOString());
    expect(before?.text).toContain("【重要节点】值班即将开始");
    h.clock.set(local("2026-10-01 07:50"));
    const zhao = await h.person("赵磊");
    expect((await h.duty.checkIn(zhao, null)).kind).toBe("need_location");
    expect((await h.duty.checkIn(zhao, { latitude: 30, longitude: 120 })).kind).toBe("checked_in");
    // The administrator may end it (an override); the tick does not write it again.
    const admin = await h.person("陈静");
    await h.duty.endPeriod(admin, holiday.id);
    await h.tickUntil("2026-10-01 08:30");
    expect(await h.db.manager.count(DutyCriticalPeriod, { where: { kind: "holiday", source: "holiday:2026-10-01" } })).toBe(1);
    expect((await h.duty.periods(h.clock.now(), local("2026-10-02 00:00"))).map((p) => p.kind)).toEqual([]);
  });

  it("a red warning opens a period by itself, mid-shift; its Cancel ends it", async () => {
    await h.shift("QH-BGS", "孙丽", "officer", "2026-09-28 08:00", "2026-09-29 08:00");
    const receiver = await h.person("陈静");
    const warn = await h.db.manager.save(h.db.manager.create(WarningMessage, { sender: "json:test", identifier: "w-1", msgType: "Alert", level: "red", rootId: null, calloutId: null, outcome: "recorded", receivedBy: receiver.id, receivedAt: local("2026-09-28 11:00") } as Partial<WarningMessage>));
    await h.tickUntil("2026-09-28 11:05");
    const period = await h.db.manager.findOneByOrFail(DutyCriticalPeriod, { source: `warning:${warn.id}` });
    expect(period.name).toBe("红色预警");
    h.clock.set(local("2026-09-28 11:10"));
    expect((await h.duty.checkIn(await h.person("孙丽"), null)).kind).toBe("need_location");
    await h.db.manager.save(h.db.manager.create(WarningMessage, { sender: "json:test", identifier: "w-2", msgType: "Cancel", level: null, rootId: warn.id, calloutId: null, outcome: "cancelled", receivedBy: receiver.id, receivedAt: local("2026-09-28 12:00") } as Partial<WarningMessage>));
    await h.tickUntil("2026-09-28 12:05");
    expect((await h.db.manager.findOneByOrFail(DutyCriticalPeriod, { id: period.id })).endsAt.toISOString()).toBe(local("2026-09-28 12:00").toISOString());
    expect((await h.duty.checkIn(await h.person("孙丽"), null)).kind).toBe("checked_in");
    // The shift had begun before the period: its run keeps its plan (nothing re-sent).
    expect(await h.db.manager.count(EscalationStep, { where: { caseKind: "duty", outcome: "sent" } })).toBe(0);
  });

  it("a 叫应 naming 带班领导 calls the leader on duty where the roster has one, the role's holders elsewhere", async () => {
    await h.shift("QH-DL", "唐亮", "leader", "2026-09-28 08:00", "2026-09-29 08:00");
    const towns = await Promise.all(["QH-DL", "QH-NC"].map((c) => h.unit(c)));
    const picked = await selectPeople(h.db.manager, towns, { roles: ["duty_leader"], enterpriseOwners: null }, h.clock.now());
    expect(picked.map((s) => s.person.name).sort()).toEqual(["唐亮", "曹建华"].sort());
    // Off the roster's hours every holder is called again.
    const later = await selectPeople(h.db.manager, towns, { roles: ["duty_leader"], enterpriseOwners: null }, new Date(h.clock.now().getTime() + 2 * 86_400_000));
    expect(later.map((s) => s.person.name).sort()).toEqual(["宋志刚", "曹建华"].sort());
  });

  it("三在: a period's 叫应 draft calls the cadres, enforcers and enterprise owners of its area", async () => {
    const callouts = new CalloutService({ db: h.db, clock: h.clock, outbox: h.outbox, channels: ["wecom"] });
    const duty = new DutyService({ db: h.db, clock: h.clock, outbox: h.outbox, channels: ["wecom"], callouts });
    const admin = await h.person("陈静");
    const period = await duty.addPeriod(admin, { kind: "flood", name: "主汛期", unit: "QH-DL", start: local("2026-09-28 00:00"), end: local("2026-10-15 00:00") });
    const denied = (await duty.threeInPlace(await h.person("韩雪"), period.id).catch((e: unknown) => e)) as AppError;
    expect(denied.code).toBe("duty_not_roster_writer");
    const draft = await duty.threeInPlace(admin, period.id);
    const board = await callouts.board(draft.id);
    expect(board.callout.title).toBe("【重要节点】主汛期“三在”确认");
    expect(board.callout.state).toBe("draft");
    const preview = await callouts.preview(draft.id);
    expect(preview.length).toBeGreaterThan(0);
    const units = new Set(preview.map((p) => p.unit));
    expect([...units].every((u) => ["东岭镇", "石桥村", "柳湾村", "青石社区", "龙井村"].includes(u) || u.includes("东岭"))).toBe(true);
    expect(preview.some((p) => p.roles.includes("企业单位负责人") || p.roles.includes("enterprise_owner"))).toBe(true);
  });

  // Who may add one (administrators only) is the access table's: adminConsoleApi.int.test.ts.
  it("flood season for one town covers its villages", async () => {
    const admin = await h.person("陈静");
    await h.duty.addPeriod(admin, { kind: "flood", name: "主汛期", unit: "QH-DL", start: local("2026-09-28 00:00"), end: local("2026-10-15 00:00") });
    await h.shift("QH-DL-01", "韩雪", "officer", "2026-09-28 08:00", "2026-09-28 20:00");
    await h.shift("QH-NC-01", "董丽娟", "officer", "2026-09-28 08:00", "2026-09-28 20:00");
    expect((await h.duty.checkIn(await h.person("韩雪"), null)).kind).toBe("need_location");
    expect((await h.duty.checkIn(await h.person("董丽娟"), null)).kind).toBe("checked_in");
  });
});
