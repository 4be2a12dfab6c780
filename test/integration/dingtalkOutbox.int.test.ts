import { setTimeout as sleep } from "node:timers/promises";
import { RobotSessions } from "../../src/channels/dingtalk/sessions";
import { ManualClock } from "../../src/clock";
import { backend } from "../support/backend";
import { type DingtalkApp, startDingtalkApp } from "../support/dingtalkApp";

const ROBOT_SEND = "v1.0/robot/oToMessages/batchSend";
const ASYNCSEND = "topapi/message/corpconversation/asyncsend_v2";
/** DingTalk's answer to a v1.0 call over the app's QPS (PROTOCOLS §3.8). */
const QPS_LIMIT = { errcode: 0, status: 403, code: "Forbidden.AccessDenied.QpsLimitForApi", errmsg: "调用频率超限" };

/**
 * One outbox batch to DingTalk takes several platform calls (robot sends of 20, session replies, a
 * work notification). When one of them is throttled or the process dies between them, only the
 * people not yet reached get the message again: nobody receives it twice.
 */
describe(`DingTalk: a batch retried is never sent twice (${backend()})`, () => {
  // 10:00 in Shanghai, inside working hours.
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let app: DingtalkApp;
  let seq = 0;

  beforeEach(async () => {
    app = await startDingtalkApp(clock);
  });
  afterEach(() => app.close());

  /** `n` people who have written to the robot, so the robot chat is where they get messages. */
  async function robotUsers(n: number): Promise<string[]> {
    const sessions = new RobotSessions(app.services.kv);
    const users = Array.from({ length: n }, (_, i) => `ding-r${++seq}-${i}`);
    for (const u of users) await sessions.remember(u, null, clock.now().getTime());
    return users;
  }

  async function notify(key: string, text: string, userIds: string[]): Promise<number> {
    const { message } = await app.services.db.manager.transaction((tx) =>
      app.services.outbox.enqueue(tx, { idempotencyKey: key, lane: "reply", message: { kind: "text", text }, recipients: userIds.map((userId) => ({ channel: "dingtalk", userId })) }),
    );
    return message.id;
  }

  async function sendEverything(): Promise<void> {
    for (let round = 0; round < 4; round++) {
      await app.services.outboxWorker.drainOnce(clock.now());
      clock.advance(5 * 60_000);
    }
  }

  const statuses = async (messageId: number) => (await app.services.outbox.deliveriesOfMessage(messageId)).map((d) => d.status);
  /** How many copies of `text` each person got, anywhere in their DingTalk. */
  const copies = (users: string[], text: string) => users.map((u) => app.fake.chatOf(u).filter((item) => item.text.includes(text)).length);

  it("retries only the people of the throttled second robot call of 20", async () => {
    const users = await robotUsers(45);
    app.fake.failNext(ROBOT_SEND, QPS_LIMIT, 1, 1);
    const id = await notify("batch:throttled", "今晚 8 时起全县开展燃气安全检查。", users);

    await app.services.outboxWorker.drainOnce(clock.now());
    // The first 20 are recorded as sent; the other 25 wait for the retry.
    const after = await statuses(id);
    expect(after.filter((s) => s === "sent")).toHaveLength(20);
    expect(after.filter((s) => s === "pending")).toHaveLength(25);

    await sendEverything();
    expect(copies(users, "今晚 8 时起全县开展燃气安全检查。")).toEqual(users.map(() => 1));
    expect(app.fake.callsOf(ROBOT_SEND).map((c) => c.errcode)).toEqual([0, 403, 0, 0]);
    expect(new Set(await statuses(id))).toEqual(new Set(["sent"]));
  });

  it("retries only the people the robot flow-controlled, not the rest of their call", async () => {
    const users = await robotUsers(12);
    app.fake.flowControlOnce(users.slice(3, 6));
    const id = await notify("batch:flow", "请各村于明日 9 时前上报防汛物资清单。", users);
    await sendEverything();
    expect(copies(users, "请各村于明日 9 时前上报防汛物资清单。")).toEqual(users.map(() => 1));
    expect(app.fake.callsOf(ROBOT_SEND)).toHaveLength(2);
    expect(new Set(await statuses(id))).toEqual(new Set(["sent"]));
  });

  it("keeps session replies and robot sends when the work notification of the same batch hits the QPM limit", async () => {
    const robot = await robotUsers(3);
    const talking = `ding-s${++seq}`;
    await new RobotSessions(app.services.kv).remember(talking, app.fake.sessionWebhook(talking), clock.now().getTime());
    const others = ["ding-n1", "ding-n2"];
    app.fake.failNext(ASYNCSEND, { errcode: 143103, errmsg: "超过应用QPM限制" });
    await notify("batch:mixed", "明日有大风，请检查在建工地塔吊。", [talking, ...robot, ...others]);
    await sendEverything();
    expect(copies([talking, ...robot, ...others], "明日有大风，请检查在建工地塔吊。")).toEqual([1, 1, 1, 1, 1, 1]);
    expect(app.fake.callsOf(ASYNCSEND).map((c) => c.errcode)).toEqual([143103, 0]);
    expect(app.fake.callsOf(ROBOT_SEND)).toHaveLength(1);
  });

  it("after a crash between robot calls, the instance that takes over sends only to those not yet reached", async () => {
    const users = await robotUsers(45);
    app.fake.hangNext(ROBOT_SEND, 1);
    // The first call goes through; the second hangs with the worker inside it, as if its process died there.
    const id = await notify("batch:crash", "叫应：请确认已收到寒潮预警。", users);
    const dying = app.services.outboxWorker.drainOnce(clock.now());
    const held = async () => {
      for (let i = 0; i < 200; i++) {
        if ((await statuses(id)).filter((s) => s === "sent").length === 20) return;
        await sleep(10);
      }
      throw new Error("the first robot call was not recorded");
    };
    try {
      await held();
      // Durable already: the 20 reached are `sent` in the outbox while the second call is in the air.
      expect((await statuses(id)).filter((s) => s === "sending")).toHaveLength(25);
      // The lease runs out; the next drain (any instance) takes over the 25 left.
      clock.advance(2 * 60_000);
      await app.services.outboxWorker.drainOnce(clock.now());
    } finally {
      // The held call then fails; the dead worker's late answer changes nothing.
      app.fake.releaseHung();
      await dying;
    }
    await sendEverything();
    expect(copies(users, "叫应：请确认已收到寒潮预警。")).toEqual(users.map(() => 1));
    expect(new Set(await statuses(id))).toEqual(new Set(["sent"]));
  });
});
