import { ManualClock } from "../../src/clock";
import { AuditEntry, Enterprise, HazardCounter, HazardLedgerEntry, Person, TipCounter } from "../../src/db/entities";
import { hazardPhotos } from "../../src/domain/hazards/photos";
import { tipPhotos } from "../../src/domain/tips/photos";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { HazardService } from "../../src/domain/hazards";
import { formatHazardNumber, hazardNumbering } from "../../src/domain/hazards/numbering";
import { numberingYear } from "../../src/domain/kernel/numbering";
import { OutboxService } from "../../src/domain/outbox";
import { TipKeys, TipService } from "../../src/domain/tips";
import { formatTipNumber, tipNumbering } from "../../src/domain/tips/numbering";
import { backend, openTestStores, type TestStores } from "../support/backend";

// The numbered-case kernel on this backend: yearly gap-free numbers under concurrency, and one
// transition at a time per case (the second of two gets the case's "刚被他人…" conflict).
describe(`numbered-case kernel (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let stores: TestStores;
  const who = new Map<string, Person>();
  const p = (name: string) => who.get(name) as Person;

  beforeAll(async () => {
    stores = await openTestStores();
    await loadDemo(stores.db, clock);
    for (const x of await stores.db.manager.find(Person)) who.set(x.name, x);
  });
  afterAll(() => stores.close());

  it("numbers in the county's calendar year and keeps the formats people know", () => {
    expect(numberingYear(new Date("2026-12-31T15:59:59Z"))).toBe(2026);
    expect(numberingYear(new Date("2026-12-31T16:00:00Z"))).toBe(2027); // midnight in Asia/Shanghai
    expect(formatHazardNumber(2026, 123)).toBe("YH-2026-000123");
    expect(formatTipNumber(2026, 123)).toBe("JB2026-000123");
  });

  it("gives concurrent cases distinct, gap-free numbers; a rolled-back case gives its number back", async () => {
    await Promise.all([1, 2, 3].map(() => hazardNumbering.ensure(stores.db, 2030))); // racing creators: one row, no error
    const attempts = Array.from({ length: 12 }, (_, i) =>
      stores.db.transaction(async (tx) => {
        const seq = await hazardNumbering.take(tx, 2030);
        if (i % 4 === 0) throw new Error("the case's transaction failed");
        return seq;
      }),
    );
    const results = await Promise.allSettled(attempts);
    const taken = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : [])).sort((a, b) => a - b);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(3);
    expect(taken).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await stores.db.manager.findOneByOrFail(HazardCounter, { year: 2030 })).toMatchObject({ lastSeq: 9 });
  });

  it("starts every year and every kind of case at 1", async () => {
    await hazardNumbering.ensure(stores.db, 2031);
    await tipNumbering.ensure(stores.db, 2030);
    const [nextYear, tip] = await Promise.all([stores.db.transaction((tx) => hazardNumbering.take(tx, 2031)), stores.db.transaction((tx) => tipNumbering.take(tx, 2030))]);
    expect([nextYear, tip]).toEqual([1, 1]);
    expect(await stores.db.manager.findOneByOrFail(TipCounter, { year: 2030 })).toMatchObject({ lastSeq: 1 });
    await expect(stores.db.transaction((tx) => tipNumbering.take(tx, 2032))).rejects.toMatchObject({ code: "tip_counter_missing", status: 503 });
  });

  it("opens a case with the next number of its year inside the case's transaction; a failed case gives it back", async () => {
    const at = new Date("2033-12-31T16:30:00Z"); // already 2034 in the county
    await expect(tipNumbering.open(stores.db, at, async (_tx, next) => Promise.reject(new Error(`failed after taking ${(await next()).number}`)))).rejects.toThrow("failed after taking JB2034-000001");
    expect(await tipNumbering.open(stores.db, at, async (_tx, next) => next())).toEqual({ year: 2034, seq: 1, number: "JB2034-000001" });
    expect(await hazardNumbering.open(stores.db, at, async (_tx, next) => next())).toEqual({ year: 2034, seq: 1, number: "YH-2034-000001" });
  });

  it("refuses a wrong transition and lets one of two concurrent ones win, writing one history line", async () => {
    const outbox = new OutboxService({ db: stores.db, clock, quietHours: "21:00-08:00" });
    const hazards = new HazardService({ db: stores.db, outbox, clock, config: { repeatWindowDays: 365 }, channels: ["wecom"] });
    const [enterprise] = await stores.db.manager.find(Enterprise, { order: { id: "ASC" }, take: 1 });
    const h = await hazards.report(p("唐亮"), { source: "inspection", enterpriseId: enterprise?.id, category: "内核测试", level: "general", description: "配电箱未上锁", photoKeys: [] });
    const lines = () => stores.db.manager.count(HazardLedgerEntry, { where: { hazardId: h.id } });
    await expect(hazards.close(h.id, p("唐亮"))).rejects.toMatchObject({ code: "hazard_illegal_transition", status: 409 });
    expect(await lines()).toBe(1);

    const tips = new TipService({ db: stores.db, outbox, clock, keys: TipKeys.ephemeral(), channels: ["wecom"] });
    const tip = await tips.report(p("唐亮"), { content: "某仓库夜间违规动火作业，没有灭火器" });
    const race = await Promise.allSettled([
      tips.accept(tip.id, p("刘洋"), { expectedVersion: tip.version }),
      tips.reject(tip.id, p("刘洋"), { reason: "重复举报", expectedVersion: tip.version }),
    ]);
    expect(race.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(race.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "tip_changed_concurrently", status: 409, message: "该举报刚被他人办理，请刷新后重试" } });
    const audit = await stores.db.manager.find(AuditEntry, { where: { entityType: "tip", entityId: String(tip.id) } });
    expect(audit.map((a) => a.action).filter((a) => a !== "tip.report")).toHaveLength(1);
  });

  it("attaches stored media keys to a case in the case's transaction and lists them oldest first, by case", async () => {
    const key = (n: number) => `20261126-${String(n).padStart(32, "a")}.jpg`;
    const tips = new TipService({ db: stores.db, outbox: new OutboxService({ db: stores.db, clock, quietHours: "21:00-08:00" }), clock, keys: TipKeys.ephemeral(), channels: ["wecom"] });
    const [a, b] = [await tips.report(p("唐亮"), { content: "照片测试：仓库堆放杂物" }), await tips.report(p("唐亮"), { content: "照片测试：通道堵塞严重" })];
    const later = new Date(clock.now().getTime() + 60_000);
    await stores.db.transaction(async (tx) => {
      await tipPhotos.attach(tx, a.id, [key(2)], later);
      await tipPhotos.attach(tx, a.id, [key(1)], clock.now());
      await tipPhotos.attach(tx, b.id, [key(3)], clock.now());
      await tipPhotos.attach(tx, b.id, [], clock.now());
    });
    await expect(stores.db.transaction(async (tx) => {
      await tipPhotos.attach(tx, b.id, [key(4)], later);
      throw new Error("the case's change failed");
    })).rejects.toThrow("failed");
    expect((await tipPhotos.list(stores.db.manager, a.id)).map((x) => x.storageKey)).toEqual([key(1), key(2)]);
    const byCase = await tipPhotos.keysByCase(stores.db.manager, [a.id, b.id, 999999]);
    expect([...byCase.entries()]).toEqual([[a.id, [key(1), key(2)]], [b.id, [key(3)]], [999999, []]]);
    expect(await hazardPhotos.keysByCase(stores.db.manager, [])).toEqual(new Map());
  });
});
