import { setTimeout as sleep } from "node:timers/promises";
import { ManualClock } from "../../src/clock";
import { Person } from "../../src/db/entities";
import type { Services } from "../../src/services";
import { type FakeWecom, textMessageXml } from "../fakes/fakeWecom";
import { backend } from "../support/backend";
import { CORP, startWecomApp, type WecomApp } from "../support/wecomApp";
import { personByAccount } from "../support/accounts";

describe(`WeChat Work end to end (${backend()})`, () => {
  // 10:00 in Shanghai, inside working hours, so routine notices go out without waiting for morning.
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let app: WecomApp;
  let services: Services;
  let fake: FakeWecom;

  beforeAll(async () => {
    app = await startWecomApp(clock);
    ({ services, fake } = app);
    // The directory comes from the fake's address book, as it would from the real one.
    await services.contactSync!.syncAll();
    await services.db.manager.update(Person, { id: (await personByAccount(services.db.manager, "wecom", "LiNa")).id }, { roles: ["admin"] });
  });
  afterAll(() => app.close());

  /** Runs the outbox until nothing is due, moving the clock past every back-off. */
  async function sendEverything(): Promise<void> {
    for (let round = 0; round < 6; round++) {
      await services.outboxWorker.drainOnce(clock.now());
      clock.advance(10 * 60_000);
    }
  }

  async function waitForReply(key: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (await services.outbox.messageByKey(key)) return;
      await sleep(50);
    }
    throw new Error(`no reply queued under ${key}`);
  }

  /** What each message to `userid` says: a text's content, a card's title and subtitle. */
  const textsTo = (userid: string) =>
    fake.messages
      .filter((m) => m.delivered.includes(userid))
      .map((m) => {
        const card = m.body.template_card as { main_title: { title: string }; sub_title_text?: string } | undefined;
        return card ? `${card.main_title.title}\n${card.sub_title_text ?? ""}` : (m.body.text as { content: string }).content;
      });

  it("answers a known person exactly once, though the callback comes 4 times and the platform says 45009 twice", async () => {
    fake.failNext({ errcode: 45009 }, { times: 2, api: "message/send" });
    const xml = textMessageXml({ ...fake.stamp(), from: "ZhangWei", content: "帮助", msgId: "7345678901234567001" });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await fake.deliverCallback(app.url, xml));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);

    await waitForReply(`reply:wecom:${CORP.agentId}:7345678901234567001:0`);
    await sendEverything();

    expect(textsTo("ZhangWei")).toEqual([expect.stringContaining("张伟，您好！请选择要办理的事项")]);
    expect(fake.calls("message/send")).toHaveLength(3);
  });

  it("tells an unknown sender politely, and the administrator once", async () => {
    // A member of the corp who joined after the last directory sync.
    fake.addUser({ userid: "Stranger", name: "新同事", department: [4] });
    for (const msgId of ["7345678901234567101", "7345678901234567102"]) {
      const xml = textMessageXml({ ...fake.stamp(), from: "Stranger", content: "你好", msgId });
      expect((await fake.deliverCallback(app.url, xml)).status).toBe(200);
      await waitForReply(`reply:wecom:${CORP.agentId}:${msgId}`);
    }
    await sendEverything();

    expect(textsTo("Stranger")).toEqual([expect.stringContaining("尚未登记在安哨人员名单中"), expect.stringContaining("尚未登记在安哨人员名单中")]);
    expect(textsTo("LiNa")).toEqual([expect.stringContaining("账号：Stranger")]);
  });
});
