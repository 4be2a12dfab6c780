import { setTimeout as sleep } from "node:timers/promises";
import { In, IsNull, Like, Not } from "typeorm";
import { systemClock } from "../../src/clock";
import { Callout, CalloutRecipient, EscalationStep, Hazard, OutboxDelivery, OutboxMessage, Person } from "../../src/db/entities";
import { demoMobile } from "../../src/domain/demo/people";
import type { Services } from "../../src/services";
import { textMessageXml } from "../fakes/fakeWecom";
import { Cluster, waitFor } from "./cluster";
import { messagesTo, settle, TEST_MS, withLogs, wordsOf } from "./support";

/**
 * The minute jobs on a fleet. A 叫应 campaign: created and sent through the admin API of two different instances,
 * its minute tick run by three instances at the same moment (as three schedulers that all fired),
 * the cards and reminders sent by the three processes' outbox workers. 叫应 ignores quiet hours,
 * and the timeline is moved by shifting the campaign's own times in the database, so nothing
 * depends on the hour the test runs at. The overdue ladder: hazards whose deadlines are set
 * relative to the database's "now", its job run by the three at once (the cluster has no quiet
 * hours, so its routine messages go out whatever the hour).
 */
describe("three instances: the 叫应 tick and the overdue ladder", () => {
  let cluster: Cluster;
  let tickers: Services[];

  beforeAll(async () => {
    cluster = await Cluster.start();
    tickers = await cluster.tickers(3);
  }, TEST_MS);
  afterAll(async () => {
    await cluster?.close();
  });

  /** `rounds` ticks, each run on all three instances at once. */
  async function tickAll(rounds = 3): Promise<void> {
    for (let r = 0; r < rounds; r++) {
      const results = await Promise.all(tickers.map((t) => t.callouts.runDue(systemClock.now())));
      for (const result of results) expect(result.failed).toEqual([]);
      await sleep(100);
    }
  }

  /**
   * Moves a campaign's clock back by `minutes` (as if they had passed), in the database's own
   * terms: the campaign, its recipients and its escalation run, whose anchor is the send time.
   */
  async function shift(calloutId: number, minutes: number): Promise<void> {
    await cluster.db.manager.query(
      `UPDATE escalations SET anchor_at = anchor_at - INTERVAL ${minutes} MINUTE, started_at = started_at - INTERVAL ${minutes} MINUTE, next_action_at = next_action_at - INTERVAL ${minutes} MINUTE WHERE case_kind = 'callout' AND case_id = ?`,
      [calloutId],
    );
    await cluster.db.manager.query(`UPDATE callouts SET sent_at = sent_at - INTERVAL ${minutes} MINUTE, deadline_at = deadline_at - INTERVAL ${minutes} MINUTE WHERE id = ?`, [calloutId]);
    await cluster.db.manager.query(
      `UPDATE callout_recipients SET sent_at = sent_at - INTERVAL ${minutes} MINUTE, next_action_at = next_action_at - INTERVAL ${minutes} MINUTE WHERE callout_id = ?`,
      [calloutId],
    );
  }

  const reminders = (who: string) => messagesTo(cluster.fake, who).filter((m) => m.msgtype === "text" && /第 \d 次提醒/.test(wordsOf(m)));
  const cards = (who: string) => messagesTo(cluster.fake, who).filter((m) => m.msgtype === "template_card");

  it(
    "sends each card once, each reminder once, escalates each silent person once and reports once",
    withLogs(
      () => cluster,
      async () => {
        const { token } = await cluster.dutyOfficerToken();
        const people = (await cluster.members()).filter((p) => p.roles.includes("village_cadre")).slice(0, 12);
        expect(people).toHaveLength(12);
        const [app1, app2, app3] = cluster.instances.map((i) => i.url) as [string, string, string];
        const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };

        const created = await fetch(`${app1}/api/callouts`, {
          method: "POST",
          headers: auth,
          body: JSON.stringify({ title: "暴雨红色预警叫应", text: "气象台发布暴雨红色预警，请立即组织巡查，人员撤离到位后回复。", warningType: "暴雨", level: "红", personIds: people.map((p) => p.id), answerMinutes: 30, remindEveryMinutes: 5, maxReminders: 2 }),
        });
        expect(created.status).toBe(201);
        const id = ((await created.json()) as { data: { id: number } }).data.id;
        // The send on one instance while the three ticks run: the cards are enqueued once.
        const [sent] = await Promise.all([fetch(`${app2}/api/callouts/${id}/send`, { method: "POST", headers: auth }), tickAll(2)]);
        expect(sent.status).toBe(200);
        await tickAll(2);

        await waitFor("every card at the platform", () => people.every((p) => cards(cluster.wecomId(p)).length > 0));
        // Two answer at once, on different instances.
        const answering = people.slice(0, 2);
        await Promise.all(answering.map((p, i) => cluster.fake.deliverCallback([app3, app1][i] as string, textMessageXml({ ...cluster.fake.stamp(), from: cluster.wecomId(p), content: "收到", msgId: `7${String(900 + i).padStart(18, "0")}` }))));
        await waitFor("the two answers", async () => (await cluster.db.manager.count(CalloutRecipient, { where: { calloutId: id, acknowledgedAt: Not(IsNull()) } })) === 2);

        // Six minutes pass: the first reminder is due for the ten still silent; five more, the
        // second. Minute by minute, as the scheduler would: two reminders due in ONE tick are two
        // outbox messages that different instances may send in either order.
        const silent = people.slice(2);
        await shift(id, 6);
        await tickAll(3);
        await waitFor("the first reminder for everyone silent", () => silent.every((p) => reminders(cluster.wecomId(p)).length >= 1));
        await shift(id, 5);
        await tickAll(3);
        await waitFor("two reminders for everyone silent", () => silent.every((p) => reminders(cluster.wecomId(p)).length >= 2));

        // The deadline passes: the silent are escalated to their superiors, the campaign closes.
        await shift(id, 30);
        await tickAll(4);
        await waitFor("the campaign to close", async () => (await cluster.db.manager.findOneByOrFail(Callout, { id })).state === "closed");
        await waitFor("the outbox to empty", async () => (await cluster.db.manager.count(OutboxDelivery, { where: { status: In(["pending", "sending"]) } })) === 0);
        await settle();

        for (const p of people) expect(cards(cluster.wecomId(p))).toHaveLength(1);
        for (const p of answering) expect(reminders(cluster.wecomId(p))).toHaveLength(0);
        for (const p of silent) expect(reminders(cluster.wecomId(p)).map(wordsOf).map((w) => w.slice(0, 7))).toEqual(["第 1 次提醒", "第 2 次提醒"]);

        // Steps: one card each, two reminders and one escalation for each silent person.
        const steps = await cluster.db.manager.find(EscalationStep, { where: { caseKind: "callout", caseId: id } });
        const count = (step: string) => steps.filter((s) => s.step === step).length;
        const recipients = await cluster.db.manager.find(CalloutRecipient, { where: { calloutId: id } });
        expect(count("send")).toBe(recipients.length);
        expect(count("remind:1")).toBe(silent.length);
        expect(count("remind:2")).toBe(silent.length);
        expect(count("escalate")).toBe(silent.length);

        // Each superior got one escalation message naming their silent people, and one card.
        const superiorIds = [...new Set(silent.map((p) => p.superiorId).filter((s): s is number => s !== null))];
        expect(superiorIds.length).toBeGreaterThan(0);
        const superiors = await cluster.db.manager.find(Person, { where: { id: In(superiorIds) } });
        for (const s of superiors.filter((x) => cluster.wecomIdOf(x))) {
          const got = messagesTo(cluster.fake, cluster.wecomId(s));
          expect(got.filter((m) => wordsOf(m).includes("已升级至您"))).toHaveLength(1);
          expect(got.filter((m) => m.msgtype === "template_card")).toHaveLength(1);
        }
        // The report went out once, to the initiator among others.
        const initiator = (await cluster.db.manager.findOneByOrFail(Callout, { id })).initiatorId;
        const officer = await cluster.db.manager.findOneByOrFail(Person, { id: initiator });
        expect(messagesTo(cluster.fake, cluster.wecomId(officer)).filter((m) => wordsOf(m).includes("叫应结果："))).toHaveLength(1);
      },
    ),
    TEST_MS,
  );

  it(
    "takes each rung of the overdue ladder once and nudges each person once per step",
    withLogs(
      () => cluster,
      async () => {
        const person = (n: number) => cluster.db.manager.findOneByOrFail(Person, { mobile: demoMobile(n) });
        const owners = await Promise.all([35, 36, 38, 40, 42, 44].map(person));
        const supervisor = await person(8);
        const reporter = await person(23);
        const [{ now }] = (await cluster.db.manager.query("SELECT UTC_TIMESTAMP(3) AS now")) as [{ now: string | Date }];
        const dbNow = new Date(typeof now === "string" ? `${now.replace(" ", "T")}Z` : now.getTime());
        const DAY = 86_400_000;
        for (let i = 0; i < 30; i++) {
          const owner = owners[i % owners.length] as Person;
          // Every rung of -1, 0, 3, 7 days: from due tomorrow to nine days overdue, an hour off each.
          const deadline = new Date(dbNow.getTime() + (1 - (i % 10)) * DAY + 3_600_000);
          await cluster.db.manager.save(
            cluster.db.manager.create(Hazard, {
              number: `YH-2026-${String(i + 1).padStart(6, "0")}`,
              year: 2026,
              seq: i + 1,
              source: "inspection",
              state: "rectifying",
              level: i % 7 === 0 ? "major" : "general",
              category: "消防通道堵塞",
              description: "集群测试隐患",
              enterpriseId: null,
              unitId: owner.unitId,
              locationText: null,
              reporterId: reporter.id,
              ownerId: owner.id,
              supervisorId: supervisor.id,
              deadline,
              listedForSupervision: false,
              enforcementStage: "advice",
              reportedAt: dbNow,
              updatedAt: dbNow,
            }),
          );
        }
        const jobs = tickers.map((t) => t.jobs.find((j) => j.name === "hazardNudges"));
        let taken = 0;
        for (let round = 0; round < 3; round++) {
          const results = (await Promise.all(tickers.map((t, i) => jobs[i]?.run(t.jobContext)))) as { steps: number; failed: unknown[] }[];
          for (const r of results) expect(r.failed).toEqual([]);
          taken += results.reduce((sum, r) => sum + r.steps, 0);
        }
        const steps = await cluster.db.manager.find(EscalationStep, { where: { caseKind: "hazard" } });
        expect(steps.length).toBeGreaterThan(10);
        // The three together took exactly the steps recorded: none twice.
        expect(taken).toBe(steps.length);
        expect(new Set(steps.map((s) => `${s.caseId}:${s.step}`)).size).toBe(steps.length);

        const nudges = await cluster.db.manager.find(OutboxMessage, { where: { source: Like("hazard-nudge:%") } });
        await waitFor("the nudges at the platform", async () => (await cluster.db.manager.count(OutboxDelivery, { where: { messageId: In(nudges.map((m) => m.id)), status: Not("sent") } })) === 0);
        await settle();
        const deliveries = await cluster.db.manager.find(OutboxDelivery, { where: { messageId: In(nudges.map((m) => m.id)) } });
        // Each delivery reached the platform once; no person got a hazard's line twice for one step.
        const atFake = cluster.fake.messages.filter((m) => !m.duplicateOf && /YH-2026-\d{6}/.test(JSON.stringify(m.body)));
        expect(atFake.reduce((n, m) => n + m.delivered.length + m.dropped.length, 0)).toBe(deliveries.length);
        // A nudge's first line names its step (提醒, 提醒单, 督办单, 挂牌督办).
        const lines = atFake.flatMap((m) => {
          const step = wordsOf(m).split("\n")[0];
          return [...m.delivered, ...m.dropped].flatMap((u) => (wordsOf(m).match(/YH-2026-\d{6}/g) ?? []).map((h) => `${u}:${step}:${h}`));
        });
        expect(lines.length).toBeGreaterThan(0);
        expect(new Set(lines).size).toBe(lines.length);
      },
    ),
    TEST_MS,
  );
});
