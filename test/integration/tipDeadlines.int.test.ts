import { In } from "typeorm";
import { Escalation, OutboxDelivery, OutboxMessage, Person, PublicTip } from "../../src/db/entities";
import { OutboxService } from "../../src/domain/outbox";
import { TipDeadlines } from "../../src/domain/tips";
import { backend } from "../support/backend";
import { type PublicTipApp, startPublicTipApp, tipForm } from "../support/publicTipApp";

const DAY = 86_400_000;
const NAME = "韦春花";
const PHONE = "13611112222";

// Verification due 15 days after the report, feedback 10 days after verification ends (the defaults),
// reminded before and escalated to the tip officers' leader when overdue — on a moving clock.
describe(`public tip deadlines (${backend()})`, () => {
  let app: PublicTipApp;
  let deadlines: TipDeadlines;

  beforeAll(async () => {
    app = await startPublicTipApp({ verifyDays: 15, feedbackDays: 10 });
    const outbox = new OutboxService({ db: app.stores.db, clock: app.clock, quietHours: "21:00-08:00" });
    deadlines = new TipDeadlines({ db: app.stores.db, outbox, clock: app.clock, channels: ["wecom"], settings: { feedbackDays: 10 } });
  }, 60_000);
  afterAll(() => app.close());

  /** Who got which deadline notices about the tip, by name, in order. */
  async function notices(tipId: number): Promise<{ to: string[]; text: string }[]> {
    const m = app.stores.db.manager;
    const messages = await m.find(OutboxMessage, { where: { source: `tip:${tipId}` }, order: { id: "ASC" } });
    const out: { to: string[]; text: string }[] = [];
    for (const msg of messages.filter((x) => x.idempotencyKey.startsWith("tip-deadline:"))) {
      const ids = (await m.findBy(OutboxDelivery, { messageId: msg.id })).map((d) => d.personId as number);
      const names = (await m.findBy(Person, { id: In(ids) })).map((p) => p.name).sort();
      out.push({ to: names, text: (JSON.parse(msg.payload) as { text: string }).text });
    }
    return out;
  }

  it("reminds before each deadline, escalates when overdue, and stops once the tip moves on", async () => {
    const res = await fetch(`${app.base}/api/public/tips`, { method: "POST", body: tipForm({ category: "major_hazard", description: "某化工厂可燃气体报警器长期关闭", address: "青禾镇工业园", anonymous: "false", name: NAME, phone: PHONE }), headers: { "x-forwarded-for": "10.44.0.1" } });
    expect(res.status).toBe(201);
    const { code } = ((await res.json()) as { data: { code: string } }).data;
    const pub = await app.stores.db.manager.findOneByOrFail(PublicTip, { trackingCode: code });
    expect(pub.verificationDueAt.getTime() - app.clock.now().getTime()).toBe(15 * DAY);

    // Nothing is due at first; a run is started on the engine.
    expect(await deadlines.runDue()).toEqual({ steps: 0, messages: 0 });
    expect(await app.stores.db.manager.countBy(Escalation, { caseKind: "tip", caseId: pub.tipId, state: "active" })).toBe(1);

    // A day before the deadline: the tip officer it was routed to is reminded (no handler yet).
    app.clock.advance(14 * DAY + 60_000);
    expect(await deadlines.runDue()).toEqual({ steps: 1, messages: 1 });
    let seen = await notices(pub.tipId);
    expect(seen.map((n) => n.to)).toEqual([["刘洋"]]);
    expect(seen[0]?.text).toContain("群众举报核查即将到期");
    // Running again changes nothing.
    expect(await deadlines.runDue()).toEqual({ steps: 0, messages: 0 });

    // Accepted with 张伟 verifying; the deadline passes: 张伟 and the tip officer's leader (李明).
    const officer = await app.person("刘洋");
    const zhang = await app.person("张伟");
    await app.tips.accept(pub.tipId, officer, { handlerId: zhang.id });
    app.clock.advance(DAY);
    expect(await deadlines.runDue()).toEqual({ steps: 1, messages: 1 });
    seen = await notices(pub.tipId);
    expect(seen[1]?.to).toEqual(["张伟", "李明"].sort());
    expect(seen[1]?.text).toContain("群众举报核查已逾期");

    // Verification ends three days late; feedback is then due in 10 days.
    app.clock.advance(3 * DAY);
    await app.tips.close(pub.tipId, zhang, { result: "unsubstantiated", note: "现场核查报警器正常运行" });
    expect(await deadlines.runDue()).toEqual({ steps: 0, messages: 0 });
    const afterClose = await app.stores.db.manager.findOneByOrFail(PublicTip, { tipId: pub.tipId });
    expect(afterClose.feedbackDueAt?.getTime()).toBe(app.clock.now().getTime() + 10 * DAY);
    expect(await app.stores.db.manager.countBy(Escalation, { caseKind: "tip", caseId: pub.tipId, state: "dropped" })).toBe(0);

    app.clock.advance(8 * DAY + 60_000);
    expect(await deadlines.runDue()).toEqual({ steps: 1, messages: 1 });
    seen = await notices(pub.tipId);
    expect(seen[2]).toMatchObject({ to: ["张伟"], text: expect.stringContaining("群众举报反馈即将到期") });

    // The feedback is written: the run is dropped, the overdue notice never goes.
    await app.tips.writeFeedback(pub.tipId, zhang, "经现场核查，报警器运行正常，未发现所反映问题。感谢您的监督。");
    app.clock.advance(3 * DAY);
    expect(await deadlines.runDue()).toEqual({ steps: 0, messages: 0 });
    expect(await notices(pub.tipId)).toHaveLength(3);
    expect(await app.stores.db.manager.countBy(Escalation, { caseKind: "tip", caseId: pub.tipId, state: "dropped" })).toBe(1);

    // No notice names the tipster.
    for (const n of seen) {
      expect(n.text).not.toContain(NAME);
      expect(n.text).not.toContain(PHONE);
    }
  });

  it("sends the overdue notice alone when the reminder's time has also passed (a missed tick)", async () => {
    const res = await fetch(`${app.base}/api/public/tips`, { method: "POST", body: tipForm({ category: "fire_safety", description: "商场消防通道被货物堵死", address: "青禾县城东商场", anonymous: "true" }), headers: { "x-forwarded-for": "10.44.0.2" } });
    const { code } = ((await res.json()) as { data: { code: string } }).data;
    const pub = await app.stores.db.manager.findOneByOrFail(PublicTip, { trackingCode: code });
    app.clock.set(new Date(pub.verificationDueAt.getTime() + 60_000));
    expect(await deadlines.runDue()).toEqual({ steps: 2, messages: 1 });
    const seen = await notices(pub.tipId);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.text).toContain("已逾期");
    expect(seen[0]?.to).toEqual(["刘洋", "李明"].sort());
  });
});
