import { ChannelError } from "../../src/channels/channel";
import { recallPayload, sendPayload, updateCardPayload } from "../../src/channels/wecom/messages";

const AGENT = 1000002;

/** The Chinese reason a refused message carries. */
function refusal(build: () => unknown): ChannelError {
  try {
    build();
  } catch (err) {
    expect(err).toBeInstanceOf(ChannelError);
    expect((err as ChannelError).retryable).toBe(false);
    expect((err as ChannelError).code).toBe("wecom_invalid_message");
    return err as ChannelError;
  }
  throw new Error("expected the message to be refused");
}

describe("WeChat Work message/send payloads", () => {
  it("text", () => {
    expect(sendPayload(AGENT, ["zhangsan", "lisi"], { kind: "text", text: "今日巡查请于 17:00 前打卡" })).toEqual({
      touser: "zhangsan|lisi",
      agentid: AGENT,
      msgtype: "text",
      text: { content: "今日巡查请于 17:00 前打卡" },
    });
  });

  it("markdown", () => {
    expect(sendPayload(AGENT, ["u1"], { kind: "markdown", markdown: "**隐患** 已交办" })).toEqual({
      touser: "u1",
      agentid: AGENT,
      msgtype: "markdown",
      markdown: { content: "**隐患** 已交办" },
    });
  });

  it("textcard, with and without a button text", () => {
    const card = { kind: "textcard" as const, title: "隐患整改提醒", description: "东关村加油站 整改期限明天到期", url: "https://anshao.example/h/17" };
    expect(sendPayload(AGENT, ["u1"], card)).toEqual({ touser: "u1", agentid: AGENT, msgtype: "textcard", textcard: { title: card.title, description: card.description, url: card.url } });
    expect(sendPayload(AGENT, ["u1"], { ...card, buttonText: "去处理" })).toMatchObject({ textcard: { btntxt: "去处理" } });
  });

  it("news with up to 8 articles", () => {
    const article = { title: "本周安全简报", description: "新增隐患 3 条", url: "https://anshao.example/d/1", picUrl: "https://anshao.example/p.png" };
    expect(sendPayload(AGENT, ["u1"], { kind: "news", articles: [article, { title: "附件", url: "https://anshao.example/d/2" }] })).toEqual({
      touser: "u1",
      agentid: AGENT,
      msgtype: "news",
      news: {
        articles: [
          { title: article.title, description: article.description, url: article.url, picurl: article.picUrl },
          { title: "附件", url: "https://anshao.example/d/2" },
        ],
      },
    });
    refusal(() => sendPayload(AGENT, ["u1"], { kind: "news", articles: Array.from({ length: 9 }, () => article) }));
    refusal(() => sendPayload(AGENT, ["u1"], { kind: "news", articles: [] }));
  });

  it("file, once its media_id is known", () => {
    expect(sendPayload(AGENT, ["u1"], { kind: "file", storageKey: "20261126-0123456789abcdef0123456789abcdef.pdf" }, { mediaId: "m-1" })).toEqual({
      touser: "u1",
      agentid: AGENT,
      msgtype: "file",
      file: { media_id: "m-1" },
    });
    refusal(() => sendPayload(AGENT, ["u1"], { kind: "file", storageKey: "x" }));
  });

  it("adds the duplicate check when asked, capped at 4 hours", () => {
    expect(sendPayload(AGENT, ["u1"], { kind: "text", text: "收到" }, { duplicateCheckS: 99_999 })).toMatchObject({
      enable_duplicate_check: 1,
      duplicate_check_interval: 14_400,
    });
  });

  it("update_template_card: named members, or everyone who got the card", () => {
    expect(updateCardPayload(AGENT, ["u1", "u2"], "RC1", "已确认")).toEqual({ userids: ["u1", "u2"], agentid: AGENT, response_code: "RC1", button: { replace_name: "已确认" } });
    expect(updateCardPayload(AGENT, [], "RC1", "已确认")).toEqual({ atall: 1, agentid: AGENT, response_code: "RC1", button: { replace_name: "已确认" } });
  });

  it("recall", () => {
    expect(recallPayload("MSGID1")).toEqual({ msgid: "MSGID1" });
  });
});

describe("WeChat Work limits: refused with a reason, never cut", () => {
  it("text up to exactly 2048 bytes passes; one byte more is refused, counting Chinese as 3 bytes", () => {
    expect(() => sendPayload(AGENT, ["u1"], { kind: "text", text: "a".repeat(2048) })).not.toThrow();
    expect(() => sendPayload(AGENT, ["u1"], { kind: "text", text: "安".repeat(682) + "aa" })).not.toThrow(); // 2048 bytes
    const err = refusal(() => sendPayload(AGENT, ["u1"], { kind: "text", text: "安".repeat(683) })); // 2049 bytes
    expect(err.message).toContain("2049 字节");
    expect(err.message).toContain("2048 字节");
  });

  it("markdown 2048 bytes, textcard title 128 / description 512 bytes, button text 4 characters", () => {
    refusal(() => sendPayload(AGENT, ["u1"], { kind: "markdown", markdown: "#".repeat(2049) }));
    const card = { kind: "textcard" as const, title: "标题", description: "说明", url: "https://a.example" };
    refusal(() => sendPayload(AGENT, ["u1"], { ...card, title: "标".repeat(43) }));
    refusal(() => sendPayload(AGENT, ["u1"], { ...card, description: "说".repeat(171) }));
    refusal(() => sendPayload(AGENT, ["u1"], { ...card, buttonText: "立即去处理" }));
  });

  it("empty text is refused", () => {
    refusal(() => sendPayload(AGENT, ["u1"], { kind: "text", text: "  " }));
  });

  it("recipients: 1 to 1000 well-formed userids; no @all, no `|` smuggled in", () => {
    expect(() => sendPayload(AGENT, Array.from({ length: 1000 }, (_, i) => `u${i}`), { kind: "text", text: "x" })).not.toThrow();
    refusal(() => sendPayload(AGENT, Array.from({ length: 1001 }, (_, i) => `u${i}`), { kind: "text", text: "x" }));
    refusal(() => sendPayload(AGENT, [], { kind: "text", text: "x" }));
    refusal(() => sendPayload(AGENT, ["@all"], { kind: "text", text: "x" }));
    refusal(() => sendPayload(AGENT, ["u1|u2"], { kind: "text", text: "x" }));
    refusal(() => updateCardPayload(AGENT, ["bad id"], "RC", "已确认"));
  });
});
