import { DutyShift } from "../../src/db/entities/DutyShift";
import { DutyService } from "../../src/domain/duty";
import { backend } from "../support/backend";
import { allText, type BotHarness, openBotHarness } from "../support/botHarness";

// Duty in chat, through the bot engine: 值班, 到岗签到, 交接班, 查岗 and 换班 (ask, accept, leader told).
jest.setTimeout(120_000);

const HOUR = 3_600_000;

describe(`duty in chat (${backend()})`, () => {
  let h: BotHarness;
  let duty: DutyService;
  beforeEach(async () => {
    h = await openBotHarness();
    duty = new DutyService({ db: h.stores.db, clock: h.clock, outbox: h.outbox, channels: ["wecom"] });
    h.services.duty = duty;
  });
  afterEach(() => h.stores.close());

  async function shift(unit: string, name: string, role: DutyShift["role"], fromHours: number, hours: number): Promise<DutyShift> {
    const now = h.clock.now();
    const unitId = (await h.stores.db.manager.query("SELECT id FROM org_units WHERE code = ?", [unit]))[0].id as number;
    const start = new Date(now.getTime() + fromHours * HOUR);
    return h.stores.db.manager.save(h.stores.db.manager.create(DutyShift, { unitId: Number(unitId), personId: (await h.person(name)).id, role, startAt: start, endAt: new Date(start.getTime() + hours * HOUR), servedById: null, confirmedAt: null, checkedInAt: null, checkInLatitude: null, checkInLongitude: null, locationAskedAt: null, handoverNote: null, createdAt: now, updatedAt: now }));
  }

  it("值班 lists who is on duty now and today; 到岗签到 checks in; 交接班 reaches the next shift", async () => {
    await shift("QH-BGS", "赵磊", "officer", -1, 3);
    await shift("QH", "王芳", "leader", -1, 24);
    const board = allText(await h.say("孙丽", "值班"));
    expect(board).toContain("【当前在岗】\n值班员 赵磊");
    expect(board).toContain("带班领导 王芳");
    expect(allText(await h.say("赵磊", "到岗签到"))).toContain("到岗签到成功");
    expect(allText(await h.say("赵磊", "到岗签到"))).toContain("已签到");
    await h.say("赵磊", "交接班");
    expect(allText(await h.say("赵磊", "3号仓库门禁坏了，已报修"))).toContain("交接事项已记录");
    await shift("QH-BGS", "孙丽", "officer", 2, 12);
    h.clock.advance(2 * HOUR);
    expect(allText(await h.say("孙丽", "签到"))).toContain("上一班交接事项：3号仓库门禁坏了，已报修");
  });

  it("查岗 from chat by the duty leader reaches the officer, who answers with the card", async () => {
    await shift("QH-BGS", "赵磊", "officer", -1, 12);
    await shift("QH", "王芳", "leader", -1, 24);
    expect(allText(await h.say("王芳", "查岗"))).toContain("办公室 值班员 赵磊");
    expect(allText(await h.say("王芳", "1"))).toContain("已向 办公室 值班员 赵磊 发出查岗");
    await h.deliver();
    const card = await h.lastCard("赵磊");
    expect(card.title).toBe("查岗");
    expect(await duty.answer(await h.event("赵磊", { click: "在岗" }))).toBe(true);
    await h.deliver();
    expect(allText(await h.inbox("赵磊"))).toContain("查岗已应答");
    expect((await duty.log("QH-BGS", new Date(0), new Date(h.clock.now().getTime() + 1))).map((l) => l.kind)).toEqual(["spot_check", "spot_answered"]);
  });

  it("换班: asked in chat, accepted on the card; the roster shows who serves and the duty leader is told", async () => {
    const night = await shift("QH-BGS", "赵磊", "officer", 10, 12);
    await shift("QH", "王芳", "leader", 9, 24);
    expect(allText(await h.say("赵磊", "换班"))).toContain("请选择要换出的班次");
    await h.say("赵磊", "1");
    expect(allText(await h.say("赵磊", "孙丽"))).toContain("已向 孙丽 发出换班申请");
    await h.deliver();
    expect((await h.lastCard("孙丽")).title).toBe("换班申请");
    expect(await duty.answer(await h.event("孙丽", { click: "同意" }))).toBe(true);
    await h.deliver();
    const sun = await h.person("孙丽");
    expect((await h.stores.db.manager.findOneByOrFail(DutyShift, { id: night.id })).servedById).toBe(sun.id);
    expect(allText(await h.inbox("赵磊"))).toContain("孙丽 已同意代您值班");
    expect(allText(await h.inbox("王芳"))).toContain("【换班】办公室｜值班员｜");
    // A second click changes nothing.
    expect(await duty.answer(await h.event("孙丽", { click: "同意" }))).toBe(true);
    await h.deliver();
    expect(allText(await h.inbox("孙丽"))).toContain("该换班申请已处理过");
  });
});
