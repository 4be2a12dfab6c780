import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { createApp } from "../../src/app";
import { ManualClock } from "../../src/clock";
import { Person } from "../../src/db/entities";
import { createLogger } from "../../src/log";
import { buildServices, type Services } from "../../src/services";
import { FakeWecom, textMessageXml } from "../fakes/fakeWecom";
import { backend, dropTestDatabase, testConfig } from "../support/backend";

const CORP = { corpId: "ww5c2f1e8d7a6b3c90", agentId: 1000002, secret: "fake-secret-2026", token: "AnshaoToken2026", encodingAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C" };

describe(`WeChat Work end to end (${backend()})`, () => {
  const fake = new FakeWecom(CORP);
  // 10:00 in Shanghai, inside working hours, so routine notices go out without waiting for morning.
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  // Callbacks carry the platform's timestamp, which must agree with our clock.
  const sealedAt = () => ({ timestamp: Math.floor(clock.now().getTime() / 1000) });
  let services: Services;
  let server: Server;
  let appUrl: string;
  let dropDb: () => Promise<void>;

  beforeAll(async () => {
    const fakeUrl = await fake.start();
    const config = await testConfig({
      WECOM_CORP_ID: CORP.corpId,
      WECOM_AGENT_ID: String(CORP.agentId),
      WECOM_SECRET: CORP.secret,
      WECOM_TOKEN: CORP.token,
      WECOM_ENCODING_AES_KEY: CORP.encodingAesKey,
      WECOM_API_BASE: fakeUrl,
    });
    dropDb = () => dropTestDatabase(config);
    const log = createLogger({ level: "silent" });
    services = await buildServices(config, log, clock);
    // The directory comes from the fake's address book, as it would from the real one.
    await services.jobContext.contactSync!.syncAll();
    await services.db.manager.update(Person, { wecomUserId: "LiNa" }, { roles: ["admin"] });
    server = createApp({ config, log, db: services.db, kv: services.kv, routers: services.routers }).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await services.close();
    await fake.stop();
    await dropDb();
  });

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

  const textsTo = (userid: string) => fake.messages.filter((m) => m.delivered.includes(userid)).map((m) => (m.body.text as { content: string }).content);

  it("answers a known person exactly once, though the callback comes 4 times and the platform says 45009 twice", async () => {
    fake.failNext({ errcode: 45009 }, { times: 2, api: "message/send" });
    const xml = textMessageXml({ corpId: CORP.corpId, agentId: CORP.agentId, from: "ZhangWei", content: "东关村加油站消防通道堵塞", msgId: "7345678901234567001" });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await fake.deliverCallback(appUrl, xml, sealedAt()));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);

    await waitForReply(`reply:wecom:${CORP.agentId}:7345678901234567001`);
    await sendEverything();

    expect(textsTo("ZhangWei")).toEqual([expect.stringContaining("您好，张伟。安哨已收到您的消息。")]);
    expect(fake.calls("message/send")).toHaveLength(3);
  });

  it("tells an unknown sender politely, and the administrator once", async () => {
    // A member of the corp who joined after the last directory sync.
    fake.addUser({ userid: "Stranger", name: "新同事", department: [4] });
    for (const msgId of ["7345678901234567101", "7345678901234567102"]) {
      const xml = textMessageXml({ corpId: CORP.corpId, agentId: CORP.agentId, from: "Stranger", content: "你好", msgId });
      expect((await fake.deliverCallback(appUrl, xml, sealedAt())).status).toBe(200);
      await waitForReply(`reply:wecom:${CORP.agentId}:${msgId}`);
    }
    await sendEverything();

    expect(textsTo("Stranger")).toEqual([expect.stringContaining("尚未登记在安哨人员名单中"), expect.stringContaining("尚未登记在安哨人员名单中")]);
    expect(textsTo("LiNa")).toEqual([expect.stringContaining("账号：Stranger")]);
  });
});
