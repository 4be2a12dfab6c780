import { ManualClock } from "../../src/clock";
import { CalloutRecipient, Person } from "../../src/db/entities";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import type { Services } from "../../src/services";
import { boardView } from "../../src/web/boardView";
import type { FakeMessage, FakeWecom } from "../fakes/fakeWecom";
import { wecomIds } from "../support/accounts";
import { backend } from "../support/backend";
import { startWecomApp, type WecomApp } from "../support/wecomApp";

const MIN = 60_000;
const STEP = 30_000;

// Issue 16 (1): WeChat Work answering 502 for a quarter of an hour made the outbox give up on a
// 叫应's cards after 8 attempts, while the board went on counting everyone as "sent".
describe(`叫应 cards through a WeChat Work outage (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T19:00:00Z"); // 03:00 in Shanghai: 叫应 ignores quiet hours
  let app: WecomApp;
  let services: Services;
  let fake: FakeWecom;
  let officer: Person;
  let account: (p: Person) => string;
  let people: Person[];

  beforeAll(async () => {
    app = await startWecomApp(clock);
    ({ services, fake } = app);
    await loadDemo(services.db, clock);
    people = await services.db.manager.find(Person, { where: { active: true }, order: { id: "ASC" } });
    const held = await wecomIds(services.db.manager);
    account = (p) => held.get(p.id) as string;
    for (const p of people.filter((q) => held.has(q.id))) fake.addUser({ userid: account(p), name: p.name, department: [1] });
    officer = people.find((p) => p.roles.includes("duty_officer")) as Person;
  });
  afterAll(() => app.close());

  /** Village cadres with an account whose active superior has one too, so escalations can land. */
  async function cadres(skip: number): Promise<Person[]> {
    const held = await wecomIds(services.db.manager);
    const byId = new Map(people.map((p) => [p.id, p]));
    return people
      .filter((p) => p.roles.includes("village_cadre") && held.has(p.id) && p.superiorId !== null && held.has(p.superiorId) && byId.get(p.superiorId)?.active)
      .slice(skip, skip + 3);
  }

  async function campaign(title: string, to: Person[]): Promise<number> {
    const draft = await services.callouts.create(officer, {
      title,
      text: "气象台发布暴雨黄色预警，请立即组织巡查并回复。",
      warningType: "rainstorm",
      level: "yellow",
      requiresReport: false,
      rules: [],
      personIds: to.map((p) => p.id),
      answerMinutes: 60,
      remindEveryMinutes: 60,
      maxReminders: 0,
    });
    await services.callouts.send(officer, draft.id);
    return draft.id;
  }

  /** What the scheduler does every half minute: the 叫应 tick, then the outbox. */
  async function step(): Promise<void> {
    clock.advance(STEP);
    await services.callouts.runDue(clock.now());
    await services.outboxWorker.drainOnce(clock.now());
  }

  /** The platform is back: answers the injected failures still armed with calls of our own. */
  async function recover(): Promise<void> {
    const base = app.config.wecom?.apiBase as string;
    for (let i = 0; i < 1000; i++) {
      const res = await fetch(`${base}/cgi-bin/message/send?access_token=none`, { method: "POST", body: "{}" });
      await res.text();
      if (res.status !== 502) return;
    }
  }

  const cardsOf = (title: string): FakeMessage[] => fake.messages.filter((m) => m.msgtype === "template_card" && JSON.stringify(m.body).includes(title));
  const textsTo = (userid: string, words: string): FakeMessage[] => fake.messages.filter((m) => m.msgtype === "text" && m.delivered.includes(userid) && JSON.stringify(m.body).includes(words));
  const failedSends = () => fake.calls("message/send").filter((r) => r.status === 502).length;

  it("keeps retrying a 叫应 card through a long 502 outage and delivers it once when the platform recovers before the deadline", async () => {
    const to = await cadres(0);
    expect(to).toHaveLength(3);
    const before = failedSends();
    // More failures than OUTBOX_MAX_ATTEMPTS (8): the card used to be given up here.
    fake.failNext({ httpStatus: 502 }, { times: 9, api: "message/send" });
    const id = await campaign("停电抢修叫应", to);
    await services.outboxWorker.drainOnce(clock.now());

    let board = await services.callouts.board(id);
    expect(board.counts).toMatchObject({ total: 3, delivered: 0, deliveryPending: 3, deliveryFailed: 0 });
    expect(boardView(board).people.every((p) => p.delivery === "pending")).toBe(true);

    const deadline = (board.callout.deadlineAt as Date).getTime();
    while (cardsOf("停电抢修叫应").length === 0 && clock.now().getTime() < deadline) await step();
    expect(clock.now().getTime()).toBeLessThan(deadline);
    expect(failedSends() - before).toBe(9);
    expect(clock.now().getTime() - (deadline - 60 * MIN)).toBeGreaterThan(15 * MIN); // a long stretch, as on the day

    board = await services.callouts.board(id);
    expect(board.counts).toMatchObject({ total: 3, delivered: 3, deliveryPending: 0, deliveryFailed: 0, unreachable: 0, notYet: 3 });
    // A few more ticks: nothing is sent again.
    for (let i = 0; i < 4; i++) await step();
    const cards = cardsOf("停电抢修叫应");
    expect(cards).toHaveLength(1);
    expect([...(cards[0] as FakeMessage).delivered].sort()).toEqual(to.map(account).sort());
  });

  it("marks people whose card is still undelivered at the deadline unreachable and escalates them to their superiors, once", async () => {
    const to = await cadres(3);
    expect(to).toHaveLength(3);
    const superiors = [...new Set(to.map((p) => p.superiorId as number))].map((sid) => people.find((p) => p.id === sid) as Person);
    // Down for the whole answer window: far more failures armed than can happen in an hour.
    fake.failNext({ httpStatus: 502 }, { times: 500, api: "message/send" });
    const before = failedSends();
    const id = await campaign("山洪转移叫应", to);
    const deadline = ((await services.callouts.board(id)).callout.deadlineAt as Date).getTime();
    await services.outboxWorker.drainOnce(clock.now());
    while (clock.now().getTime() < deadline - STEP) await step();
    expect(failedSends() - before).toBeGreaterThan(8);
    const pending = await services.callouts.board(id);
    expect(pending.counts).toMatchObject({ delivered: 0, deliveryPending: 3, unreachable: 0 });

    await step(); // the deadline
    await step();
    await recover();
    for (let i = 0; i < 6; i++) await step();

    const board = await services.callouts.board(id);
    expect(board.callout.state).toBe("closed");
    const rows = board.people.filter((r) => to.some((p) => p.id === r.personId));
    expect(rows.map((r) => [r.state, r.delivery])).toEqual(to.map(() => ["unreachable", "failed"]));
    expect(rows.every((r) => r.escalatedToPersonId === people.find((p) => p.id === to.find((t) => t.id === r.personId)?.superiorId)?.id)).toBe(true);
    expect(board.counts).toMatchObject({ unreachable: 3, deliveryFailed: 3 });
    const view = boardView(board);
    expect(view.counts.unreachable).toBe(3);
    expect(view.people.filter((p) => p.group === "unreachable").map((p) => p.delivery)).toEqual(["failed", "failed", "failed"]);

    // No cadre ever got the card — not even after the platform came back — and nothing went twice.
    expect(cardsOf("山洪转移叫应").filter((m) => to.some((p) => m.delivered.includes(account(p))))).toHaveLength(0);
    for (const s of superiors) {
      const escalations = textsTo(account(s), "已升级至您");
      const mine = escalations.filter((m) => JSON.stringify(m.body).includes("山洪转移叫应"));
      expect(mine).toHaveLength(1);
      for (const p of to.filter((q) => q.superiorId === s.id)) expect(JSON.stringify((mine[0] as FakeMessage).body)).toContain(p.name);
    }
    const escalatedRows = await services.db.manager.count(CalloutRecipient, { where: { calloutId: id, state: "unreachable" } });
    expect(escalatedRows).toBe(3);
  });
});
