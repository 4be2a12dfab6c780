import type { InboundEvent } from "../../src/channels/channel";
import { Database } from "../../src/db/Database";
import { openDataSource } from "../../src/db/dataSource";
import { EscalationStep, OutboxMessage } from "../../src/db/entities";
import { DutyCriticalPeriod } from "../../src/db/entities/DutyCriticalPeriod";
import { DutyLogEntry } from "../../src/db/entities/DutyLogEntry";
import { DutyShift } from "../../src/db/entities/DutyShift";
import { entities } from "../../src/features";
import { backend } from "../support/backend";
import { type DutyHarness, local, MINUTE, openDutyHarness } from "../support/dutyHarness";

// Reminders, confirmations and check-in escalation on the escalation engine, with the test clock.
jest.setTimeout(180_000);

let seq = 0;
const click = (account: string, taskId: string, at: Date): InboundEvent => ({ channel: "wecom", eventId: `ev-${++seq}`, senderId: account, occurredAt: at, kind: "card_click", taskId, buttonKey: "ack" });
const text = (account: string, body: string, at: Date): InboundEvent => ({ channel: "wecom", eventId: `ev-${++seq}`, senderId: account, occurredAt: at, kind: "text", text: body });

describe(`duty reminders (${backend()})`, () => {
  let h: DutyHarness;
  beforeEach(async () => {
    h = await openDutyHarness("2026-03-30 09:00");
  });
  afterEach(() => h.close());

  /** What each person got, as `name:step@local time`. */
  async function got(): Promise<string[]> {
    const names = new Map<number, string>();
    for (const n of ["赵磊", "王芳", "李明", "孙丽", "周建国"]) names.set((await h.person(n)).id, n);
    const fmt = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(5, 16).replace("T", " ");
    return (await h.messages()).filter((m) => m.source.startsWith("duty:")).map((m) => `${names.get(m.personId ?? 0) ?? m.personId}:${m.step}@${fmt(m.createdAt)}`);
  }

  it("a 24-hour shift across the month's last night: cards the evening before and an hour before, 收到, and a missed check-in climbing to the unit head", async () => {
    const zhao = await h.shift("QH-BGS", "赵磊", "officer", "2026-03-31 08:00", "2026-04-01 08:00");
    await h.shift("QH", "王芳", "leader", "2026-03-31 08:00", "2026-04-01 08:00");
    await h.tickUntil("2026-03-31 07:40");
    // 王芳 confirms with the card's button, then checks in before her start.
    const wang = await h.person("王芳");
    const wangCard = await h.db.manager.createQueryBuilder(OutboxMessage, "m").where("m.idempotency_key LIKE :k", { k: `duty:%:before:${wang.id}` }).getOneOrFail();
    const taskId = (JSON.parse(wangCard.payload) as { card: { taskId: string } }).card.taskId;
    expect(await h.duty.answer(click("wangfang", taskId, h.clock.now()))).toBe(true);
    expect((await h.duty.checkIn(wang, null)).kind).toBe("checked_in");
    // 赵磊 says nothing: at 08:00 the duty leader hears he has not confirmed, then the check-in ladder.
    await h.tickUntil("2026-04-01 09:00");
    expect(await got()).toEqual([
      "赵磊:evening@03-30 20:00",
      "王芳:evening@03-30 20:00",
      "赵磊:before@03-31 07:00",
      "王芳:before@03-31 07:00",
      "王芳:unconfirmed@03-31 08:00",
      "赵磊:checkin1@03-31 08:15",
      "王芳:checkin2@03-31 08:30",
      "李明:checkin3@03-31 08:45",
    ]);
    const card = (await h.messages()).find((m) => m.step === "evening" && m.key.includes(`duty:${zhao.id}:`));
    expect(card?.kind).toBe("card");
    expect(card?.text).toContain("2026-03-31 08:00 至 2026-04-01 08:00");
    // 王芳's 收到 is in the duty log, and her own shift skipped its chasing silently.
    expect(await h.db.manager.count(DutyLogEntry, { where: { kind: "confirmed" } })).toBe(1);
    const skipped = await h.db.manager.find(EscalationStep, { where: { caseKind: "duty", outcome: "skipped" } });
    expect(skipped.map((s) => s.step).sort()).toEqual(["checkin1", "checkin2", "checkin3", "unconfirmed"]);
  });

  it("a typed 收到 confirms the next shift; a check-in after the reminder stops the ladder", async () => {
    await h.shift("QH-BGS", "赵磊", "officer", "2026-03-30 18:00", "2026-03-31 08:00");
    await h.shift("QH", "王芳", "leader", "2026-03-30 08:00", "2026-03-31 08:00");
    await h.tickUntil("2026-03-30 17:05");
    expect(await h.duty.answer(text("zhaolei", "收到", h.clock.now()))).toBe(true);
    await h.tickUntil("2026-03-30 18:20");
    expect((await h.duty.checkIn(await h.person("赵磊"), null)).kind).toBe("checked_in");
    await h.tickUntil("2026-03-31 09:00");
    const zhaos = (await got()).filter((g) => g.startsWith("赵磊") || g.includes("checkin"));
    expect(zhaos).toEqual(["赵磊:before@03-30 17:00", "赵磊:checkin1@03-30 18:15"]);
    // A second 收到 with nothing left to confirm is not the duty's: the bot goes on as usual.
    expect(await h.duty.answer(text("zhaolei", "收到", h.clock.now()))).toBe(false);
  });

  it("a tick missed by a restart sends late, once, and the stale evening card is not sent on top of the hour-before one", async () => {
    await h.shift("QH-BGS", "赵磊", "officer", "2026-03-31 08:00", "2026-03-31 20:00");
    await h.shift("QH", "王芳", "leader", "2026-03-31 08:00", "2026-03-31 20:00");
    await h.tickUntil("2026-03-30 19:55");
    // Down from 19:55 to 08:20 next morning: one tick then finds everything due since.
    h.clock.set(local("2026-03-31 08:20"));
    await h.service().runDue(h.clock.now());
    await h.service().runDue(h.clock.now());
    const zhao = (await got()).filter((g) => g.startsWith("赵磊"));
    expect(zhao).toEqual(["赵磊:before@03-31 08:20", "赵磊:checkin1@03-31 08:20"]);
    expect((await got()).filter((g) => g.includes("unconfirmed"))).toEqual(["王芳:unconfirmed@03-31 08:20", "李明:unconfirmed@03-31 08:20"]);
  });

  it("two instances ticking at once send every reminder exactly once", async () => {
    await h.shift("QH-BGS", "赵磊", "officer", "2026-03-30 20:00", "2026-03-31 08:00");
    await h.shift("QH-BGS", "孙丽", "officer", "2026-03-31 20:00", "2026-04-01 08:00");
    await h.shift("QH", "王芳", "leader", "2026-03-30 08:00", "2026-04-01 08:00");
    const db2 = backend() === "mysql" ? new Database(await openDataSource(h.stores.config, { migrate: false, entities })) : h.db;
    const one = h.service();
    const two = h.service({ db: db2 });
    try {
      const end = local("2026-04-01 09:00").getTime();
      while (h.clock.now().getTime() < end) {
        h.clock.advance(5 * MINUTE);
        const results = await Promise.all([one.runDue(h.clock.now()), two.runDue(h.clock.now())]);
        for (const r of results) expect(r.failed).toEqual([]);
      }
    } finally {
      if (db2 !== h.db) await db2.close();
    }
    const all = await h.messages();
    expect(new Set(all.map((m) => m.key)).size).toBe(all.length);
    const steps = await h.db.manager.find(EscalationStep, { where: { caseKind: "duty" } });
    expect(new Set(steps.map((s) => `${s.escalationId}:${s.step}`)).size).toBe(steps.length);
    // 王芳's shift had begun before the first tick: nothing chases it. Each officer: the cards
    // (赵磊's evening one fell before his shift was entered), then the check-in ladder up to 李明.
    expect(all.map((m) => m.step).sort()).toEqual(["before", "before", "checkin1", "checkin1", "checkin2", "checkin2", "checkin3", "checkin3", "evening", "unconfirmed", "unconfirmed"]);
  });

  it("a shift moved the day before gets its reminders at the new time and none at the old", async () => {
    const admin = await h.person("陈静");
    const shift = await h.duty.create(admin, { unit: "QH-BGS", person: "13900000006", role: "officer", start: local("2026-03-31 08:00"), end: local("2026-03-31 20:00") });
    await h.tickUntil("2026-03-30 20:30");
    await h.duty.edit(admin, shift.id, { start: local("2026-03-31 12:00") });
    await h.tickUntil("2026-03-31 12:05");
    const mine = (await got()).filter((g) => g.startsWith("赵磊"));
    expect(mine).toEqual(["赵磊:evening@03-30 20:00", "赵磊:before@03-31 11:00"]);
    // Told when the shift was made, then of the move once, in one message: the new time and the old one withdrawn.
    const change = (await h.messages()).filter((m) => m.source.startsWith("duty-roster:"));
    expect(change).toHaveLength(2);
    expect(change[0]?.text).toContain("新增：\n办公室｜值班员｜2026-03-31 08:00 至 2026-03-31 20:00");
    expect(change[1]?.text).toContain("新增：\n办公室｜值班员｜2026-03-31 12:00 至 2026-03-31 20:00\n取消：\n办公室｜值班员｜2026-03-31 08:00 至 2026-03-31 20:00");
  });

  it("a critical period starting mid-shift asks the check-in for a location", async () => {
    await h.shift("QH-BGS", "赵磊", "officer", "2026-03-30 08:00", "2026-03-30 20:00");
    await h.db.manager.insert(DutyCriticalPeriod, { kind: "warning", name: "暴雨红色预警", unitId: null, startsAt: local("2026-03-30 10:00"), endsAt: local("2026-03-31 10:00"), source: "test:1", createdAt: h.clock.now() });
    const zhao = await h.person("赵磊");
    h.clock.set(local("2026-03-30 10:30"));
    expect((await h.duty.checkIn(zhao, null)).kind).toBe("need_location");
    const done = await h.duty.checkIn(zhao, { latitude: 30.1, longitude: 120.2 });
    expect(done.kind).toBe("checked_in");
    const row = await h.db.manager.findOneByOrFail(DutyShift, { personId: zhao.id });
    expect(row.checkInLatitude).toBeCloseTo(30.1);
  });
});
