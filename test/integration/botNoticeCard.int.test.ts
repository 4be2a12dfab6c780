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
    expect(allText(await h.say(supervisor, { click: "交办", on: card }))).toContain("不需要交办");
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

  it("keeps 即知即改 out of the menu and refuses the card to someone who may not use it", async () => {
    const { supervisor } = await report("一般隐患");
    expect(allText(await h.say(supervisor, "帮助"))).not.toContain("即知即改");
    const card = await h.lastCard(supervisor);
    expect(allText(await h.say("潘德明", { click: "交办", on: card }))).toContain("不能办理「交办」");
  });
});
