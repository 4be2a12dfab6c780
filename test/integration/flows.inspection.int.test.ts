import { inspectionFlow } from "../../bots/flows/inspection";
import { choiceOf, type FlowContext, type FlowInput, type FlowState, type Next, type Question } from "../../bots/flow";
import type { BotServices } from "../../bots/services";
import type { Card } from "../../src/channels/channel";
import { ManualClock } from "../../src/clock";
import { Enterprise, Inspection, InspectionPhoto, Person } from "../../src/db/entities";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { HazardService } from "../../src/domain/hazards";
import { TipKeys, TipService } from "../../src/domain/tips";
import { InspectionService } from "../../src/domain/inspections";
import { OutboxService } from "../../src/domain/outbox";
import type { MediaStore } from "../../src/media/MediaStore";
import { backend, openTestStores, type TestStores } from "../support/backend";
import { botQueriesFor, nextRequestKey } from "../support/botServices";

const photo = (n: number) => `20261126-${String(n).padStart(32, "0")}.jpg`;
type InfoCard = Omit<Card, "taskId" | "buttons">;

/**
 * Plays one person's side of the conversation, turn by turn, the way the engine would: a typed
 * number or label of the waiting question becomes a choice; replies and cards are collected.
 */
class Talk {
  said: string[] = [];
  cards: InfoCard[] = [];
  files: string[] = [];
  state: FlowState | null = null;
  question: Question | null = null;
  retry: string | undefined;
  last: Next | null = null;

  constructor(
    private readonly person: Person,
    private readonly services: BotServices,
    private readonly clock: ManualClock,
  ) {}

  private ctx(): FlowContext {
    return {
      person: this.person,
      now: this.clock.now(),
      services: this.services,
      requestKey: nextRequestKey(),
      say: (t) => void this.said.push(t),
      card: (c) => void this.cards.push(c),
      file: (key) => void this.files.push(key),
    };
  }

  async start(seed?: Record<string, unknown>): Promise<Next> {
    return this.took(await inspectionFlow.start(this.ctx(), seed));
  }

  /** Text as typed, or an input of another kind. */
  async send(input: string | FlowInput): Promise<Next> {
    if (!this.state) throw new Error("the conversation is over");
    let typed: FlowInput = typeof input === "string" ? { kind: "text", text: input } : input;
    if (typed.kind === "text") {
      const choice = choiceOf(typed.text, this.question?.choices ?? []);
      if (choice) typed = { kind: "choice", key: choice.key, label: choice.label };
    }
    return this.took(await inspectionFlow.reply(this.ctx(), this.state, typed));
  }

  private took(next: Next): Next {
    this.last = next;
    // The state goes through the kv between turns: only what survives JSON.
    if ("ask" in next) [this.state, this.question, this.retry] = [JSON.parse(JSON.stringify(next.state)) as FlowState, next.ask, next.retry];
    else [this.state, this.question, this.retry] = [null, null, undefined];
    return next;
  }

  get labels(): string[] {
    return (this.question?.choices ?? []).map((c) => c.label);
  }

  get card(): string {
    const c = this.cards.at(-1);
    return c ? [c.title, c.description, ...(c.fields ?? []).map((f) => `${f.label}：${f.value}`)].join("\n") : "";
  }
}

describe(`巡查打卡 flow (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let stores: TestStores;
  let services: BotServices;
  const who = new Map<string, Person>();
  const ent = new Map<string, Enterprise>();
  const talk = (name: string) => new Talk(who.get(name) as Person, services, clock);
  const at = (name: string, northDegrees = 0): FlowInput => {
    const e = ent.get(name) as Enterprise;
    return { kind: "location", latitude: (e.latitude as number) + northDegrees, longitude: e.longitude as number };
  };
  const latest = () => stores.db.manager.findOneOrFail(Inspection, { where: {}, order: { id: "DESC" } });

  beforeAll(async () => {
    stores = await openTestStores();
    await loadDemo(stores.db, clock);
    for (const x of await stores.db.manager.find(Person)) who.set(x.name, x);
    for (const x of await stores.db.manager.find(Enterprise)) ent.set(x.name, x);
    const outbox = new OutboxService({ db: stores.db, clock, quietHours: "21:00-08:00" });
    services = {
      ...botQueriesFor(stores.db, clock, outbox),
      clock,
      hazards: new HazardService({ db: stores.db, outbox, clock, config: { repeatWindowDays: 365 }, channels: ["wecom"] }),
      inspections: new InspectionService({ db: stores.db, clock, config: { farMetres: 500 } }),
      tips: new TipService({ db: stores.db, outbox, clock, keys: TipKeys.ephemeral(), channels: ["wecom"] }),
      media: {} as MediaStore,
      inboundMedia: () => Promise.reject(new Error("not in these tests")),
      channels: ["wecom"],
    };
  });
  afterAll(() => stores.close());

  it("is offered to inspectors, grid members and leaders, not to enterprise owners or the administrator", () => {
    const allowed = (name: string) => inspectionFlow.allowed(who.get(name) as Person);
    expect(["唐亮", "韩雪", "曾国平", "李明"].map(allowed)).toEqual([true, true, true, true]);
    expect(["潘德明", "陈静", "谢斌"].map(allowed)).toEqual([false, false, false]);
  });

  it("searches by name, then takes the choice, kind, result, photos and note, and saves the check-in", async () => {
    const t = talk("唐亮");
    await t.start();
    expect(t.question?.text).toContain("请输入企业名称");
    await t.send("青禾燃气");
    expect(t.labels).toEqual(["青禾燃气有限公司", "青禾燃气有限公司东岭供气站"]);
    await t.send("1");
    expect(t.question?.text).toContain("企业：青禾燃气有限公司");
    expect(t.labels).toEqual(["日常巡查", "执法检查", "专项检查", "督导检查", "明察暗访"]);
    await t.send("执法检查");
    expect(t.labels).toEqual(["无问题", "发现隐患"]);
    await t.send("1");
    expect(t.question?.text).toContain("至少一张");
    await t.send("完成");
    expect(t.retry).toContain("至少一张现场照片");
    await t.send({ kind: "photo", storageKey: photo(1), contentType: "image/jpeg" });
    await t.send({ kind: "photo", storageKey: photo(2), contentType: "image/jpeg" });
    expect(t.question?.text).toContain("已收到 2 张照片");
    await t.send("照片已发完");
    expect(t.question?.text).toContain("请输入备注");
    expect(await t.send("消防设施完好，已提醒冬季防火")).toEqual({ done: true });
    const saved = await latest();
    expect(saved).toMatchObject({ inspectorId: who.get("唐亮")!.id, enterpriseId: ent.get("青禾燃气有限公司")!.id, kind: "enforcement", result: "no_problem", note: "消防设施完好，已提醒冬季防火", distanceMetres: null });
    expect((await stores.db.manager.find(InspectionPhoto, { where: { inspectionId: saved.id }, order: { id: "ASC" } })).map((p) => p.storageKey)).toEqual([photo(1), photo(2)]);
    expect(t.card).toContain("巡查打卡成功");
    expect(t.card).toContain("企业：青禾燃气有限公司");
    expect(t.card).toContain("检查类型：执法检查");
    expect(t.card).toContain("时间：2026-11-26 10:00");
    expect(t.card).toContain("未发送位置");
  });

  it("lists the nearest five with distances for a shared location, and confirms the distance", async () => {
    const t = talk("韩雪");
    await t.start();
    await t.send(at("东岭农贸市场", 0.0005));
    expect(t.labels).toHaveLength(5);
    expect(t.labels[0]).toMatch(/^东岭农贸市场（约 5\d 米）$/);
    expect(t.question?.text).toContain("离您最近的企业");
    await t.send("1");
    await t.send("日常巡查");
    await t.send("无问题");
    await t.send({ kind: "photo", storageKey: photo(3), contentType: "image/jpeg" });
    await t.send("照片已发完");
    await t.send("无");
    expect(t.last).toEqual({ done: true });
    const saved = await latest();
    expect(saved).toMatchObject({ enterpriseId: ent.get("东岭农贸市场")!.id, note: null, farFromSite: false });
    expect(t.card).toContain(`距企业约 ${saved.distanceMetres} 米`);
    expect(t.card).not.toContain("远离企业");
  });

  it("takes a location at any step, and warns (but saves) when it is far from the enterprise", async () => {
    const t = talk("唐亮");
    await t.start();
    await t.send("供气站");
    // One match: chosen at once.
    expect(t.question?.text).toContain("企业：青禾燃气有限公司东岭供气站");
    await t.send(at("青禾燃气有限公司东岭供气站", 0.02));
    expect(t.said).toContain("已记录您的位置，打卡时将核对与企业的距离。");
    expect(t.labels).toContain("日常巡查");
    await t.send("暗访");
    await t.send("无问题");
    await t.send({ kind: "photo", storageKey: photo(4), contentType: "image/jpeg" });
    await t.send("完成");
    await t.send("无");
    const saved = await latest();
    expect(saved).toMatchObject({ kind: "unannounced", farFromSite: true });
    expect(saved.distanceMetres).toBeGreaterThan(2000);
    expect(t.card).toContain(`距企业约 ${saved.distanceMetres} 米`);
    expect(t.card).toContain("远离企业");
  });

  it("saves a 发现隐患 check-in and hands over to the hazard flow with the enterprise, check-in and photos", async () => {
    const t = talk("唐亮");
    await t.start();
    await t.send("东岭化工");
    await t.send({ kind: "photo", storageKey: photo(5), contentType: "image/jpeg" });
    expect(t.retry).toContain("照片已收到（1 张）");
    await t.send("专项检查");
    await t.send("发现隐患");
    expect(t.question?.text).toContain("已收到 1 张照片");
    await t.send("照片已发完");
    const next = await t.send("储罐区防雷检测过期");
    const saved = await latest();
    expect(saved).toMatchObject({ result: "hazard_found", kind: "special", hazardId: null });
    expect(next).toEqual({
      goto: "hazard_photo",
      seed: { enterpriseId: ent.get("东岭化工有限责任公司")!.id, enterpriseName: "东岭化工有限责任公司", inspectionId: saved.id, source: "inspection", photoKeys: [photo(5)], description: "储罐区防雷检测过期" },
    });
    expect(t.card).toContain("接下来请上报发现的隐患");
  });

  it("lets 发现隐患 go on without photos of its own", async () => {
    const t = talk("彭飞");
    await t.start();
    await t.send("南川水泥");
    await t.send("督导检查");
    await t.send("发现隐患");
    await t.send("照片已发完");
    const next = await t.send("无");
    expect(next).toMatchObject({ goto: "hazard_photo", seed: { photoKeys: [], source: "inspection" } });
  });

  it("asks again, with examples, when a reply is not understood", async () => {
    const t = talk("唐亮");
    await t.start();
    await t.send("不存在的企业名");
    expect(t.retry).toContain("没有找到名称含“不存在的企业名”的企业");
    expect(t.question?.examples).toContain("例如");
    await t.send("青禾燃气");
    // On the list, another name is a new search.
    await t.send("农贸市场");
    expect(t.question?.text).toContain("企业：东岭农贸市场");
    await t.send("随便看看");
    expect(t.retry).toContain("没有看懂");
    expect(t.question?.examples).toBe("例如：1 或 日常巡查");
    expect(t.labels).toHaveLength(5);
    await t.send({ kind: "voice", storageKey: photo(6).replace(".jpg", ".amr") });
    expect(t.retry).toContain("暂不支持语音");
    await t.send("1");
    await t.send("还行吧");
    expect(t.retry).toContain("无问题 或 发现隐患");
    await t.send("无问题");
    await t.send("好的谢谢");
    expect(t.retry).toContain("请发送现场照片");
    await t.send({ kind: "choice", key: "e:1", label: "旧卡片" });
    expect(t.retry).toContain("请发送现场照片");
  });

  it("starts at the kind of check when handed an enterprise", async () => {
    const t = talk("唐亮");
    await t.start({ enterpriseId: ent.get("石桥加油站")!.id, enterpriseName: "石桥加油站" });
    expect(t.question?.text).toContain("企业：石桥加油站");
    expect(t.state?.step).toBe("kind");
  });
});
