import { Callout, CalloutRecipient, OrgUnit, Person, PersonAccount } from "../../src/db/entities";
import { backend } from "../support/backend";
import { type CalloutHarness, draft, openCalloutHarness } from "../support/calloutHarness";

const MIN = 60_000;
const CALLED = 2_400;
const ANSWERING = 1_000;

// A county-sized campaign: cards in calls of ≤ 1,000, one reminder per silent person per round,
// escalations bundled per superior, and a deadline report that still fits a WeChat Work message.
describe(`叫应 with ${CALLED} people (${backend()})`, () => {
  let h: CalloutHarness;
  let ids: number[];
  const superiors = ["唐亮", "彭飞", "许晨"];
  const account = (i: number) => `grid${String(i).padStart(5, "0")}`;
  const textsTo = (part: string) => h.sender.delivered.filter((d) => d.message.kind === "text" && d.message.text.includes(part));

  beforeAll(async () => {
    h = await openCalloutHarness();
    const db = h.stores.db;
    const unit = await db.manager.findOneByOrFail(OrgUnit, { code: "QH-DL-01" });
    const bosses = await Promise.all(superiors.map((n) => h.person(n)));
    const now = h.clock.now();
    for (let i = 0; i < CALLED; i += 500) {
      const rows = Array.from({ length: Math.min(500, CALLED - i) }, (_, k) => {
        const n = i + k;
        return {
          name: `网格员${n}`,
          mobile: `137${String(n).padStart(8, "0")}`,
          unitId: unit.id,
          roles: ["grid_member" as const],
          superiorId: (bosses[n % bosses.length] as Person).id,
          preferredChannel: null,
          active: true,
          createdAt: now,
          updatedAt: now,
        };
      });
      await db.manager.createQueryBuilder().insert().into(Person).values(rows).updateEntity(false).execute();
    }
    ids = (await db.manager.find(Person, { where: { unitId: unit.id }, select: { id: true, mobile: true }, order: { id: "ASC" } }))
      .filter((p) => p.mobile.startsWith("137"))
      .map((p) => p.id);
    for (let i = 0; i < CALLED; i += 500) {
      const accounts = ids.slice(i, i + 500).map((personId, k) => ({ personId, channel: "wecom" as const, accountId: account(i + k), createdAt: now, updatedAt: now }));
      await db.manager.createQueryBuilder().insert().into(PersonAccount).values(accounts).updateEntity(false).execute();
    }
  });
  afterAll(() => h.close());

  it("sends, chases and escalates everyone exactly once, in bounded messages", async () => {
    const t0 = h.clock.now().getTime();
    const initiator = await h.person("赵磊");
    const c = await h.callouts.create(initiator, draft({ title: "全县网格员叫应", rules: [], personIds: ids, level: "blue", requiresReport: false, answerMinutes: 15, remindEveryMinutes: 5, maxReminders: 1 }));
    await h.callouts.send(initiator, c.id);
    await h.drain();

    const cardCalls = h.sender.calls.filter((call) => call.message.kind === "card" && call.outcome === "accepted");
    expect(cardCalls.map((call) => call.recipients.length)).toEqual([1000, 1000, 400]);
    const cards = h.sender.delivered.filter((d) => d.message.kind === "card");
    expect(new Set(cards.map((d) => d.recipient)).size).toBe(CALLED);
    expect(cards).toHaveLength(CALLED);

    // The first thousand answer with a click on the card they got.
    const taskOf = new Map(cardCalls.flatMap((call) => call.recipients.map((r) => [r, call.message.kind === "card" ? call.message.card.taskId : ""] as const)));
    for (let n = 0; n < ANSWERING; n++) {
      const p = { id: ids[n] as number } as Person;
      await h.click(p, taskOf.get(account(n)) as string);
    }

    h.clock.set(new Date(t0 + 5 * MIN));
    const reminders = await h.callouts.runDue(h.clock.now());
    expect(reminders).toMatchObject({ steps: CALLED - ANSWERING, failed: [] });
    await h.drain();
    const first = textsTo("第 1 次提醒");
    expect(first).toHaveLength(CALLED - ANSWERING);
    expect(new Set(first.map((d) => d.recipient)).size).toBe(CALLED - ANSWERING);
    expect(first.some((d) => d.recipient === account(0))).toBe(false);
    // One message per thousand silent people, not one per person.
    const remindCalls = h.sender.calls.filter((call) => call.message.kind === "text" && call.message.text.includes("第 1 次提醒"));
    expect(remindCalls.map((call) => call.recipients.length)).toEqual([1000, 400]);

    h.clock.set(new Date(t0 + 10 * MIN));
    await h.callouts.runDue(h.clock.now());
    await h.drain();
    // Each superior gets one message about their 466 or 467 silent people, and the card to answer.
    for (const boss of ["tangliang", "pengfei", "xuchen"]) {
      const told = textsTo("未在规定时间内回应").filter((d) => d.recipient === boss && d.message.kind === "text" && d.message.text.includes("全县网格员叫应"));
      expect(told).toHaveLength(1);
      expect(told[0]?.message.kind === "text" && told[0].message.text).toMatch(/等（共 46[67] 人）/);
      const theirCards = h.sender.delivered.filter((d) => d.recipient === boss && d.message.kind === "card" && d.message.card.title.includes("全县网格员叫应"));
      expect(theirCards).toHaveLength(1);
    }
    const board = await h.callouts.board(c.id);
    expect(board.counts).toMatchObject({ total: CALLED + superiors.length, answered: ANSWERING, escalated: CALLED - ANSWERING });

    h.clock.set(new Date(t0 + 15 * MIN));
    const closing = await h.callouts.runDue(h.clock.now());
    expect(closing.closed).toBe(1);
    await h.drain();
    expect((await h.stores.db.manager.findOneByOrFail(Callout, { id: c.id })).state).toBe("closed");
    const report = h.sender.delivered.find((d) => d.recipient === "zhaolei" && d.message.kind === "markdown" && d.message.markdown.includes("全县网格员叫应"));
    const markdown = report?.message.kind === "markdown" ? report.message.markdown : "";
    expect(markdown).toContain(`叫应率：${((ANSWERING / (CALLED + superiors.length)) * 100).toFixed(1)}%`);
    expect(markdown).toMatch(/……另有 \d+ 人未列出，完整名单见叫应看板/);
    expect(Buffer.byteLength(markdown, "utf8")).toBeLessThanOrEqual(2048);

    // Exactly once per recipient and step, whatever the size.
    const steps = await h.steps(c.id);
    expect(new Set(steps.map((s) => `${s.recipientId}:${s.step}`)).size).toBe(steps.length);
    expect(steps.filter((s) => s.step === "remind:1")).toHaveLength(CALLED - ANSWERING);
    expect(await h.stores.db.manager.count(CalloutRecipient, { where: { calloutId: c.id, remindersSent: 1 } })).toBe(CALLED - ANSWERING);
  });
});
