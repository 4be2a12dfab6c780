import { ManualClock } from "../../src/clock";
import { DingtalkCrypto } from "../../src/channels/dingtalk/crypto";
import { InboundEventRow } from "../../src/db/entities/InboundEventRow";
import { deliverCardClick, deliverEvent, deliverRobotMessage, robotMediaBody, robotTextBody } from "../fakes/fakeDingtalk";
import { backend } from "../support/backend";
import { DING, type DingtalkApp, startDingtalkApp } from "../support/dingtalkApp";

describe(`DingTalk callbacks (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let app: DingtalkApp;
  const crypto = new DingtalkCrypto({ token: DING.token, aesKey: DING.aesKey, appKey: DING.appKey });

  beforeAll(async () => {
    app = await startDingtalkApp(clock);
  });
  afterAll(() => app.close());

  const stored = () => app.services.db.manager.find(InboundEventRow, { where: { channel: "dingtalk" }, order: { id: "ASC" } });

  /** The answer DingTalk checks: `success`, sealed for our app key and signed with our token. */
  function expectSuccessReply(json: unknown): void {
    const reply = json as { msg_signature: string; timeStamp: string; nonce: string; encrypt: string };
    expect(crypto.verify(reply.msg_signature, reply.timeStamp, reply.nonce, reply.encrypt)).toBe(true);
    expect(crypto.decrypt(reply.encrypt)).toBe("success");
  }

  it("answers check_url with the encrypted success, under either spelling of the query", async () => {
    for (const spelling of ["signature", "msg_signature"] as const) {
      const answer = await deliverEvent(app.callbackApp, { EventType: "check_url" }, clock.now().getTime(), spelling);
      expect(answer.status).toBe(200);
      expectSuccessReply(answer.json);
    }
    expect(await stored()).toEqual([]);
  });

  it("stores an address-book event once per user as a contact change, though it is delivered twice", async () => {
    const payload = { EventType: "user_add_org", TimeStamp: String(clock.now().getTime()), UserId: ["ding-wang", "ding-zhao"], CorpId: "dingcorp" };
    for (let i = 0; i < 2; i++) expectSuccessReply((await deliverEvent(app.callbackApp, payload, clock.now().getTime())).json);
    const leave = await deliverEvent(app.callbackApp, { EventType: "user_leave_org", TimeStamp: String(clock.now().getTime()), UserId: ["ding-zhao"] }, clock.now().getTime());
    expectSuccessReply(leave.json);
    const rows = await stored();
    expect(rows.map((r) => [r.kind, JSON.parse(r.payload).change, JSON.parse(r.payload).userId])).toEqual([
      ["contact_change", "create_user", "ding-wang"],
      ["contact_change", "create_user", "ding-zhao"],
      ["contact_change", "delete_user", "ding-zhao"],
    ]);
  });

  it("answers success to an event it does not handle yet, storing nothing", async () => {
    const before = (await stored()).length;
    const answer = await deliverEvent(app.callbackApp, { EventType: "bpms_instance_change", processInstanceId: "p1" }, clock.now().getTime());
    expectSuccessReply(answer.json);
    expect(await stored()).toHaveLength(before);
  });

  it("refuses a forged, a stale and a wrongly addressed event", async () => {
    const now = clock.now().getTime();
    const forged = { ...app.callbackApp, token: "NotOurToken" };
    expect((await deliverEvent(forged, { EventType: "user_add_org", UserId: ["x"] }, now)).status).toBe(401);
    expect((await deliverEvent(app.callbackApp, { EventType: "user_add_org", UserId: ["x"] }, now - 2 * 3_600_000)).status).toBe(401);
    const otherApp = { ...app.callbackApp, appKey: "dingsomeoneelse" };
    expect((await deliverEvent(otherApp, { EventType: "user_add_org", UserId: ["x"] }, now)).status).toBe(401);
  });

  it("takes a signed robot text into the inbox from its staff id, and refuses a wrong or stale sign", async () => {
    const now = clock.now().getTime();
    const body = robotTextBody({ senderStaffId: "ding-zhang", content: " 帮助", msgId: "msgRobotA1" }, app.callbackApp, now);
    expect((await deliverRobotMessage(app.callbackApp, body, now, { secret: "wrong-secret" })).status).toBe(401);
    expect((await deliverRobotMessage(app.callbackApp, body, now - 2 * 3_600_000)).status).toBe(401);
    expect((await stored()).filter((r) => r.kind === "text")).toEqual([]);

    expect((await deliverRobotMessage(app.callbackApp, body, now)).status).toBe(200);
    const texts = (await stored()).filter((r) => r.kind === "text");
    expect(texts.map((r) => [r.eventKey, r.senderId, JSON.parse(r.payload).text])).toEqual([["robot:msgRobotA1", "ding-zhang", "帮助"]]);
  });

  it("stores department events as unit changes, one per department", async () => {
    const before = (await stored()).length;
    const payload = { EventType: "org_dept_create", TimeStamp: String(clock.now().getTime()), DeptId: [501, 502], CorpId: "dingcorp" };
    expectSuccessReply((await deliverEvent(app.callbackApp, payload, clock.now().getTime(), "msg_signature")).json);
    expectSuccessReply((await deliverEvent(app.callbackApp, { EventType: "org_dept_remove", DeptId: [502] }, clock.now().getTime())).json);
    const rows = (await stored()).slice(before);
    expect(rows.map((r) => [JSON.parse(r.payload).change, JSON.parse(r.payload).departmentId])).toEqual([
      ["create_party", "501"],
      ["create_party", "502"],
      ["delete_party", "502"],
    ]);
  });

  it("takes pictures, voice notes and files into the inbox by their download codes, and refuses a mangled code", async () => {
    const now = clock.now().getTime();
    const before = (await stored()).length;
    for (const [msgtype, msgId] of [["picture", "msgPic1"], ["audio", "msgVoice1"], ["file", "msgFile1"]] as const) {
      const body = robotMediaBody({ msgtype, downloadCode: `code-${msgId}`, senderStaffId: "ding-zhang", msgId, fileName: "现场.jpg" }, app.callbackApp, now);
      expect((await deliverRobotMessage(app.callbackApp, body, now)).status).toBe(200);
    }
    const bad = robotMediaBody({ msgtype: "picture", downloadCode: "../../etc/passwd\n", senderStaffId: "ding-zhang", msgId: "msgPicBad" }, app.callbackApp, now);
    expect((await deliverRobotMessage(app.callbackApp, bad, now)).status).toBe(400);
    const rows = (await stored()).slice(before);
    expect(rows.map((r) => [r.kind, JSON.parse(r.payload).mediaId])).toEqual([
      ["image", "code-msgPic1"],
      ["voice", "code-msgVoice1"],
      ["file", "code-msgFile1"],
    ]);
  });

  it("takes a card click from the registered URL as a card_click once, and refuses a click without the URL's key", async () => {
    const before = (await stored()).length;
    const click = { bizId: "co7-12-0a1b2c3d", userId: "ding-zhang", actionId: "ack" };
    expect((await deliverCardClick(app.callbackApp, click, { key: "0".repeat(32) })).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await deliverCardClick(app.callbackApp, click)).status).toBe(200);
    const rows = (await stored()).slice(before);
    expect(rows.map((r) => [r.kind, r.senderId, JSON.parse(r.payload).taskId, JSON.parse(r.payload).buttonKey])).toEqual([["card_click", "ding-zhang", "co7-12-0a1b2c3d", "ack"]]);
  });

  it("answers 503 with the Chinese reason and a stable code while the database cannot store a message, so DingTalk delivers it again", async () => {
    // The driver's error quotes the insert; none of it may reach the answer.
    const outage = jest.spyOn(app.services.inbox, "accept").mockRejectedValue(Object.assign(new Error("connect ECONNREFUSED: INSERT INTO inbound_events 帮助"), { code: "ECONNREFUSED" }));
    try {
      const now = clock.now().getTime();
      const answers = [
        await deliverRobotMessage(app.callbackApp, robotTextBody({ senderStaffId: "ding-zhang", content: "帮助", msgId: "msgOutage1" }, app.callbackApp, now), now),
        await deliverEvent(app.callbackApp, { EventType: "user_add_org", TimeStamp: String(now), UserId: ["ding-outage"] }, now),
        await deliverCardClick(app.callbackApp, { bizId: "co7-13-0a1b2c3d", userId: "ding-zhang", actionId: "ack" }),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(answer.json).toMatchObject({ code: "dingtalk_store_unavailable", message: "暂时无法保存钉钉消息，请稍后重试" });
        expect(JSON.stringify(answer.json)).not.toContain("INSERT");
      }
    } finally {
      outage.mockRestore();
    }
  });
});
