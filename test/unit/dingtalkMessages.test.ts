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

describe("WeChat Work markdown on DingTalk", () => {
  it("keeps each line of a digest on its own line and colours 需立即处理 with a hex colour", () => {
    const digest = ["**每日简报｜东岭镇｜2026-03-03（周二）**", "**一、需立即处理**", '<font color="warning">逾期重大隐患/挂牌督办 1 项</font>', "- YH-2026-000001 东岭化工 逾期 11 天", "- YH-2026-000002 石桥加油站 逾期 4 天", "**二、昨日数据（03-02）**"].join("\n");
    const msg = toWorkNotice({ kind: "markdown", markdown: digest });
    if (msg.msgtype !== "markdown") throw new Error("not markdown");
    expect(msg.markdown.text.split("\n")).toEqual([
      "**每日简报｜东岭镇｜2026-03-03（周二）**  ",
      "**一、需立即处理**  ",
      '<font color="#FF6600">逾期重大隐患/挂牌督办 1 项</font>',
      "- YH-2026-000001 东岭化工 逾期 11 天",
      "- YH-2026-000002 石桥加油站 逾期 4 天  ",
      "**二、昨日数据（03-02）**",
    ]);
    expect(msg.markdown.title).toBe("每日简报｜东岭镇｜2026-03-03（");
  });
});
