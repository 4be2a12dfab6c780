import { ManualClock } from "../../src/clock";
import { Person } from "../../src/db/entities";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { createLogger } from "../../src/log";
import { buildServices, type Services } from "../../src/services";
import { FakeWecom } from "../fakes/fakeWecom";
import { backend, dropTestDatabase, testConfig } from "../support/backend";
import { CORP } from "../support/wecomApp";
import { wecomIds } from "../support/accounts";

// WeChat Work's daily quota (licensed headcount × 200 person-times) as the fake enforces it: the
// outbox counts it before calling, so a 叫应 that would pass it waits for the next day instead of
// being refused — and a platform that refuses anyway gets its calls retried, not lost.
describe(`叫应 within the app's daily message quota (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let fake: FakeWecom;
  let services: Services;
  let config: Awaited<ReturnType<typeof testConfig>>;
  let people: Person[];

  const start = async (appQuota: number, platformQuota: number) => {
    fake = new FakeWecom({ ...CORP, dailyQuota: platformQuota, now: () => clock.now().getTime() });
    config = await testConfig({
      WECOM_CORP_ID: CORP.corpId,
      WECOM_AGENT_ID: String(CORP.agentId),
      WECOM_SECRET: CORP.secret,
      WECOM_TOKEN: CORP.token,
      WECOM_ENCODING_AES_KEY: CORP.encodingAesKey,
      WECOM_API_BASE: await fake.start(),
      WECOM_DAILY_QUOTA: String(appQuota),
    });
    services = await buildServices(config, createLogger({ level: "silent" }), clock);
    await loadDemo(services.db, clock);
    const held = await wecomIds(services.db.manager);
    people = (await services.db.manager.find(Person, { where: { active: true }, order: { id: "ASC" } })).filter((p) => p.roles.includes("village_cadre") && held.has(p.id)).slice(0, 4);
    for (const p of people) fake.addUser({ userid: held.get(p.id) as string, name: p.name, department: [1] });
  };
  const stop = async () => {
    await services.close();
    await fake.stop();
    await dropTestDatabase(config);
  };
  const callFour = async () => {
    const officer = await services.db.manager.findOneByOrFail(Person, { name: "赵磊" });
    const c = await services.callouts.create(officer, { title: "配额测试", text: "请回复收到。", warningType: "rainstorm", level: "red", requiresReport: false, rules: [], personIds: people.map((p) => p.id), remindEveryMinutes: 5, maxReminders: 2 });
    await services.callouts.send(officer, c.id);
    await services.outboxWorker.drainOnce(clock.now());
    return c.id;
  };

  it("keeps cards past the quota for the next day, never sending them over it", async () => {
    await start(3, 3);
    try {
      const id = await callFour();
      const sends = fake.calls("message/send");
      expect(sends.map((q) => q.errcode)).toEqual([0]);
      expect(fake.messages[0]?.delivered).toHaveLength(3);
      const waiting = (await services.outbox.deliveriesOfSource(`callout:${id}`)).filter((d) => d.status === "pending");
      expect(waiting).toHaveLength(1);
      // Midnight in Shanghai, when the quota starts again.
      expect(waiting[0]?.nextAttemptAt.toISOString()).toBe("2026-11-26T16:00:00.000Z");
    } finally {
      await stop();
    }
  });

  it("retries a call the platform refused for its quota instead of failing the cards", async () => {
    await start(200_000, 3);
    try {
      const id = await callFour();
      expect(fake.calls("message/send").map((q) => q.errcode)).toEqual([45009]);
      const cards = await services.outbox.deliveriesOfSource(`callout:${id}`);
      expect(cards.map((d) => d.status)).toEqual(["pending", "pending", "pending", "pending"]);
      expect(cards.map((d) => d.errorCode)).toEqual(["wecom_45009", "wecom_45009", "wecom_45009", "wecom_45009"]);
    } finally {
      await stop();
    }
  });
});
