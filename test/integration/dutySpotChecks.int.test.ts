import type { InboundEvent } from "../../src/channels/channel";
import { DutyLogEntry } from "../../src/db/entities/DutyLogEntry";
import { DutySpotCheck } from "../../src/db/entities/DutySpotCheck";
import type { AppError } from "../../src/errors";
import { backend } from "../support/backend";
import { type DutyHarness, local, MINUTE, openDutyHarness } from "../support/dutyHarness";

// 查岗: sent by the duty leader or at random inside the shift, answered or escalated, in the log;
// 交接班: the outgoing person's note reaches the incoming one at check-in.
jest.setTimeout(120_000);

let seq = 0;
const event = (account: string, at: Date, body: { kind: "text"; text: string } | { kind: "card_click"; taskId: string; buttonKey: string }): InboundEvent => ({ channel: "wecom", eventId: `sc-${++seq}`, senderId: account, occurredAt: at, ...body });

describe(`duty spot checks and handovers (${backend()})`, () => {
  let h: DutyHarness;
  beforeEach(async () => {
    h = await openDutyHarness("2026-05-01 07:00");
  });
  afterEach(() => h.close());

  it("the duty leader's spot check: answered in time with a click, missed one escalates to the leader and then the unit head; all in the log", async () => {
    const zhao = await h.shift("QH-BGS", "赵磊", "officer", "2026-05-01 08:00", "2026-05-02 08:00");
    await h.shift("QH", "王芳", "leader", "2026-05-01 08:00", "2026-05-02 08:00");
    const wang = await h.person("王芳");
    await h.tickUntil("2026-05-01 10:00");
    const first = await h.duty.spotCheck(wang, zhao.id);
    h.clock.advance(3 * MINUTE);
    expect(await h.duty.answer(event("zhaolei", h.clock.now(), { kind: "card_click", taskId: `dc${first.id}`, buttonKey: "ack" }))).toBe(true);
    await h.tickUntil("2026-05-01 14:00");
    const second = await h.duty.spotCheck(wang, zhao.id);
    await h.tickUntil("2026-05-01 14:35");
    // Answered late by typing: recorded, the chasing already done stays done.
    expect(await h.duty.answer(event("zhaolei", h.clock.now(), { kind: "text", text: "在岗" }))).toBe(true);
    await h.tickUntil("2026-05-01 15:00");
    const missed = (await h.messages()).filter((m) => m.key.startsWith(`duty-check:${second.id}:`));
    const li = await h.person("李明");
    expect(missed.map((m) => [m.personId, m.createdAt.toISOString()])).toEqual([
      [wang.id, local("2026-05-01 14:10").toISOString()],
      [li.id, local("2026-05-01 14:20").toISOString()],
    ]);
    expect(missed[0]?.text).toContain("【查岗未应答】办公室 值班员 赵磊");
    const log = await h.db.manager.find(DutyLogEntry, { where: { shiftId: zhao.id }, order: { id: "ASC" } });
    expect(log.map((l) => l.kind)).toEqual(["spot_check", "spot_answered", "spot_check", "spot_missed", "spot_answered"]);
    expect(log[4]?.text).toBe("查岗应答（35 分钟，已超时）");
    // A grid member may not 查岗; a shift not running cannot be checked.
    const denied = (await h.duty.spotCheck(await h.person("韩雪"), zhao.id).catch((e: unknown) => e)) as AppError;
    expect(denied.code).toBe("duty_not_checker");
  });

  it("random spot checks fall inside the shift, once each, even with two services ticking", async () => {
    const shift = await h.shift("QH-BGS", "孙丽", "officer", "2026-05-01 08:00", "2026-05-01 20:00");
    const one = h.service({ settings: { randomSpotChecks: 2 } });
    const two = h.service({ settings: { randomSpotChecks: 2 } });
    const end = local("2026-05-01 21:00").getTime();
    while (h.clock.now().getTime() < end) {
      h.clock.advance(5 * MINUTE);
      await Promise.all([one.runDue(h.clock.now()), two.runDue(h.clock.now())]);
    }
    const checks = await h.db.manager.find(DutySpotCheck, { where: { shiftId: shift.id } });
    expect(checks).toHaveLength(2);
    for (const c of checks) {
      expect(c.sentAt.getTime()).toBeGreaterThanOrEqual(local("2026-05-01 08:30").getTime());
      expect(c.sentAt.getTime()).toBeLessThanOrEqual(local("2026-05-01 19:35").getTime());
      expect(c.requestedById).toBeNull();
    }
  });

  it("交接班: the outgoing officer's note is handed to the next one at check-in", async () => {
    await h.shift("QH-BGS", "赵磊", "officer", "2026-05-01 08:00", "2026-05-02 08:00");
    await h.shift("QH-BGS", "孙丽", "officer", "2026-05-02 08:00", "2026-05-03 08:00");
    h.clock.set(local("2026-05-02 07:40"));
    const note = await h.duty.handover(await h.person("赵磊"), "东岭村河道水位偏高，10点再巡查一次");
    expect(note).not.toBeNull();
    h.clock.set(local("2026-05-02 07:55"));
    const sun = await h.duty.checkIn(await h.person("孙丽"), null);
    expect(sun).toMatchObject({ kind: "checked_in", handover: "东岭村河道水位偏高，10点再巡查一次" });
  });
});
