import { OutboxDelivery, OutboxMessage, Person } from "../../src/db/entities";
import { OutboxService } from "../../src/domain/outbox";
import { QuotaNudges } from "../../src/domain/quotas";
import { backend, openTestStores, type TestStores } from "../support/backend";
import { type DigestCounty, openDigestCounty } from "../support/digestCounty";

describe(`日周月 reminders late in the period (${backend()})`, () => {
  let stores: TestStores;
  let county: DigestCounty;
  let nudges: QuotaNudges;

  const sentFor = async (source: string) => {
    const rows = await stores.db.manager.find(OutboxMessage, { where: { source }, order: { id: "ASC" } });
    return rows.map((m) => (JSON.parse(m.payload) as { markdown: string }).markdown);
  };

  beforeAll(async () => {
    stores = await openTestStores();
    county = await openDigestCounty(stores.db);
    const { db } = stores;
    nudges = new QuotaNudges({ db, clock: county.clock, outbox: new OutboxService({ db, clock: county.clock, quietHours: "21:00-08:00" }), channels: ["wecom"] });
  });
  afterAll(() => stores.close());

  it("reminds those behind on a weekly rule once, from Friday 16:00, and not those who are done", async () => {
    await county.inspection("唐亮", "石桥加油站", "2026-03-03T02:00:00Z");
    county.clock.set("2026-03-06T07:59:00Z"); // Friday 15:59
    expect(await nudges.runDue()).toBe(0);
    county.clock.set("2026-03-06T08:00:00Z"); // Friday 16:00
    // Eight 监管人员 and two 分管负责人 hold weekly rules; 唐亮 has done his enforcement check.
    expect(await nudges.runDue()).toBe(9);
    expect(await nudges.runDue()).toBe(0);
    county.clock.set("2026-03-08T12:00:00Z"); // Sunday: still the same week, nothing new
    expect(await nudges.runDue()).toBe(0);
    const texts = await sentFor("quota:week:2026-03-02");
    expect(texts).toHaveLength(9);
    const tangliang = await county.person("唐亮");
    const to = await stores.db.manager.createQueryBuilder(OutboxDelivery, "d").innerJoin(OutboxMessage, "m", "m.id = d.message_id").where("m.source = :s", { s: "quota:week:2026-03-02" }).getMany();
    expect(to).toHaveLength(9);
    expect(to.map((d) => d.personId)).not.toContain(tangliang.id);
    expect(texts).toContain("**日周月任务提醒**\n本周（03-02 起）您的检查任务还差 1 次：\n- 监管人员：每周至少 1 次执法检查，已完成 0\n请在本周日前完成巡查打卡。");
  });

  it("reminds those behind on a monthly rule once, from the 25th 16:00", async () => {
    county.clock.set("2026-03-25T07:00:00Z");
    expect(await nudges.runDue()).toBe(0);
    await county.inspection("宋志刚", "石桥加油站", "2026-03-20T02:00:00Z", "supervision");
    county.clock.set("2026-03-25T08:00:00Z");
    // 主要负责人 1, 行政负责人 4 and 行业部门监管负责人 8 hold monthly rules: 13 people, 宋志刚 still one short.
    expect(await nudges.runDue()).toBe(13);
    expect(await nudges.runDue()).toBe(0);
    const texts = await sentFor("quota:month:2026-03");
    expect(texts).toContain("**日周月任务提醒**\n本月（2026-03）您的检查任务还差 1 次：\n- 行政负责人：每月至少 2 家本人负责的企业，已完成 1\n请在月底前完成巡查打卡。");
  });

  it("reminds those who have not checked each of their own enterprises this half-year once, from 15 June 16:00", async () => {
    county.clock.set("2026-06-15T07:59:00Z"); // Monday 15:59
    expect(await nudges.runDue()).toBe(0);
    county.clock.set("2026-06-15T08:00:00Z");
    const sent = await nudges.runDue();
    expect(sent).toBeGreaterThan(0);
    expect(await nudges.runDue()).toBe(0);
    county.clock.set("2026-06-22T08:00:00Z"); // a week later, the same half: nothing new
    expect(await nudges.runDue()).toBe(0);
    const texts = await sentFor("quota:half:2026-H1");
    expect(texts).toHaveLength(sent);
    // 宋志刚 answers for 8 active enterprises and has checked 石桥加油站 (03-20) only.
    expect(texts).toContain("**日周月任务提醒**\n本半年（1–6 月）您的检查任务还差 7 次：\n- 行政负责人：每半年检查本人负责的每一家企业，已完成 1\n请在半年结束前检查完本人负责的每一家企业。");
    const to = await stores.db.manager.createQueryBuilder(OutboxDelivery, "d").innerJoin(OutboxMessage, "m", "m.id = d.message_id").where("m.source = :s", { s: "quota:half:2026-H1" }).getMany();
    const people = await Promise.all(to.map((d) => stores.db.manager.findOneByOrFail(Person, { id: d.personId as number })));
    expect(people.every((p) => p.roles.includes("admin_owner") || p.roles.includes("dept_supervisor"))).toBe(true);
  });
});
