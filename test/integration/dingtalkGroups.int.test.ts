import { groupRecipient, type OutboundMessage } from "../../src/channels/channel";
import { RobotSessions } from "../../src/channels/dingtalk/sessions";
import { ManualClock } from "../../src/clock";
import { backend } from "../support/backend";
import { type DingtalkApp, startDingtalkApp } from "../support/dingtalkApp";

const GROUP_SEND = "v1.0/robot/groupMessages/send";

/** A unit's DingTalk group chat (its openConversationId) as an outbox recipient: the robot posts there, 20 a minute at most. */
describe(`DingTalk: robot messages into group chats (${backend()})`, () => {
  // 10:00 in Shanghai, inside working hours.
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let app: DingtalkApp;

  beforeEach(async () => {
    app = await startDingtalkApp(clock);
  });
  afterEach(() => app.close());

  async function post(key: string, message: OutboundMessage, recipients: string[]): Promise<void> {
    await app.services.db.manager.transaction((tx) =>
      app.services.outbox.enqueue(tx, { idempotencyKey: key, lane: "routine", message, recipients: recipients.map((userId) => ({ channel: "dingtalk", userId })) }),
    );
  }

  it("holds the 21st message of a minute back to the next minute instead of getting the robot muted", async () => {
    const leaders = groupRecipient("cidLeadersOfQingheCounty==");
    for (let i = 1; i <= 25; i++) await post(`group:${i}`, { kind: "text", text: `第 ${i} 期安全生产简报已发布` }, [leaders]);
    await app.services.outboxWorker.drainOnce(clock.now());
    expect(app.fake.groupMessages).toHaveLength(20);
    clock.advance(60_000);
    await app.services.outboxWorker.drainOnce(clock.now());
    expect(app.fake.groupMessages.map((m) => m.text).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `第 ${i + 1} 期安全生产简报已发布`).sort());
    expect(new Set(app.fake.groupMessages.map((m) => m.conversationId))).toEqual(new Set(["cidLeadersOfQingheCounty=="]));
    // Never refused: the platform's limit was kept before sending.
    expect(app.fake.callsOf(GROUP_SEND).map((c) => c.errcode)).toEqual(Array.from({ length: 25 }, () => 0));
  });

  it("posts a button card to a group as its text with numbered choices, while each person gets their own interactive card", async () => {
    await new RobotSessions(app.services.kv).remember("ding-zhang", null, clock.now().getTime());
    const card: OutboundMessage = { kind: "card", card: { taskId: "co9-1", title: "暴雨红色预警叫应", description: "请立即组织巡查", buttons: [{ key: "ack", label: "收到" }] } };
    await post("group:card", card, [groupRecipient("cidTownOfQinghe=="), "ding-zhang"]);
    await app.services.outboxWorker.drainOnce(clock.now());
    expect(app.fake.groupMessages).toEqual([expect.objectContaining({ conversationId: "cidTownOfQinghe==", msgKey: "sampleMarkdown", text: expect.stringContaining("1. 收到") })]);
    expect(app.fake.cardsTo("ding-zhang").map((c) => c.buttons.map((b) => b.label))).toEqual([["收到"]]);
  });
});
