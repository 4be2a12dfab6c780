import { Callout, CalloutRecipient, type Person } from "../../src/db/entities";
import { backend } from "../support/backend";
import { type CalloutHarness, draft, openCalloutHarness } from "../support/calloutHarness";
import { setAccountOf } from "../support/accounts";

const MIN = 60_000;

describe(`叫应 campaign life (${backend()})`, () => {
  let h: CalloutHarness;
  let initiator: Person;
  const rows = (calloutId: number) => h.stores.db.manager.find(CalloutRecipient, { where: { calloutId }, relations: { person: true }, order: { id: "ASC" } });
  const rowOf = async (calloutId: number, name: string) => (await rows(calloutId)).find((r) => r.person?.name === name) as CalloutRecipient;
  const cardCalls = () => h.sender.calls.filter((c) => c.message.kind === "card" && c.outcome === "accepted");
  const textsTo = (userId: string, part: string) =>
    h.sender.delivered.filter((d) => d.recipient === userId && d.message.kind === "text" && d.message.text.includes(part)).length;

  beforeAll(async () => {
    h = await openCalloutHarness();
    initiator = await h.person("赵磊");
  });
  afterAll(() => h.close());

  it("runs a campaign: cards, answers by click and text, reminders, escalation, the deadline report", async () => {
    const t0 = h.clock.now().getTime();
    const at = (m: number) => h.clock.set(new Date(t0 + m * MIN));
    // 蒋春燕 has no WeChat Work account; WeChat Work refuses 丁勇 as an invalid user.
    await setAccountOf(h.stores.db.manager, await h.person("蒋春燕"), "wecom", null, h.clock.now());
    h.sender.invalid.add("dingyong");
    const c = await h.callouts.create(initiator, draft());
    expect((await h.callouts.preview(c.id)).map((p) => p.name)).toEqual(["曾国平", "吕红梅", "苏建军", "蒋春燕", "蔡志明", "贾丽", "丁勇", "魏芳"]);
    await h.callouts.send(initiator, c.id);
    await h.drain();

    const [first] = cardCalls();
    expect(first?.recipients).toEqual(["zengguoping", "lvhongmei", "sujianjun", "caizhiming", "jiali", "dingyong", "weifang"]);
    const taskId = first?.message.kind === "card" ? first.message.card.taskId : "";
    expect(taskId).toMatch(new RegExp(`^co${c.id}-\\d+$`));
    // Unreachable at once → escalated to the superior, who gets the card and an explanation.
    expect((await rowOf(c.id, "蒋春燕")).state).toBe("unreachable");
    expect((await rowOf(c.id, "唐亮")).escalatedFrom).toBe((await rowOf(c.id, "蒋春燕")).id);
    expect(textsTo("tangliang", "蒋春燕 未在规定时间内回应")).toBe(1);

    for (let m = 1; m <= 31; m++) {
      at(m);
      if (m === 2) await h.click(await h.person("曾国平"), taskId);
      if (m === 3) {
        await h.say(await h.person("吕红梅"), "收到");
        await h.click(await h.person("曾国平"), taskId); // a duplicate click
      }
      if (m === 4) {
        await h.say(await h.person("蔡志明"), "2 已停工撤离 12 人");
        await h.click(await h.person("贾丽"), taskId, "done");
      }
      if (m === 6) await h.say(await h.person("贾丽"), "已转移群众 5 人");
      if (m === 17) await h.say(await h.person("宋志刚"), "1");
      if (m === 31) await h.click(await h.person("苏建军"), taskId);
      await h.callouts.runDue(h.clock.now());
      await h.drain();
    }

    const zeng = await rowOf(c.id, "曾国平");
    expect(zeng).toMatchObject({ state: "acknowledged", ackChannel: "wecom:card", ackContent: "ack", late: false });
    expect(zeng.acknowledgedAt?.getTime()).toBe(t0 + 2 * MIN); // the duplicate changed nothing
    expect(await rowOf(c.id, "吕红梅")).toMatchObject({ state: "acknowledged", ackChannel: "wecom:text", ackContent: "收到" });
    expect(await rowOf(c.id, "蔡志明")).toMatchObject({ state: "reported", reportText: "已停工撤离 12 人" });
    expect(await rowOf(c.id, "贾丽")).toMatchObject({ state: "reported", reportText: "已转移群众 5 人", ackContent: "done" });
    expect(await rowOf(c.id, "苏建军")).toMatchObject({ state: "acknowledged", late: true, remindersSent: 2 });
    // 丁勇 refused by the platform → unreachable → escalated to 彭飞, then on up the chain.
    expect(await rowOf(c.id, "丁勇")).toMatchObject({ state: "unreachable" });
    for (const [silent, superior] of [["魏芳", "彭飞"], ["唐亮", "宋志刚"], ["彭飞", "曹建华"], ["曹建华", "王芳"]]) {
      expect(await rowOf(c.id, superior as string)).toBeDefined();
      expect((await rowOf(c.id, silent as string)).remindersSent).toBe(2);
    }
    expect(textsTo("weifang", "第 1 次提醒")).toBe(1);
    expect(textsTo("weifang", "第 2 次提醒")).toBe(1);
    expect(textsTo("weifang", "第 3 次提醒")).toBe(0);
    expect(textsTo("zengguoping", "提醒")).toBe(0);

    // Every step once per recipient; one card per batch, each with its own task id.
    const steps = await h.steps(c.id);
    expect(new Set(steps.map((s) => `${s.recipientId}:${s.step}`)).size).toBe(steps.length);
    const taskIds = cardCalls().map((call) => (call.message.kind === "card" ? call.message.card.taskId : ""));
    expect(new Set(taskIds).size).toBe(taskIds.length);
    for (const user of ["zengguoping", "tangliang", "songzhigang", "wangfang"]) {
      expect(h.sender.delivered.filter((d) => d.recipient === user && d.message.kind === "card")).toHaveLength(1);
    }

    const closed = await h.stores.db.manager.findOneByOrFail(Callout, { id: c.id });
    expect(closed).toMatchObject({ state: "closed" });
    expect(closed.closedAt?.getTime()).toBe(t0 + 30 * MIN);
    const reports = h.sender.delivered.filter((d) => d.message.kind === "markdown" && d.message.markdown.includes("叫应结果"));
    expect(reports.map((r) => r.recipient).sort()).toEqual(["liming", "wangfang", "zhaolei", "zhoujianguo"]);
    const report = reports[0]?.message.kind === "markdown" ? reports[0].message.markdown : "";
    expect(report).toContain("叫应率：41.7%（按时回应 5 / 应答 12 人）");
    expect(report).toContain("中位数 3 分 0 秒，P90 4 分 0 秒");
    expect(report).toContain("已报告落实措施：2 人");
    expect(report).toContain("未回应 7 人");
    expect(report).toContain("蒋春燕：无法送达，已升级至 唐亮");
    expect(report).toContain("魏芳：已提醒 2 次，已升级至 彭飞");

    const board = await h.callouts.board(c.id);
    expect(board.counts).toMatchObject({ total: 13, answered: 6, reported: 2, late: 1, unreachable: 2 });
  });

  it("stops everything when the initiator cancels, and tells those already called", async () => {
    const c = await h.callouts.create(initiator, draft({ rules: [{ units: ["QH-XH"], roles: ["village_cadre"] }], requiresReport: false }));
    await h.callouts.send(initiator, c.id);
    await h.drain();
    await expect(h.callouts.cancel(await h.person("孙丽"), c.id)).rejects.toMatchObject({ status: 403 });
    await h.callouts.cancel(initiator, c.id);
    h.clock.advance(20 * MIN);
    await h.callouts.runDue(h.clock.now());
    await h.drain();
    expect((await h.steps(c.id)).every((s) => s.step === "send")).toBe(true);
    expect(await h.stores.db.manager.findOneByOrFail(Callout, { id: c.id })).toMatchObject({ state: "cancelled" });
    expect(textsTo("xuefeng", "已由发起人取消")).toBe(1);
    await expect(h.callouts.cancel(initiator, c.id)).rejects.toMatchObject({ status: 409 });
  });

  it("records nothing when a step's transaction crashes, and the next tick sends once", async () => {
    const c = await h.callouts.create(initiator, draft({ rules: [], personIds: [(await h.person("韩雪")).id, (await h.person("冯磊")).id] }));
    h.failNext("send", 1);
    await h.callouts.send(initiator, c.id);
    expect(await h.steps(c.id)).toHaveLength(0);
    expect(await h.outbox.deliveriesOfSource(`callout:${c.id}`)).toHaveLength(0);
    expect((await rows(c.id)).map((r) => r.state)).toEqual(["pending", "pending"]);
    await h.callouts.runDue(h.clock.now());
    await h.callouts.runDue(h.clock.now());
    await h.drain();
    expect((await h.steps(c.id)).map((s) => s.step)).toEqual(["send", "send"]);
    expect(h.sender.delivered.filter((d) => d.recipient === "hanxue" && d.message.kind === "card")).toHaveLength(1);
  });
});
