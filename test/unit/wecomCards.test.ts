import { ChannelError, type Card } from "../../src/channels/channel";
import { callTaskId, cardWarnings, templateCard } from "../../src/channels/wecom/cards";
import { sendPayload } from "../../src/channels/wecom/messages";

const ackCard: Card = {
  taskId: "callout-20261126-0001",
  title: "暴雨红色预警 叫应",
  description: "请立即确认收到，并落实防范措施",
  fields: [
    { label: "预警", value: "暴雨红色" },
    { label: "发布", value: "2026-11-26 20:50" },
  ],
  buttons: [
    { key: "ack", label: "收到", style: 1 },
    { key: "handover", label: "转交", style: 2 },
  ],
  url: "https://anshao.example/callouts/1",
};

function refused(card: Card): ChannelError {
  try {
    templateCard(card);
  } catch (err) {
    expect(err).toBeInstanceOf(ChannelError);
    expect((err as ChannelError).retryable).toBe(false);
    return err as ChannelError;
  }
  throw new Error("expected the card to be refused");
}

describe("Card → template_card", () => {
  it("a card with buttons is a button_interaction card carrying the task id and keys", () => {
    expect(sendPayload(1000002, ["zhangsan"], { kind: "card", card: ackCard })).toEqual({
      touser: "zhangsan",
      agentid: 1000002,
      msgtype: "template_card",
      template_card: {
        card_type: "button_interaction",
        main_title: { title: "暴雨红色预警 叫应" },
        sub_title_text: "请立即确认收到，并落实防范措施",
        horizontal_content_list: [
          { keyname: "预警", value: "暴雨红色" },
          { keyname: "发布", value: "2026-11-26 20:50" },
        ],
        card_action: { type: 1, url: "https://anshao.example/callouts/1" },
        task_id: "callout-20261126-0001",
        button_list: [
          { text: "收到", style: 1, key: "ack" },
          { text: "转交", style: 2, key: "handover" },
        ],
      },
    });
  });

  it("buttons default to style 1; fields and description are optional", () => {
    expect(templateCard({ taskId: "t1", title: "请确认", buttons: [{ key: "ok", label: "确认" }] })).toEqual({
      card_type: "button_interaction",
      main_title: { title: "请确认" },
      task_id: "t1",
      button_list: [{ text: "确认", style: 1, key: "ok" }],
    });
  });

  it("a card without buttons is a text_notice card that opens its URL, without a task id", () => {
    expect(templateCard({ taskId: "n1", title: "本周简报已生成", description: "点击查看", url: "https://anshao.example/d/7" })).toEqual({
      card_type: "text_notice",
      main_title: { title: "本周简报已生成" },
      sub_title_text: "点击查看",
      card_action: { type: 1, url: "https://anshao.example/d/7" },
    });
  });

  it("refuses what the platform would reject", () => {
    expect(refused({ taskId: "n1", title: "无链接通知" }).message).toContain("url");
    expect(refused({ ...ackCard, taskId: "带中文的任务号" }).message).toContain("taskId");
    refused({ ...ackCard, taskId: "a".repeat(129) });
    refused({ ...ackCard, buttons: Array.from({ length: 7 }, (_, i) => ({ key: `k${i}`, label: `按钮${i}` })) });
    refused({ ...ackCard, buttons: [{ key: "same", label: "甲" }, { key: "same", label: "乙" }] });
    refused({ ...ackCard, buttons: [{ key: "k".repeat(1025), label: "甲" }] });
    refused({ ...ackCard, fields: Array.from({ length: 7 }, (_, i) => ({ label: `项${i}`, value: "v" })) });
    refused({ ...ackCard, title: " " });
  });

  it("accepts the longest legal task id and button key", () => {
    expect(() => templateCard({ ...ackCard, taskId: "a-_@".repeat(32), buttons: [{ key: "k".repeat(1024), label: "收到" }] })).not.toThrow();
  });

  it("gives each recipient group of a card a task id of its own, the same one for the same group", () => {
    const id = callTaskId("co12-345", ["lisi", "zhangsan"]);
    expect(id).toMatch(/^co12-345-[0-9a-f]{8}$/);
    expect(callTaskId("co12-345", ["zhangsan", "lisi"])).toBe(id); // order does not matter: a resend repeats it
    expect(callTaskId("co12-345", ["zhangsan"])).not.toBe(id);
    expect(callTaskId("co12-346", ["lisi", "zhangsan"])).not.toBe(id);
    const longest = callTaskId("a-_@".repeat(29) + "abc", ["u1"]);
    expect(Buffer.byteLength(longest)).toBe(128);
    expect(() => templateCard({ ...ackCard, taskId: longest })).not.toThrow();
    expect(() => callTaskId("a".repeat(120), ["u1"])).toThrow("119");
    expect(() => callTaskId("带中文", ["u1"])).toThrow("taskId");
  });

  it("warns (without refusing) about text the client would shorten", () => {
    expect(cardWarnings(ackCard)).toEqual([]);
    const long = { ...ackCard, title: "标".repeat(37), fields: [{ label: "很长的字段名", value: "值" }] };
    expect(() => templateCard(long)).not.toThrow();
    expect(cardWarnings(long)).toEqual([
      "卡片标题有 37 个字，超过建议的 36 个字，显示时会被截断",
      "字段名“很长的字段名”有 6 个字，超过建议的 5 个字，显示时会被截断",
    ]);
  });
});
