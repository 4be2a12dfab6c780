import { setTimeout as sleep } from "node:timers/promises";
import { ManualClock } from "../../src/clock";
import { OrgUnit, Person } from "../../src/db/entities";
import { deliverRobotMessage, robotMediaBody, robotTextBody } from "../fakes/fakeDingtalk";
import { JPEG } from "../support/botHarness";
import { tinyPdf } from "../support/consoleApp";
import { setAccountOf } from "../support/accounts";
import { backend } from "../support/backend";
import { type DingtalkApp, startDingtalkApp } from "../support/dingtalkApp";

const ASYNCSEND = "topapi/message/corpconversation/asyncsend_v2";
const ROBOT_SEND = "v1.0/robot/oToMessages/batchSend";

describe(`DingTalk end to end (${backend()})`, () => {
  // 10:00 in Shanghai, inside working hours.
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let app: DingtalkApp;

  beforeAll(async () => {
    app = await startDingtalkApp(clock);
    const m = app.services.db.manager;
    const now = clock.now();
    const unit = await m.save(OrgUnit, { code: "AJJ", name: "县应急管理局", kind: "bureau", parentId: null, path: "/", createdAt: now, updatedAt: now });
    const person = (name: string, mobile: string) =>
      m.save(Person, { name, mobile, unitId: unit.id, roles: ["inspector"], superiorId: null, preferredChannel: null, active: true, createdAt: now, updatedAt: now });
    // Found only through person_accounts: the DingTalk userid is the robot message's senderStaffId.
    await setAccountOf(m, await person("张伟", "13800010001"), "dingtalk", "ding-zhang", now);
    await setAccountOf(m, await person("李娜", "13800010002"), "dingtalk", "ding-li", now);
    await setAccountOf(m, await person("王强", "13800010003"), "dingtalk", "ding-wang", now);
  });
  afterAll(() => app.close());

  async function sendEverything(): Promise<void> {
    for (let round = 0; round < 6; round++) {
      await app.services.outboxWorker.drainOnce(clock.now());
      clock.advance(10 * 60_000);
    }
  }

  async function waitForReply(key: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (await app.services.outbox.messageByKey(key)) return;
      await sleep(50);
    }
    throw new Error(`no reply queued under ${key}`);
  }

  it("answers 帮助 once through the chat's session webhook, though DingTalk delivered it 3 times", async () => {
    const now = clock.now().getTime();
    const session = app.fake.sessionWebhook("ding-zhang", 90 * 60_000);
    const body = robotTextBody({ senderStaffId: "ding-zhang", content: "帮助", msgId: "msgE2E0001", session }, app.callbackApp, now);
    for (let i = 0; i < 3; i++) expect((await deliverRobotMessage(app.callbackApp, body, now)).status).toBe(200);
    await waitForReply("reply:dingtalk:robot:msgE2E0001:0");
    await sendEverything();
    expect(app.fake.robotMessages.map((r) => [r.userId, r.via])).toEqual([["ding-zhang", "session"]]);
    expect(app.fake.robotTextsTo("ding-zhang")).toEqual([expect.stringContaining("张伟，您好！请选择要办理的事项")]);
    expect(app.fake.notices).toEqual([]);
  });

  it("replies through the robot's one-to-one API once the session has expired, with a fresh v1.0 token after one was refused", async () => {
    const now = clock.now().getTime();
    const session = app.fake.sessionWebhook("ding-zhang", 5 * 60_000);
    const body = robotTextBody({ senderStaffId: "ding-zhang", content: "帮助", msgId: "msgE2E0002", session }, app.callbackApp, now);
    expect((await deliverRobotMessage(app.callbackApp, body, now)).status).toBe(200);
    await waitForReply("reply:dingtalk:robot:msgE2E0002:0");
    // The session lapses before the outbox gets to the reply.
    clock.advance(10 * 60_000);
    await sendEverything();
    const latest = app.fake.robotMessages.at(-1);
    expect(latest).toMatchObject({ userId: "ding-zhang", via: "robot" });
    expect(latest?.text).toContain("请选择要办理的事项");

    app.fake.expireTokens();
    const later = robotTextBody({ senderStaffId: "ding-zhang", content: "帮助", msgId: "msgE2E0003" }, app.callbackApp, clock.now().getTime());
    expect((await deliverRobotMessage(app.callbackApp, later, clock.now().getTime())).status).toBe(200);
    await waitForReply("reply:dingtalk:robot:msgE2E0003:0");
    await sendEverything();
    expect(app.fake.robotMessages.map((r) => r.via)).toEqual(["session", "robot", "robot"]);
    expect(app.fake.callsOf(ROBOT_SEND).map((c) => c.errcode)).toEqual([0, 401, 0]);
    expect(app.fake.callsOf("v1.0/oauth2/accessToken")).toHaveLength(2);
  });

  it("fetches a photo sent to the robot by its download code and starts the hazard report with it", async () => {
    const now = clock.now().getTime();
    const downloadCode = app.fake.addFile(JPEG, "image/jpeg");
    const session = app.fake.sessionWebhook("ding-zhang");
    const body = robotMediaBody({ msgtype: "picture", downloadCode, senderStaffId: "ding-zhang", msgId: "msgE2EPhoto", session }, app.callbackApp, now);
    expect((await deliverRobotMessage(app.callbackApp, body, now)).status).toBe(200);
    await waitForReply("reply:dingtalk:robot:msgE2EPhoto:0");
    await sendEverything();
    const seen = app.fake.chatOf("ding-zhang").map((item) => item.text);
    expect(seen.filter((t) => t.includes("已收到照片"))).toHaveLength(1);
    // The next question is a card with buttons in the robot chat.
    expect(app.fake.cardsTo("ding-zhang").at(-1)?.buttons.length).toBeGreaterThan(0);
    expect(app.fake.callsOf("v1.0/robot/messageFiles/download").map((c) => c.errcode)).toEqual([0]);
  });

  it("takes a photo sent as a file as a photo, and answers a PDF no step asks for in plain words", async () => {
    const session = app.fake.sessionWebhook("ding-zhang");
    const asFile = (msgId: string, bytes: Buffer, type: string, fileName: string) => {
      const now = clock.now().getTime();
      return deliverRobotMessage(app.callbackApp, robotMediaBody({ msgtype: "file", downloadCode: app.fake.addFile(bytes, type), fileName, senderStaffId: "ding-zhang", msgId, session }, app.callbackApp, now), now);
    };
    const said = () => app.fake.chatOf("ding-zhang").map((item) => item.text);
    // The earlier 随手拍 has timed out: its notice goes with the next message, so that one is a text.
    const now = clock.now().getTime();
    await deliverRobotMessage(app.callbackApp, robotTextBody({ senderStaffId: "ding-zhang", content: "帮助", msgId: "msgE2EHelp", session }, app.callbackApp, now), now);
    await waitForReply("reply:dingtalk:robot:msgE2EHelp:0");
    await sendEverything();
    const before = said().length;
    // Out of the blue, a desktop photo sent "as a file" starts 随手拍 as a photo does.
    expect((await asFile("msgE2EPhotoFile", JPEG, "image/jpeg", "IMG_0001.jpg")).status).toBe(200);
    await waitForReply("reply:dingtalk:robot:msgE2EPhotoFile:0");
    // Sent without letting the clock run past the question's 30 minutes.
    await app.services.outboxWorker.drainOnce(clock.now());
    clock.advance(5_000);
    const took = said().slice(before).join("\n");
    expect(took).toContain("随手拍");
    expect(took).toContain("已收到照片");
    const mark = said().length;
    expect((await asFile("msgE2EPdf", tinyPdf(), "application/pdf", "检测报告.pdf")).status).toBe(200);
    await waitForReply("reply:dingtalk:robot:msgE2EPdf:0");
    await app.services.outboxWorker.drainOnce(clock.now());
    const answer = said().slice(mark).join("\n");
    expect(answer).toContain("不需要文件");
    expect(answer).not.toMatch(/application\/|image\/|text\//);
  });

  async function notify(key: string, text: string, userIds: string[]): Promise<void> {
    await app.services.db.manager.transaction((tx) =>
      app.services.outbox.enqueue(tx, { idempotencyKey: key, lane: "reply", message: { kind: "text", text }, recipients: userIds.map((userId) => ({ channel: "dingtalk", userId })) }),
    );
  }

  it("sends people who never wrote to the robot a work notification, retrying a QPM refusal and an expired token", async () => {
    app.fake.failNext(ASYNCSEND, { errcode: 143103, errmsg: "超过应用QPM限制" });
    await notify("notice:1", "明日有大风，请检查在建工地塔吊。", ["ding-li", "ding-wang"]);
    await sendEverything();
    app.fake.expireTokens();
    await notify("notice:2", "请于今日 17 时前上报巡查情况。", ["ding-li"]);
    await sendEverything();
    expect(app.fake.textsTo("ding-li")).toEqual(["明日有大风，请检查在建工地塔吊。", "请于今日 17 时前上报巡查情况。"]);
    expect(app.fake.textsTo("ding-wang")).toEqual(["明日有大风，请检查在建工地塔吊。"]);
    expect(app.fake.callsOf(ASYNCSEND).map((c) => c.errcode)).toEqual([143103, 0, 42001, 0]);
  });

  it("varies a repeated notice, and marks notices the platform accepted but did not deliver (daily cap) as failed", async () => {
    // As if the platform's per-person daily cap were 2 (it is 500): 李娜 has had 2 notices today, 王强 1.
    app.fake.noticesPerUserPerDay = 2;
    await notify("notice:3", "明日有大风，请检查在建工地塔吊。", ["ding-li", "ding-wang"]);
    await notify("notice:4", "今晚有暴雨，请注意防汛。", ["ding-wang"]);
    await sendEverything();
    // The same words to the same person on the same day would be dropped: the repeat says when it was sent.
    expect(app.fake.textsTo("ding-wang")).toEqual(["明日有大风，请检查在建工地塔吊。", expect.stringMatching(/^明日有大风，请检查在建工地塔吊。\n（\d\d:\d\d 再次提醒）$/)]);

    const job = app.services.jobs.find((j) => j.name === "deliveryReconcile");
    const reconcile = () => job?.run(app.services.jobContext);
    expect(await reconcile()).toEqual({ checked: 4, failed: 2 });
    // Asked once: a second run changes nothing and asks nothing.
    const calls = app.fake.callsOf("topapi/message/corpconversation/getsendresult").length;
    expect(await reconcile()).toEqual({ checked: 0, failed: 0 });
    expect(app.fake.callsOf("topapi/message/corpconversation/getsendresult")).toHaveLength(calls);
    const outcome = async (key: string) => {
      const msg = await app.services.outbox.messageByKey(key);
      return (await app.services.outbox.deliveriesOfMessage(msg!.id)).map((d) => [d.recipient, d.status, d.errorCode]).sort();
    };
    expect(await outcome("notice:3")).toEqual([
      ["ding-li", "failed", "dingtalk_flow_limited"],
      ["ding-wang", "sent", null],
    ]);
    expect(await outcome("notice:4")).toEqual([["ding-wang", "failed", "dingtalk_flow_limited"]]);
  });
});
