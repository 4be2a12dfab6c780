import { CalloutRecipient, Escalation, type Person } from "../../src/db/entities";
import { lockCallout } from "../../src/domain/callouts/lock";
import { liveCampaign } from "../../src/domain/callouts/run";
import { remindBatch } from "../../src/domain/callouts/steps";
import { backend } from "../support/backend";
import { type CalloutHarness, draft, openCalloutHarness } from "../support/calloutHarness";

const MIN = 60_000;

// 叫应 on the escalation engine: a run per campaign with its policy copied on, a step skipped
// for someone who answered while it was planned, and campaigns running through an upgrade.
describe(`叫应 on the escalation engine (${backend()})`, () => {
  let h: CalloutHarness;
  let initiator: Person;
  const remindersTo = (userId: string) => h.sender.delivered.filter((d) => d.recipient === userId && d.message.kind === "text" && d.message.text.includes("次提醒")).length;

  beforeEach(async () => {
    h = await openCalloutHarness();
    initiator = await h.person("赵磊");
  });
  afterEach(() => h.close());

  async function sendTo(names: string[]) {
    const people = await Promise.all(names.map((n) => h.person(n)));
    const c = await h.callouts.create(initiator, draft({ title: "引擎测试", rules: [], personIds: people.map((p) => p.id), requiresReport: false, remindEveryMinutes: 5, maxReminders: 2 }));
    await h.callouts.send(initiator, c.id);
    await h.drain();
    return { c, people };
  }

  it("copies the campaign's policy onto its run when it is sent, and ends the run with the campaign", async () => {
    const { c } = await sendTo(["曾国平"]);
    const run = await h.stores.db.manager.findOneByOrFail(Escalation, { caseKind: "callout", caseId: c.id });
    expect(run.state).toBe("active");
    const policy = JSON.parse(run.policy ?? "null") as { endMinutes: number; steps: { key: string; repeat?: { everyMinutes: number; times: number } }[] };
    expect(policy.endMinutes).toBe(30); // 橙色: 30 minutes
    expect(policy.steps.find((s) => s.key === "remind")?.repeat).toEqual({ everyMinutes: 5, times: 2 });
    h.clock.advance(31 * MIN);
    await h.callouts.runDue(h.clock.now());
    expect((await h.stores.db.manager.findOneByOrFail(Escalation, { id: run.id })).state).toBe("done");
  });

  it("drops a reminder for someone who answered after the pass read them, and reminds the others", async () => {
    const { c, people } = await sendTo(["曾国平", "吕红梅"]);
    const [zeng] = people as [Person, Person];
    h.clock.advance(5 * MIN);
    // The pass has read both rows as silent and due …
    const read = await h.stores.db.manager.find(CalloutRecipient, { where: { calloutId: c.id }, order: { id: "ASC" } });
    expect(read.map((r) => r.state)).toEqual(["sent", "sent"]);
    // … when 曾国平 answers, before its reminder is taken.
    await h.click(zeng, (h.sender.calls.find((x) => x.message.kind === "card")?.message as { card: { taskId: string } }).card.taskId);
    await h.stores.db.transaction(async (tx) => {
      const { run, callout } = await liveCampaign(tx, (await lockCallout(tx, c.id)) as NonNullable<Awaited<ReturnType<typeof lockCallout>>>);
      await remindBatch(tx, { outbox: h.outbox, channels: ["wecom"] }, run, callout, read, 1, h.clock.now());
    });
    await h.drain();
    expect([remindersTo("zengguoping"), remindersTo("lvhongmei")]).toEqual([0, 1]);
    expect((await h.steps(c.id)).filter((s) => s.step === "remind:1").map((s) => s.recipientId)).toEqual([read[1]?.id]);
    expect((await h.stores.db.manager.findOneByOrFail(CalloutRecipient, { id: read[0]?.id })).state).toBe("acknowledged");
  });

  it("carries a campaign running during the upgrade on where it was: no second card, each reminder once", async () => {
    const { c } = await sendTo(["曾国平", "吕红梅"]);
    const ds = h.stores.db.dataSource;
    const runner = ds.createQueryRunner();
    try {
      while (await runner.hasTable("escalations")) await ds.undoLastMigration(); // back to callout_steps
      expect(await runner.hasTable("callout_steps")).toBe(true);
    } finally {
      await runner.release();
    }
    await ds.runMigrations();
    const run = await h.stores.db.manager.findOneByOrFail(Escalation, { caseKind: "callout", caseId: c.id });
    expect([run.state, run.policy]).toEqual(["active", null]);
    expect((await h.steps(c.id)).map((s) => s.step)).toEqual(["send", "send"]);
    for (const m of [5, 10]) {
      h.clock.advance(5 * MIN);
      await h.callouts.runDue(h.clock.now());
      await h.drain();
      if (m === 5) expect([remindersTo("zengguoping"), remindersTo("lvhongmei")]).toEqual([1, 1]);
    }
    expect(h.sender.calls.filter((x) => x.message.kind === "card" && x.outcome === "accepted")).toHaveLength(1);
    expect([remindersTo("zengguoping"), remindersTo("lvhongmei")]).toEqual([2, 2]);
    const steps = (await h.steps(c.id)).map((s) => s.step);
    expect(steps).toEqual(["send", "send", "remind:1", "remind:1", "remind:2", "remind:2"]);
    expect((await h.stores.db.manager.findOneByOrFail(Escalation, { id: run.id })).policy).not.toBeNull();
  });
});
