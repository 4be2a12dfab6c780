import { setTimeout as sleep } from "node:timers/promises";
import { ManualClock } from "../../src/clock";
import { OrgUnit, Person } from "../../src/db/entities";
import { deliverRobotMessage, robotTextBody } from "../fakes/fakeDingtalk";
import { setAccountOf } from "../support/accounts";
import { backend } from "../support/backend";
import { type DingtalkApp, startDingtalkApp } from "../support/dingtalkApp";

const ASYNCSEND = "topapi/message/corpconversation/asyncsend_v2";

describe(`DingTalk end to end (${backend()})`, () => {
  // 10:00 in Shanghai, inside working hours.
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let app: DingtalkApp;

  beforeAll(async () => {
    app = await startDingtalkApp(clock);
    const m = app.services.db.manager;
    const now = clock.now();
    const unit = await m.save(OrgUnit, { code: "AJJ", name: "县应急管理局", kind: "bureau", parentId: null, path: "/", createdAt: now, updatedAt: now });
    const zhang = await m.save(Person, { name: "张伟", mobile: "13800010001", unitId: unit.id, roles: ["inspector"], superiorId: null, preferredChannel: null, active: true, createdAt: now, updatedAt: now });
    // Found only through person_accounts: the DingTalk userid is the robot message's senderStaffId.
    await setAccountOf(m, zhang, "dingtalk", "ding-zhang", now);
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

  it("answers 帮助 from the robot chat exactly once, as a work notification, though delivered 3 times and throttled once", async () => {
    const now = clock.now().getTime();
    const body = robotTextBody({ senderStaffId: "ding-zhang", content: "帮助", msgId: "msgE2E0001" }, app.callbackApp, now);
    // DingTalk may deliver the same message again; it is handled once.
    for (let i = 0; i < 3; i++) expect((await deliverRobotMessage(app.callbackApp, body, now)).status).toBe(200);
    await waitForReply("reply:dingtalk:robot:msgE2E0001:0");

    app.fake.failNext(ASYNCSEND, { errcode: 143103, errmsg: "超过应用QPM限制" });
    await sendEverything();
    expect(app.fake.textsTo("ding-zhang")).toEqual([expect.stringContaining("张伟，您好！请选择要办理的事项")]);
    expect(app.fake.notices[0]?.userIds).toEqual(["ding-zhang"]);
    expect(app.fake.callsOf(ASYNCSEND).map((c) => c.errcode)).toEqual([143103, 0]);
  });

  it("fetches a new token once after the platform expired it, and still answers", async () => {

    app.fake.expireTokens();
    const now = clock.now().getTime();
    const again = robotTextBody({ senderStaffId: "ding-zhang", content: "帮助", msgId: "msgE2E0002" }, app.callbackApp, now);
    expect((await deliverRobotMessage(app.callbackApp, again, now)).status).toBe(200);
    await waitForReply("reply:dingtalk:robot:msgE2E0002:0");
    await sendEverything();
    expect(app.fake.textsTo("ding-zhang")).toHaveLength(2);
    // One token for the whole run until the platform refused it, then exactly one more.
    expect(app.fake.callsOf("gettoken")).toHaveLength(2);
    expect(app.fake.callsOf(ASYNCSEND).map((c) => c.errcode)).toEqual([143103, 0, 42001, 0]);
  });
});
