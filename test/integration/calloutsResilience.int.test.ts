import type { InboundEvent } from "../../src/channels/channel";
import { Callout, CalloutRecipient, Escalation, Person } from "../../src/db/entities";
import { markSent } from "../../src/domain/callouts/drafts";
import { findByChannelAccount } from "../../src/domain/org/people";
import { backend } from "../support/backend";
import { type CalloutHarness, draft, openCalloutHarness } from "../support/calloutHarness";
import { setAccountOf } from "../support/accounts";

const MIN = 60_000;

// Review fixes: cancelling withdraws what is queued, one broken campaign does not stop the others,
// send runs only its own campaign, account ids match whatever their case, escalations bundle.
describe(`叫应 resilience (${backend()})`, () => {
  let h: CalloutHarness;
  let initiator: Person;
  const since = (mark: number) => h.sender.delivered.slice(mark);
  const textOf = (d: { message: { kind: string; text?: string } }) => (d.message.kind === "text" ? (d.message.text ?? "") : "");
  const sentNow = (id: number) => h.stores.db.transaction((tx) => markSent(tx, initiator, id, h.clock.now()));

  beforeAll(async () => {
    h = await openCalloutHarness();
    initiator = await h.person("赵磊");
  });
  afterAll(() => h.close());

  it("cancelling withdraws cards held back, queued reminders and escalations: only the notice goes out", async () => {
    const c = await h.callouts.create(initiator, draft({ title: "撤回测试", rules: [{ units: ["QH-XH"], roles: ["village_cadre"] }], requiresReport: false, maxReminders: 1 }));
    const mark = h.sender.delivered.length;
    await h.callouts.send(initiator, c.id); // cards enqueued but not yet sent, as under a rate limit
    h.clock.advance(5 * MIN);
    await h.callouts.runDue(h.clock.now()); // the first reminders queue up behind them
    const called = await h.stores.db.manager.count(CalloutRecipient, { where: { calloutId: c.id } });
    expect((await h.outbox.deliveriesOfSource(`callout:${c.id}`)).filter((d) => d.status === "pending").length).toBe(called * 2);

    await h.callouts.cancel(initiator, c.id);
    h.clock.advance(10 * MIN);
    await h.callouts.runDue(h.clock.now());
    await h.drain();
    const out = since(mark);
    expect(out).toHaveLength(called);
    expect(out.every((d) => textOf(d).includes("已由发起人取消"))).toBe(true);
    expect((await h.outbox.deliveriesOfSource(`callout:${c.id}`, undefined, { statuses: ["pending", "sending"] })).length).toBe(0);
  });

  it("a campaign whose steps throw is reported, and another campaign's cards and reminders still go out", async () => {
    const han = await h.person("韩雪");
    const feng = await h.person("冯磊");
    const bad = await h.callouts.create(initiator, draft({ title: "损坏的叫应", rules: [], personIds: [han.id] }));
    const good = await h.callouts.create(initiator, draft({ title: "正常的叫应", rules: [], personIds: [feng.id], requiresReport: false }));
    await sentNow(bad.id);
    await sentNow(good.id);
    // A damaged row (its run's policy snapshot unreadable): every step of this campaign throws.
    await h.stores.db.manager.update(Escalation, { caseKind: "callout", caseId: bad.id }, { policy: "{" });
    try {
      const first = await h.callouts.runDue(h.clock.now());
      expect(first.failed).toEqual([{ id: bad.id, code: "SyntaxError" }]);
      h.clock.advance(5 * MIN);
      const second = await h.callouts.runDue(h.clock.now());
      expect(second.failed).toEqual([{ id: bad.id, code: "SyntaxError" }]);
      await h.drain();
      const toFeng = h.sender.delivered.filter((d) => d.recipient === "fenglei");
      expect(toFeng.filter((d) => d.message.kind === "card")).toHaveLength(1);
      expect(toFeng.filter((d) => textOf(d).includes("正常的叫应") && textOf(d).includes("第 1 次提醒"))).toHaveLength(1);
    } finally {
      await h.stores.db.manager.update(Callout, { id: bad.id }, { state: "cancelled" });
      await h.stores.db.manager.update(Callout, { id: good.id }, { state: "cancelled" });
    }
  });

  it("send runs only its own campaign, and reports a failure of its cards instead of hiding it", async () => {
    const other = await h.callouts.create(initiator, draft({ title: "另一个叫应", rules: [], personIds: [(await h.person("董丽娟")).id] }));
    await sentNow(other.id); // due, but not this request's business
    const c = await h.callouts.create(initiator, draft({ title: "本次叫应", rules: [], personIds: [(await h.person("袁明")).id] }));
    h.failNext("send", 1);
    const result = await h.callouts.send(initiator, c.id);
    expect(result.callout.state).toBe("sent");
    expect(result.dispatch).toEqual({ steps: 0, closed: false, failed: "Error" });
    expect(await h.steps(other.id)).toHaveLength(0);
    const tick = await h.callouts.runDue(h.clock.now());
    expect(tick.failed).toEqual([]);
    expect((await h.steps(c.id)).map((s) => s.step)).toEqual(["send"]);
    await h.stores.db.manager.update(Callout, { id: other.id }, { state: "cancelled" });
    await h.stores.db.manager.update(Callout, { id: c.id }, { state: "cancelled" });
  });

  it("finds a person imported as ZhangSan when zhangsan answers, and leaves unknown clicks to the bot", async () => {
    const han = await h.person("韩雪");
    await setAccountOf(h.stores.db.manager, han, "wecom", "ZhangSan", h.clock.now());
    expect((await findByChannelAccount(h.stores.db.manager, "wecom", "zhangsan"))?.id).toBe(han.id);
    const c = await h.callouts.create(initiator, draft({ title: "大小写测试", rules: [], personIds: [han.id], requiresReport: false }));
    await h.callouts.send(initiator, c.id);
    await h.drain();
    const base = { channel: "wecom", senderId: "zhangsan", occurredAt: h.clock.now() } as const;
    await h.bot.handle({ ...base, eventId: "case-1", kind: "text", text: "收到" } as InboundEvent);
    expect(await h.stores.db.manager.findOneByOrFail(CalloutRecipient, { calloutId: c.id, personId: han.id })).toMatchObject({ state: "acknowledged", ackChannel: "wecom:text" });
    const click = { ...base, eventId: "case-2", kind: "card_click", taskId: `co${c.id}-1`, buttonKey: "ack", responseCode: "rc" } as InboundEvent;
    expect(await h.callouts.answer({ ...click, senderId: "nobody-here" } as InboundEvent)).toBe(false);
    expect(await h.callouts.answer(click)).toBe(true);
  });

  it("bundles one tick's escalations into one message per superior, keeping one step row per person", async () => {
    const names = ["曾国平", "吕红梅", "苏建军"]; // all report to 唐亮
    const people = await Promise.all(names.map((n) => h.person(n)));
    const c = await h.callouts.create(initiator, draft({ title: "汇总升级测试", rules: [], personIds: people.map((p) => p.id), requiresReport: false, maxReminders: 0 }));
    await h.callouts.send(initiator, c.id);
    await h.drain();
    h.clock.advance(5 * MIN);
    await h.callouts.runDue(h.clock.now());
    await h.drain();
    const toTang = h.sender.delivered.filter((d) => d.recipient === "tangliang" && textOf(d).includes("汇总升级测试") && textOf(d).includes("未在规定时间内回应"));
    expect(toTang).toHaveLength(1);
    expect(textOf(toTang[0] as never)).toContain("曾国平、吕红梅、苏建军（共 3 人）未在规定时间内回应");
    const escalations = (await h.steps(c.id)).filter((s) => s.step === "escalate");
    expect(escalations).toHaveLength(3);
    const tang = await h.person("唐亮");
    expect(escalations.every((s) => s.targetPersonId === tang.id)).toBe(true);
    expect(await h.stores.db.manager.count(CalloutRecipient, { where: { calloutId: c.id, personId: tang.id } })).toBe(1);
  });
});
