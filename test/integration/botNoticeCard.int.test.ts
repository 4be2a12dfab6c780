import { Person } from "../../src/db/entities";
import { allText, type BotHarness, JPEG, openBotHarness } from "../support/botHarness";

/** The supervisor's "新隐患待处理" notice is a card: 交办 and 即知即改 start from its buttons. */
describe("the new-hazard notice card", () => {
  let h: BotHarness;

  beforeEach(async () => {
    h = await openBotHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  async function report(level: "一般隐患" | "重大隐患"): Promise<{ number: string; supervisor: string }> {
    await h.say("张伟", "随手拍");
    await h.say("张伟", { photo: JPEG });
    await h.say("张伟", { click: "照片已发完" });
    await h.say("张伟", "调压站阀门井内积水，阀门锈蚀");
    await h.say("张伟", "青禾燃气");
    await h.say("张伟", "1");
    await h.say("张伟", { click: "消防安全" });
    const number = /隐患已上报：(\S+)/.exec(allText(await h.say("张伟", { click: level })))?.[1] ?? "missing";
    const hazard = await h.hazard(number);
    const supervisor = await h.stores.db.manager.findOneByOrFail(Person, { id: hazard.supervisorId! });
    return { number, supervisor: supervisor.name };
  }

  it("reaches the supervisor with 交办 / 即知即改 / 转交 buttons and the owner as plain words", async () => {
    const { number, supervisor } = await report("一般隐患");
    const card = await h.lastCard(supervisor);
    expect(card.title).toBe("新隐患待处理");
    expect(card.description).toContain(number);
    expect(card.buttons!.map((b) => b.label)).toEqual(["交办", "即知即改", "转交"]);
    const owner = allText(await h.inbox("潘德明"));
    expect(owner).toContain(`新隐患待处理\n【一般隐患】${number}`);
    expect(owner).not.toContain("[交办]");
  });

  it("assigns from the card's 交办 button and tells the owner", async () => {
    const { number, supervisor } = await report("一般隐患");
    const card = await h.lastCard(supervisor);
    expect(allText(await h.say(supervisor, { click: "交办", on: card }))).toContain("整改责任人：潘德明");
    await h.say(supervisor, "抽排积水，更换阀门");
    expect(allText(await h.say(supervisor, { click: "15 天" }))).toContain(`隐患 ${number} 已交办`);
    expect(await h.hazard(number)).toMatchObject({ state: "assigned", measures: "抽排积水，更换阀门" });
    expect(allText(await h.inbox("潘德明"))).toContain("隐患交办单");
    // The card is spent: pressing it again says so instead of assigning twice.
    expect(allText(await h.say(supervisor, { click: "交办", on: card }))).toContain("这张通知已过期");
  });

  it("closes a hazard fixed on the spot from the card's 即知即改 button, with proof photos", async () => {
    const { number, supervisor } = await report("一般隐患");
    const card = await h.lastCard(supervisor);
    expect(allText(await h.say(supervisor, { click: "即知即改", on: card }))).toContain("请发送现场整改后的照片");
    expect(allText(await h.say(supervisor, { click: "照片已发完" }))).toContain("至少需要一张");
    await h.say(supervisor, { photo: JPEG });
    await h.say(supervisor, { click: "照片已发完" });
    expect(allText(await h.say(supervisor, "已当场抽排积水"))).toContain(`隐患 ${number} 已即知即改并销号`);
    expect(await h.hazard(number)).toMatchObject({ state: "closed" });
    expect(allText(await h.inbox("潘德明"))).toContain("隐患已即知即改并销号");
  });

  it("hands a new hazard to another office from the card's 转交 button; its supervisor gets the card to 交办", async () => {
    const { number, supervisor } = await report("一般隐患");
    const card = await h.lastCard(supervisor);
    const units = allText(await h.say(supervisor, { click: "转交", on: card }));
    expect(units).toContain("请选择转交给哪个单位");
    const n = units.split("\n").find((l) => l.includes("工贸行业安全监督管理科"))!.split(".")[0]!;
    expect(allText(await h.say(supervisor, n))).toContain("请简要说明原因");
    const done = allText(await h.say(supervisor, "属工贸企业，归工贸科监管"));
    const moved = await h.hazard(number);
    const next = await h.stores.db.manager.findOneByOrFail(Person, { id: moved.supervisorId! });
    expect(done).toContain(`隐患 ${number} 已转交工贸行业安全监督管理科，已通知${next.name}交办`);
    expect(next.name).not.toBe(supervisor);
    expect(moved.state).toBe("reported");
    const handed = await h.lastCard(next.name);
    expect(handed.description).toContain(`由${supervisor}转交，原因：属工贸企业，归工贸科监管`);
    expect(allText(await h.say(next.name, { click: "交办", on: handed }))).toContain("整改责任人：潘德明");
    // The old card no longer hands the hazard anywhere.
    expect(allText(await h.say(supervisor, { click: "转交", on: card }))).toContain("不能再转交");
  });

  it("keeps 即知即改 out of the menu and refuses the card to someone who may not use it", async () => {
    const { supervisor } = await report("一般隐患");
    expect(allText(await h.say(supervisor, "帮助"))).not.toMatch(/即知即改|转交/);
    const card = await h.lastCard(supervisor);
    expect(allText(await h.say("潘德明", { click: "交办", on: card }))).toContain("不能办理「交办」");
  });
});
