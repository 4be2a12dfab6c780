import { setTimeout as sleep } from "node:timers/promises";
import { decrypt } from "@wecom/crypto";
import { ManualClock } from "../../src/clock";
import { Person } from "../../src/db/entities";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import type { Services } from "../../src/services";
import { cardClickXml, type FakeWecom, textMessageXml } from "../fakes/fakeWecom";
import { backend } from "../support/backend";
import { CORP, startWecomApp, type WecomApp } from "../support/wecomApp";
import { wecomIds } from "../support/accounts";

describe(`叫应 through WeChat Work, end to end (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T19:00:00Z"); // 03:00 in Shanghai: 叫应 ignores quiet hours
  let app: WecomApp;
  let services: Services;
  let fake: FakeWecom;
  let cadres: Person[];
  let officer: Person;
  let account: (p: Person) => string;

  beforeAll(async () => {
    app = await startWecomApp(clock);
    ({ services, fake } = app);
    await loadDemo(services.db, clock);
    const people = await services.db.manager.find(Person, { where: { active: true }, order: { id: "ASC" } });
    const held = await wecomIds(services.db.manager);
    cadres = people.filter((p) => p.roles.includes("village_cadre") && held.has(p.id)).slice(0, 3);
    account = (p) => held.get(p.id) as string;
    officer = people.find((p) => p.roles.includes("duty_officer")) as Person;
    for (const p of cadres) fake.addUser({ userid: account(p), name: p.name, department: [1] });
  });
  afterAll(() => app.close());

  async function boardWhen(done: (answered: number) => boolean, id: number) {
    for (let i = 0; i < 100; i++) {
      const board = await services.callouts.board(id);
      if (done(board.counts.answered)) return board;
      await sleep(50);
    }
    throw new Error("the board never showed the expected answers");
  }

  it("sends one card, takes a real click and a typed 收到, greys the clicked button, and ignores a second click", async () => {
    const draft = await services.callouts.create(officer, {
      title: "暴雨红色预警叫应",
      text: "气象台发布暴雨红色预警，请立即组织巡查，人员撤离到位后回复。",
      warningType: "rainstorm",
      level: "red",
      requiresReport: false,
      rules: [],
      personIds: cadres.map((p) => p.id),
      remindEveryMinutes: 5,
      maxReminders: 2,
    });
    await services.callouts.send(officer, draft.id);
    await services.outboxWorker.drainOnce(clock.now());

    const cards = fake.messages.filter((m) => m.msgtype === "template_card");
    expect(cards).toHaveLength(1);
    expect([...cards[0].delivered].sort()).toEqual(cadres.map((p) => account(p)).sort());
    const [first, second] = cadres as [Person, Person, Person];

    const click = cardClickXml({ ...fake.stamp(), from: account(first), taskId: cards[0].taskId as string, key: "ack", responseCode: fake.clickCard(cards[0].msgid) });
    const answer = await fake.deliverCallback(app.url, click);
    expect(answer.status).toBe(200);
    const sealed = /<Encrypt><!\[CDATA\[(.+?)\]\]><\/Encrypt>/.exec(answer.body)?.[1] as string;
    expect(decrypt(CORP.encodingAesKey, sealed).message).toContain("已收到");

    const typed = textMessageXml({ ...fake.stamp(), from: account(second), content: "收到", msgId: "7345678901234569001" });
    expect((await fake.deliverCallback(app.url, typed)).status).toBe(200);

    let board = await boardWhen((answered) => answered === 2, draft.id);
    expect(board.counts).toMatchObject({ total: 3, answered: 2, notYet: 1 });

    const again = cardClickXml({ ...fake.stamp(), from: account(first), taskId: cards[0].taskId as string, key: "ack", responseCode: fake.clickCard(cards[0].msgid), createTime: fake.nowS() + 5 });
    expect((await fake.deliverCallback(app.url, again)).status).toBe(200);
    await sleep(300);
    board = await services.callouts.board(draft.id);
    expect(board.counts).toMatchObject({ total: 3, answered: 2, notYet: 1 });
    const firstRow = board.people.find((r) => r.personId === first.id);
    expect(firstRow).toMatchObject({ state: "acknowledged", ackChannel: "wecom:card", late: false });
  });
});
