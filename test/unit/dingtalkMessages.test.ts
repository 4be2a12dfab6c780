import { ChannelError } from "../../src/channels/channel";
import { toWorkNotice } from "../../src/channels/dingtalk/messages";

describe("work notification bodies", () => {
  it("sends text as text and markdown under its first line as the title", () => {
    expect(toWorkNotice({ kind: "text", text: "隐患已整改" })).toEqual({ msgtype: "text", text: { content: "隐患已整改" } });
    expect(toWorkNotice({ kind: "markdown", markdown: "## **今日简报**\n\n- 巡查 3 次" })).toEqual({
      msgtype: "markdown",
      markdown: { title: "今日简报", text: "## **今日简报**\n\n- 巡查 3 次" },
    });
  });

  it("turns a card into markdown with its buttons as numbered choices, the title cut to 20 characters", () => {
    const msg = toWorkNotice({
      kind: "card",
      card: {
        taskId: "t1",
        title: "红色预警叫应：请于15分钟内确认收到本条预警信息",
        fields: [{ label: "企业", value: "安泰化工" }],
        buttons: [
          { key: "ack", label: "已收到" },
          { key: "done", label: "已落实" },
        ],
      },
    });
    expect(msg.msgtype).toBe("markdown");
    if (msg.msgtype !== "markdown") return;
    expect([...msg.markdown.title]).toHaveLength(20);
    expect(msg.markdown.text).toContain("企业：安泰化工");
    expect(msg.markdown.text).toMatch(/1\. 已收到[\s\S]*2\. 已落实/);
  });

  it("refuses what DingTalk cannot carry yet, permanently rather than retrying", () => {
    let error: unknown;
    try {
      toWorkNotice({ kind: "file", storageKey: "k" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).retryable).toBe(false);
  });
});
