import { Person } from "../../src/db/entities";
import { allText, type BotHarness, JPEG, openBotHarness } from "../support/botHarness";

/** 交办 in chat: from 我的待办 or the word 交办, the supervisor of a new hazard assigns it and the owner hears of it. */
describe("交办 in chat", () => {
  let h: BotHarness;

  beforeEach(async () => {
    h = await openBotHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  async function report(level: "一般隐患" | "重大隐患"): Promise<string> {
    await h.say("张伟", "随手拍");
    await h.say("张伟", { photo: JPEG });
    await h.say("张伟", { click: "照片已发完" });
    await h.say("张伟", "调压站阀门井内积水，阀门锈蚀");
    await h.say("张伟", "青禾燃气");
    await h.say("张伟", "1");
    await h.say("张伟", { click: "消防安全" });
    return /隐患已上报：(\S+)/.exec(allText(await h.say("张伟", { click: level })))?.[1] ?? "missing";
  }

  it("assigns a general hazard from 我的待办 with the owner pre-filled and a deadline choice; the owner can then rectify", async () => {
    const number = await report("一般隐患");
    const hazard = await h.hazard(number);
    const supervisor = await h.stores.db.manager.findOneByOrFail(Person, { id: hazard.supervisorId! });
    const todo = allText(await h.say(supervisor.name, "待办"));
    expect(todo).toContain(`【待交办】${number}`);
    const asked = allText(await h.say(supervisor.name, "1"));
    expect(asked).toContain("整改责任人：潘德明");
    const deadline = allText(await h.say(supervisor.name, "抽排积水，更换阀门"));
    expect(deadline).toContain("请选择整改期限");
    const done = allText(await h.say(supervisor.name, { click: "7 天" }));
    expect(done).toContain(`隐患 ${number} 已交办`);
    expect(done).toContain("已通知潘德明");
    const assigned = await h.hazard(number);
    expect(assigned).toMatchObject({ state: "assigned", measures: "抽排积水，更换阀门" });
    expect(assigned.deadline!.getTime()).toBe(h.clock.now().getTime() + 7 * 86_400_000);
    expect(allText(await h.inbox("潘德明"))).toContain("抽排积水，更换阀门");
    expect(allText(await h.say("潘德明", "整改反馈"))).not.toContain("您当前没有待整改的隐患");
  });

  it("asks a 重大隐患's funds and contingency plan before 交办 (五落实)", async () => {
    const number = await report("重大隐患");
    const hazard = await h.hazard(number);
    const supervisor = await h.stores.db.manager.findOneByOrFail(Person, { id: hazard.supervisorId! });
    await h.say(supervisor.name, "交办");
    await h.say(supervisor.name, "停用调压站，更换阀门");
    expect(allText(await h.say(supervisor.name, { click: "3 天" }))).toContain("资金");
    expect(allText(await h.say(supervisor.name, "企业自筹 5 万元"))).toContain("应急预案");
    expect(allText(await h.say(supervisor.name, "设置警戒，专人值守"))).toContain("已交办");
    expect(await h.hazard(number)).toMatchObject({ state: "assigned", funds: "企业自筹 5 万元", contingencyPlan: "设置警戒，专人值守" });
  });

  it("does not offer 交办 to someone who may not 交办", async () => {
    expect(allText(await h.say("潘德明", "交办"))).toContain("不能办理「交办」");
  });
});
