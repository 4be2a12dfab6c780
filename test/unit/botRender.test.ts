import { appMenu } from "../../bots/appMenu";
import { choiceOf, type Flow } from "../../bots/flow";
import { renderInfo, renderQuestion } from "../../bots/render";

const kinds = { key: "routine", label: "日常巡查" };
const question = { text: "请选择检查类型\n可回复序号", choices: [kinds, { key: "special", label: "专项检查" }] };

describe("how the bot asks", () => {
  it("puts few short choices on buttons on every channel with cards (DingTalk's interactive cards too)", () => {
    const card = renderQuestion("wecom", question, "bot_1_ab", "请选择一项");
    expect(card).toMatchObject({ kind: "card", card: { taskId: "bot_1_ab", title: "请选择检查类型", buttons: [{ key: "routine", label: "日常巡查" }, { key: "special", label: "专项检查" }] } });
    expect(card.kind === "card" && card.card.description).toContain("请选择一项");
    expect(renderQuestion("dingtalk", question, "bot_1_ab")).toMatchObject({ kind: "card", card: { title: "请选择检查类型", buttons: [{ label: "日常巡查" }, { label: "专项检查" }] } });
  });

  it("falls back to a numbered list when there are more choices than a card holds", () => {
    const many = { text: "请选择", choices: Array.from({ length: 7 }, (_, i) => ({ key: `k${i}`, label: `选项${i}` })) };
    expect(renderQuestion("wecom", many, "t").kind).toBe("text");
    expect(renderQuestion("wecom", many, "t")).toEqual({ kind: "text", text: expect.stringContaining("7. 选项6") });
  });

  it("lists labels too wide for a button on the card and puts their numbers on the buttons", () => {
    const found = { text: "找到以下企业，请选择", choices: [{ key: "e:1", label: "青禾燃气有限公司" }, { key: "e:2", label: "青禾燃气有限公司东岭供气站" }] };
    for (const channel of ["wecom", "dingtalk", "console"] as const) {
      const out = renderQuestion(channel, found, "t");
      expect(out).toMatchObject({ kind: "card", card: { title: "找到以下企业，请选择", buttons: [{ key: "e:1", label: "1" }, { key: "e:2", label: "2" }] } });
      expect(out.kind === "card" && out.card.description).toContain("1. 青禾燃气有限公司\n2. 青禾燃气有限公司东岭供气站");
    }
  });

  it("sends an information card as text on WeChat Work, whose notice cards need a link", () => {
    const info = { taskId: "i", title: "隐患已上报：YH-2026-000001", fields: [{ label: "等级", value: "一般隐患" }] };
    expect(renderInfo("wecom", info)).toEqual({ kind: "text", text: "隐患已上报：YH-2026-000001\n等级：一般隐患" });
    expect(renderInfo("console", info).kind).toBe("card");
  });
});

describe("reading a typed choice", () => {
  const choices = [kinds, { key: "special", label: "专项检查" }];
  it.each([
    ["1", "routine"],
    ["２", "special"],
    ["2.", "special"],
    ["专项检查", "special"],
  ])("%s picks %s", (typed, key) => {
    expect(choiceOf(typed, choices)?.key).toBe(key);
  });
  it("finds nothing for a number out of range or other words", () => {
    expect(choiceOf("3", choices)).toBeUndefined();
    expect(choiceOf("检查", choices)).toBeUndefined();
  });
});

describe("the app menu", () => {
  const flow = (name: string, label: string): Flow => ({ name, label, summary: "", keywords: [], allowed: () => true, start: async () => ({ done: true }), reply: async () => ({ done: true }) });
  it("keeps the first two flows one tap away and the rest, then 帮助, under 更多 (at most 5)", () => {
    const flows = ["a", "b", "c", "d", "e", "f", "g"].map((n) => flow(n, n.toUpperCase()));
    const menu = appMenu(flows);
    expect(menu.slice(0, 2)).toEqual([{ name: "A", key: "flow:a" }, { name: "B", key: "flow:b" }]);
    expect(menu[2]!.sub!.map((s) => s.key)).toEqual(["flow:c", "flow:d", "flow:e", "flow:f", "flow:g"]);
    expect(appMenu(flows.slice(0, 4))[2]!.sub!.map((s) => s.name)).toEqual(["C", "D", "帮助"]);
    // A flow reached only from a card takes no place in the menu.
    expect(appMenu([...flows.slice(0, 3), { ...flow("x", "X"), inMenu: false }, flows[3]!])[2]!.sub!.map((s) => s.name)).toEqual(["C", "D", "帮助"]);
  });

  it("lists the menu's items once, with what each does, and gives one 取消 hint", () => {
    const menu = { text: "张伟，您好！请选择要办理的事项", choices: [{ key: "a", label: "隐患随手拍", detail: "拍照上报隐患" }, { key: "b", label: "复查", detail: "复查整改结果" }] };
    for (const channel of ["wecom", "dingtalk", "console"] as const) {
      const out = renderQuestion(channel, menu, "t");
      const words = out.kind === "card" ? [out.card.title, out.card.description].join("\n") : out.kind === "text" ? out.text : "";
      expect(words.match(/隐患随手拍/g)).toHaveLength(1);
      expect(words).toContain("拍照上报隐患");
      expect(words.match(/取消/g)).toHaveLength(1);
    }
  });

  it("does not repeat the question as the reason an answer was not taken", () => {
    const out = renderQuestion("console", { text: "企业：青禾燃气有限公司\n请选择检查类型", choices: question.choices }, "t", "没有看懂您的回复，请选择检查类型");
    const words = out.kind === "card" ? `${out.card.title}\n${out.card.description}` : "";
    expect(words.match(/请选择检查类型/g)).toHaveLength(1);
    expect(words).toContain("没有看懂");
    // A reason that says more than the question is kept.
    const kept = renderQuestion("console", question, "t", "请选择一般隐患或重大隐患");
    expect(kept.kind === "card" && kept.card.description).toContain("请选择一般隐患或重大隐患");
  });
});
