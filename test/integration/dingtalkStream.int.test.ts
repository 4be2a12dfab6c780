import { setTimeout as sleep } from "node:timers/promises";
import { DingtalkApi } from "../../src/channels/dingtalk/api";
import { DingtalkCards } from "../../src/channels/dingtalk/cards";
import { RobotSessions } from "../../src/channels/dingtalk/sessions";
import { DingtalkStream, type StreamTimings } from "../../src/channels/dingtalk/stream";
import { ManualClock } from "../../src/clock";
import { InboundEventRow } from "../../src/db/entities/InboundEventRow";
import { OrgUnit, Person } from "../../src/db/entities";
import { createLogger } from "../../src/log";
import { robotTextBody } from "../fakes/fakeDingtalk";
import { setAccountOf } from "../support/accounts";
import { backend } from "../support/backend";
import { DING, type DingtalkApp, startDingtalkApp } from "../support/dingtalkApp";

/** Polls real time for something the socket does on its own schedule (connects, acks, reconnects). */
async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 8_000): Promise<void> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(20)) if (await ok()) return;
  throw new Error(`timed out waiting until ${what}`);
}

describe(`DingTalk Stream mode against a local gateway (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let app: DingtalkApp;
  const stored = () => app.services.db.manager.find(InboundEventRow, { where: { channel: "dingtalk" }, order: { id: "ASC" } });

  beforeAll(async () => {
    app = await startDingtalkApp(clock, { DINGTALK_MODE: "stream" });
    const m = app.services.db.manager;
    const now = clock.now();
    const unit = await m.save(OrgUnit, { code: "AJJ", name: "县应急管理局", kind: "bureau", parentId: null, path: "/", createdAt: now, updatedAt: now });
    const zhang = await m.save(Person, { name: "张伟", mobile: "13800010001", unitId: unit.id, roles: ["inspector"], superiorId: null, preferredChannel: null, active: true, createdAt: now, updatedAt: now });
    await setAccountOf(m, zhang, "dingtalk", "ding-zhang", now);
  });
  afterAll(() => app.close());

  it("mounts no callback routes: nothing reaches the app from outside", async () => {
    const res = await fetch(`${app.callbackApp.url}/dingtalk/robot`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(404);
  });

  it("stores a robot message before acknowledging it, handles a redelivery once, and answers through the session webhook", async () => {
    const connection = app.services.connectChannels();
    try {
      await until("the app holds a connection", () => app.fake.stream.openConnections === 1);
      const body = robotTextBody({ senderStaffId: "ding-zhang", content: "帮助", msgId: "msgStream1", session: app.fake.sessionWebhook("ding-zhang") }, app.callbackApp, clock.now().getTime());
      const first = app.fake.stream.robotMessage(body);
      const again = app.fake.stream.robotMessage(body);
      await until("both frames are acknowledged", () => Boolean(app.fake.stream.ackOf(first) && app.fake.stream.ackOf(again)));
      expect(app.fake.stream.ackOf(first)?.code).toBe(200);
      expect((await stored()).map((r) => r.eventKey)).toEqual(["robot:msgStream1"]);

      await until("the reply is queued", async () => (await app.services.outbox.messageByKey("reply:dingtalk:robot:msgStream1:0")) !== null);
      await app.services.outboxWorker.drainOnce(clock.now());
      expect(app.fake.robotMessages.map((r) => [r.userId, r.via])).toEqual([["ding-zhang", "session"]]);
      expect(app.fake.robotTextsTo("ding-zhang")[0]).toContain("张伟，您好！请选择要办理的事项");

      // An address-book event: stored, then acknowledged SUCCESS.
      const event = app.fake.stream.event("user_leave_org", { UserId: ["ding-gone"] });
      await until("the event is acknowledged", () => Boolean(app.fake.stream.ackOf(event)));
      expect(app.fake.stream.ackOf(event)?.data).toEqual({ status: "SUCCESS" });
      expect((await stored()).map((r) => r.kind)).toEqual(["text", "contact_change"]);

      // DingTalk's ping is echoed on the same socket.
      const ping = app.fake.stream.ping();
      await until("the ping is echoed", () => Boolean(app.fake.stream.ackOf(ping)));

      // DingTalk says disconnect: the app comes back with a fresh ticket, never the used one.
      app.fake.stream.disconnect();
      await until("the app reconnected", () => app.fake.stream.connections === 2 && app.fake.stream.openConnections === 1);
      expect(app.fake.stream.refused).toBe(0);
    } finally {
      await connection.stop();
    }
  }, 30_000);

  function stream(timings: Partial<StreamTimings>): DingtalkStream {
    const { kv } = app.services;
    const api = new DingtalkApi({ appKey: DING.appKey, appSecret: DING.appSecret, apiBase: app.fake.url, oapiBase: app.fake.url, kv });
    return new DingtalkStream({
      appKey: DING.appKey,
      appSecret: DING.appSecret,
      apiBase: app.fake.url,
      sink: app.services.inbox,
      kv,
      clock,
      log: createLogger({ level: "silent" }),
      sessions: new RobotSessions(kv),
      cards: new DingtalkCards({ api, kv, robotCode: DING.appKey, appSecret: DING.appSecret }),
      buttonLabel: () => "已确认",
      timings,
    });
  }

  it("reconnects with a new ticket when the connection goes quiet", async () => {
    const watched = stream({ quietMs: 60_000, leaseMs: 5_000 });
    try {
      const before = app.fake.stream.connections;
      await watched.tick();
      await until("connected", () => app.fake.stream.connections === before + 1 && app.fake.stream.openConnections === 1);
      await watched.tick();
      expect(app.fake.stream.connections).toBe(before + 1);
      clock.advance(61_000);
      await watched.tick();
      await until("reconnected", () => app.fake.stream.connections === before + 2 && app.fake.stream.openConnections === 1);
    } finally {
      await watched.stop();
    }
  }, 30_000);

  it("lets one instance of the fleet hold the connection, and another take over when it stops renewing", async () => {
    const a = stream({ leaseMs: 600 });
    const b = stream({ leaseMs: 600 });
    try {
      await a.tick();
      await b.tick();
      expect([a.holding, b.holding]).toEqual([true, false]);
      await until("a is connected", () => app.fake.stream.openConnections === 1);
      // a dies without a word: no more renewals. Once its lease runs out, b takes over.
      await sleep(700);
      await b.tick();
      expect(b.holding).toBe(true);
      // a wakes up, finds its lease gone and lets go.
      await a.tick();
      expect(a.holding).toBe(false);
      await until("only b is connected", () => app.fake.stream.openConnections === 1);
    } finally {
      await a.stop();
      await b.stop();
    }
  }, 30_000);
});
