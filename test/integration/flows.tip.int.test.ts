import { choiceOf, type Flow, type FlowContext, type FlowInput, type FlowState, type Next, type Question } from "../../bots/flow";
import { myTipsFlow, TIP_NOTICE, tipFlow } from "../../bots/flows/tip";
import type { BotServices } from "../../bots/services";
import { ManualClock } from "../../src/clock";
import { Enterprise, OutboxMessage, Person, Tip, TipPhoto } from "../../src/db/entities";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { HazardService } from "../../src/domain/hazards";
import { OutboxService } from "../../src/domain/outbox";
import { InspectionService } from "../../src/domain/inspections";
import { TipKeys, TipService } from "../../src/domain/tips";
import type { MediaStore } from "../../src/media/MediaStore";
import { backend, openTestStores, type TestStores } from "../support/backend";
import { botQueriesFor, nextRequestKey } from "../support/botServices";

const photo = (n: number): FlowInput => ({ kind: "photo", storageKey: `20261126-${String(n).padStart(32, "0")}.jpg`, contentType: "image/jpeg" });

/**
 * Plays one person's side of a flow, turn by turn, the way the engine would: a typed number or
 * label of the waiting question becomes a choice, the state goes through JSON between turns, and
 * what the bot says is collected.
 */
class Talk {
  said: string[] = [];
  state: FlowState | null = null;
  question: Question | null = null;
  retry: string | undefined;
  last: Next | null = null;

  constructor(
    private readonly flow: Flow,
    private readonly person: Person,
    private readonly services: BotServices,
    private readonly clock: ManualClock,
  ) {}

  private ctx(): FlowContext {
    return { person: this.person, now: this.clock.now(), services: this.services, requestKey: nextRequestKey(), say: (t) => void this.said.push(t), card: () => undefined, file: () => undefined };
  }

  async start(): Promise<Next> {
    return this.took(await this.flow.start(this.ctx()));
  }

  async send(input: string | FlowInput): Promise<Next> {
    if (!this.state) throw new Error("the conversation is over");
    let typed: FlowInput = typeof input === "string" ? { kind: "text", text: input } : input;
    if (typed.kind === "text") {
      const choice = choiceOf(typed.text, this.question?.choices ?? []);
      if (choice) typed = { kind: "choice", key: choice.key, label: choice.label };
    }
    return this.took(await this.flow.reply(this.ctx(), this.state, typed));
  }

  private took(next: Next): Next {
    this.last = next;
    if ("ask" in next) [this.state, this.question, this.retry] = [JSON.parse(JSON.stringify(next.state)) as FlowState, next.ask, next.retry];
    else [this.state, this.question, this.retry] = [null, null, undefined];
    return next;
  }

  get step(): string | undefined {
    return this.state?.step;
  }

  get labels(): string[] {
    return (this.question?.choices ?? []).map((c) => c.label);
  }
}

describe(`举报 flow (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let stores: TestStores;
  let services: BotServices;
  let tips: TipService;
  const who = new Map<string, Person>();
  const p = (name: string) => who.get(name) as Person;
  const talk = (name: string, flow: Flow = tipFlow) => new Talk(flow, p(name), services, clock);
  const lastTip = () => stores.db.manager.find(Tip, { order: { id: "DESC" }, take: 1 }).then(([t]) => t as Tip);

  beforeAll(async () => {
    stores = await openTestStores();
    await loadDemo(stores.db, clock);
    for (const x of await stores.db.manager.find(Person)) who.set(x.name, x);
    const outbox = new OutboxService({ db: stores.db, clock, quietHours: "21:00-08:00" });
    tips = new TipService({ db: stores.db, outbox, clock, keys: TipKeys.ephemeral(), channels: ["wecom"] });
    const hazards = new HazardService({ db: stores.db, outbox, clock, config: { repeatWindowDays: 365 }, channels: ["wecom"] });
    const media = {} as MediaStore;
    const inspections = new InspectionService({ db: stores.db, clock, config: { farMetres: 500 } });
    services = { ...botQueriesFor(stores.db, clock, outbox), clock, hazards, inspections, tips, media, channels: ["wecom"], inboundMedia: () => Promise.reject(new Error("not used")) };
  });
  afterAll(() => stores.close());

  it("opens with the confidentiality notice, takes several photos and an enterprise, and answers with the number and what happens next", async () => {
    const t = talk("潘德明");
    await t.start();
    expect(t.said).toEqual([TIP_NOTICE]);
    expect(t.said[0]).toContain("您的身份信息将加密保存，仅举报受理人员可查看");
    expect(t.question?.text).toContain("请描述您要举报的情况");

    await t.send("柳湾机械制造有限公司夜里在车间违规动火，没有看火人");
    expect(t.step).toBe("photos");
    expect(t.labels).toEqual(["跳过"]);
    await t.send(photo(1));
    await t.send(photo(2));
    expect(t.question?.text).toContain("已收到 2 张照片");
    expect(t.labels).toEqual(["完成"]);
    await t.send("完成");

    expect(t.step).toBe("where");
    await t.send("柳湾机械");
    expect(t.labels).toEqual(["柳湾机械制造有限公司", "都不是，按地点记录"]);
    await t.send("1");
    expect(t.step).toBe("confirm");
    expect(t.question?.text).toContain("照片：2 张");
    expect(t.question?.text).toContain("涉及：柳湾机械制造有限公司");
    expect(t.labels).toEqual(["提交举报", "重新填写"]);
    await t.send("提交举报");

    expect(t.last).toEqual({ done: true });
    const tip = await lastTip();
    expect(t.said.at(-1)).toBe(
      `举报已提交，编号：${tip.number}\n感谢您的举报！举报受理人员将尽快受理并安排核查。\n您的身份信息已加密保存，核查人员只看到代号「${tip.pseudonym}」。\n回复「我的举报」可随时查看办理进度。`,
    );
    const enterprise = await stores.db.manager.findOneByOrFail(Enterprise, { name: "柳湾机械制造有限公司" });
    expect(tip).toMatchObject({ source: "employee", channel: "chat", enterpriseId: enterprise.id, content: "柳湾机械制造有限公司夜里在车间违规动火，没有看火人" });
    expect(await stores.db.manager.count(TipPhoto, { where: { tipId: tip.id } })).toBe(2);
    expect(await stores.db.manager.count(OutboxMessage, { where: { source: `tip:${tip.id}` } })).toBe(1);
  });

  it("skips photos, takes a shared position as the place, and starts over on 重新填写", async () => {
    const t = talk("唐亮");
    await t.start();
    await t.send("县道旁边有人私设加油点，用塑料桶卖汽油");
    await t.send("跳过");
    await t.send({ kind: "location", latitude: 30.1234567, longitude: 120.7654321, label: "青禾镇县道X203" });
    expect(t.question?.text).toContain("涉及：青禾镇县道X203");
    expect(t.question?.text).toContain("照片：0 张");
    await t.send("重新填写");
    expect(t.step).toBe("content");

    await t.send("县道旁边有人私设加油点，用塑料桶卖汽油");
    await t.send("跳过");
    await t.send("石桥村村口小卖部后院");
    expect(t.step).toBe("confirm");
    await t.send("1");
    const tip = await lastTip();
    expect(tip).toMatchObject({ source: "staff", enterpriseId: null, locationText: "石桥村村口小卖部后院", latitude: null });
  });

  it("records 不清楚 as no place, and a position without a name by its coordinates", async () => {
    const t = talk("韩雪");
    await t.start();
    await t.send("看到有人在山林里烧荒，旁边就是加油站");
    await t.send("跳过");
    await t.send("不清楚");
    expect(t.question?.text).toContain("涉及：未注明");
    await t.send("重新填写");
    await t.send("看到有人在山林里烧荒，旁边就是加油站");
    await t.send("跳过");
    await t.send({ kind: "location", latitude: 30.5, longitude: 120.25 });
    await t.send("提交举报");
    expect(await lastTip()).toMatchObject({ locationText: "位置 30.50000, 120.25000", latitude: 30.5, longitude: 120.25 });
  });

  it("asks again, with examples, when a reply does not fit the question", async () => {
    const t = talk("唐亮");
    await t.start();
    await t.send("有问题");
    expect(t.retry).toBe("请把情况说清楚一些（至少 5 个字）");
    expect(t.question?.examples).toContain("例如：");
    await t.send({ kind: "voice", storageKey: "20261126-00000000000000000000000000000009.amr" });
    expect(t.retry).toBe("为保护您的身份，请用文字描述，不要发送语音");
    await t.send(photo(3));
    expect(t.retry).toBe("已收到 1 张照片，请再用文字说明举报的情况");
    expect(t.step).toBe("content");

    await t.send("东岭客运站安检仪坏了一个月没修");
    expect(t.question?.text).toContain("已收到 1 张照片");
    await t.send("嗯");
    expect(t.retry).toBe("请继续发送照片，或点「完成」");
    expect(t.question?.examples).toContain("最多 9 张");
    await t.send("完成");

    await t.send("站");
    expect(t.retry).toContain("请输入企业名称或地点");
    expect(t.question?.examples).toContain("例如：");
    await t.send("东岭");
    expect(t.step).toBe("pick");
    await t.send("随便");
    expect(t.retry).toBe("请回复企业的序号；都不是请选最后一项");
    await t.send("东岭客运站");
    expect(t.step).toBe("confirm");
    await t.send("好的");
    expect(t.retry).toBe("请点「提交举报」确认，或点「重新填写」");
    await t.send("提交");
    expect(t.last).toEqual({ done: true });
    expect(await stores.db.manager.count(TipPhoto, { where: { tipId: (await lastTip()).id } })).toBe(1);
  });

  it("stops taking photos at nine", async () => {
    const t = talk("唐亮");
    await t.start();
    await t.send("南川商贸城消防通道被货物堵死");
    for (let i = 1; i <= 9; i++) await t.send(photo(i));
    await t.send(photo(10));
    expect(t.retry).toBe("照片最多 9 张，这张未保存");
    expect(t.question?.text).toContain("已收到 9 张照片");
  });

  it("hands over to 我的举报 when that is typed instead of a tip", async () => {
    const t = talk("唐亮");
    await t.start();
    expect(await t.send("我的举报")).toEqual({ goto: "my_tips", seed: {} });
  });

  it("lists the tipster's own tips with their state, result and reward — never who handles them", async () => {
    const t = talk("袁明", myTipsFlow);
    await t.start();
    expect(t.said).toEqual(["您还没有提交过举报。发送「举报」即可提交，您的身份信息将加密保存。"]);
    expect(t.last).toEqual({ done: true });

    const open = await tips.report(p("袁明"), { content: "南川水泥厂粉尘很大，除尘设备一直没开" });
    const closed = await tips.report(p("袁明"), { content: "白沙砂石加工厂传送带没有防护罩" });
    const rejected = await tips.report(p("袁明"), { content: "隔壁邻居养狗太吵了影响休息" });
    await tips.accept(closed.id, p("刘洋"), { handlerId: p("张伟").id });
    await tips.close(closed.id, p("张伟"), { result: "substantiated", note: "属实，已责令整改" });
    await tips.reward(closed.id, p("刘洋"), { amount: 300 });
    await tips.reject(rejected.id, p("刘洋"), { reason: "不属于安全生产举报范围" });
    await tips.report(p("唐亮"), { content: "别人的举报不应出现在这里" });

    const again = talk("袁明", myTipsFlow);
    await again.start();
    const text = again.said[0] as string;
    expect(text).toContain("您最近的 3 条举报（最新在前）");
    expect(text).toContain(`${open.number}（2026-11-26 提交）\n   状态：待受理`);
    expect(text).toContain(`${closed.number}（2026-11-26 提交）\n   状态：已办结（属实）\n   奖励：300 元（待审批）`);
    expect(text).toContain(`${rejected.number}（2026-11-26 提交）\n   状态：不予受理（原因：不属于安全生产举报范围）`);
    expect(text).not.toContain("别人的举报");
    expect(text).not.toContain("张伟");
    expect(text.indexOf(rejected.number)).toBeLessThan(text.indexOf(open.number));
  });

  it("is open to every active person in the directory, staff and enterprise people alike", () => {
    expect(tipFlow.allowed(p("潘德明"))).toBe(true);
    expect(tipFlow.allowed(p("唐亮"))).toBe(true);
    expect(myTipsFlow.allowed(p("潘德明"))).toBe(true);
    expect(tipFlow.allowed({ ...p("唐亮"), active: false })).toBe(false);
  });
});
