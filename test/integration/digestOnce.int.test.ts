import { Database } from "../../src/db/Database";
import { openDataSource } from "../../src/db/dataSource";
import { OutboxDelivery, OutboxMessage } from "../../src/db/entities";
import { Digest } from "../../src/db/entities/Digest";
import { DigestService } from "../../src/domain/digest";
import { OutboxService } from "../../src/domain/outbox";
import { QuotaService } from "../../src/domain/quotas";
import { entities } from "../../src/features";
import { backend, openTestStores, type TestStores } from "../support/backend";
import { type DigestCounty, openDigestCounty } from "../support/digestCounty";

/** 周建国, 李明, 王芳, 罗刚, 宋志刚, 曹建华, 邓文: the demo's 主要负责人, 分管负责人 and 带班领导. */
const LEADERS = 7;

describe(`digest exactly once per leader and day (${backend()})`, () => {
  let stores: TestStores;
  let county: DigestCounty;
  let second: Database;

  /** A fresh service instance, as another process or a restart would build it. */
  const instance = (db: Database) => {
    const clock = county.clock;
    return new DigestService({ db, clock, outbox: new OutboxService({ db, clock, quietHours: "21:00-08:00" }), quotas: new QuotaService({ db, clock }), channels: ["wecom"], config: { hour: 8, recipients: [] } });
  };
  const digestsOf = (day: string, kind = "daily") => stores.db.manager.find(Digest, { where: { day, kind }, order: { personId: "ASC" } });
  const messagesOf = (day: string) => stores.db.manager.createQueryBuilder(OutboxMessage, "m").where("m.source = :s", { s: `digest:${day}` }).orderBy("m.id", "ASC").getMany();

  beforeAll(async () => {
    stores = await openTestStores();
    county = await openDigestCounty(stores.db);
    // On MariaDB the second instance has its own connection pool, as a second process would; SQLite
    // in memory has one connection, so both instances share it there.
    second = stores.config.db.kind === "mysql" ? new Database(await openDataSource(stores.config, { migrate: false, entities })) : stores.db;
  });
  afterAll(async () => {
    if (second !== stores.db) await second.close();
    await stores.close();
  });

  it("sends nothing before the hour, one per leader from two instances at 08:00, nothing after a restart, and a moved hour late once", async () => {
    const first = instance(stores.db);
    const liming = await county.person("李明");
    const wangfang = await county.person("王芳");
    await first.setChoice(liming.id, { enabled: false });
    await first.setChoice(wangfang.id, { hour: 10 });

    county.clock.set("2026-03-02T23:55:00Z"); // 07:55 Tuesday 03-03 in Shanghai
    expect((await first.runDue()).sent).toBe(0);

    county.clock.set("2026-03-03T00:00:00Z");
    const [a, b] = await Promise.all([first.runDue(), instance(second).runDue()]);
    expect(a.sent + b.sent).toBe(LEADERS - 2);
    const rows = await digestsOf("2026-03-03");
    expect(rows).toHaveLength(LEADERS - 2);
    expect(rows.map((r) => r.personId)).not.toContain(liming.id);
    expect(rows.every((r) => !r.late)).toBe(true);
    const messages = await messagesOf("2026-03-03");
    expect(messages).toHaveLength(LEADERS - 2);
    expect(rows.map((r) => r.outboxMessageId).sort()).toEqual(messages.map((m) => m.id).sort());
    const deliveries = await stores.db.manager.find(OutboxDelivery, { where: messages.map((m) => ({ messageId: m.id })) });
    expect(deliveries).toHaveLength(LEADERS - 2);
    expect(deliveries.every((d) => d.channel === "wecom" && d.status === "pending")).toBe(true);
    // Monday 03-02 had no run at all: this week's 周调度 goes out now, once, late and saying so.
    const weeklyRows = await digestsOf("2026-03-02", "weekly");
    expect(weeklyRows).toHaveLength(LEADERS - 2);
    expect(weeklyRows.every((r) => r.late && r.dueAt.toISOString() === "2026-03-02T00:00:00.000Z")).toBe(true);
    const weeklyText = JSON.parse((await stores.db.manager.findOneByOrFail(OutboxMessage, { id: weeklyRows[0]?.outboxMessageId as number })).payload) as { markdown: string };
    expect(weeklyText.markdown.split("\n")[0]).toMatch(/^\*\*周调度｜.+｜02-23 至 03-01\*\*（迟发，原定 03-02 08:00）$/);

    // A restart at 08:05: a new instance finds today's digests already sent.
    county.clock.set("2026-03-03T00:05:00Z");
    expect((await instance(stores.db).runDue()).sent).toBe(0);

    // Down from before 10:00 until 10:40: 王芳's digest goes out late, once, and says so.
    county.clock.set("2026-03-03T02:40:00Z");
    const restarted = instance(second);
    expect(await restarted.runDue()).toEqual({ sent: 1, late: 1, weekly: 1 }); // her 周调度 too, due at her hour
    expect(await restarted.runDue()).toEqual({ sent: 0, late: 0, weekly: 0 });
    const late = (await digestsOf("2026-03-03")).find((r) => r.personId === wangfang.id);
    expect(late).toMatchObject({ late: true, dueAt: new Date("2026-03-03T02:00:00Z") });
    const text = JSON.parse((await stores.db.manager.findOneByOrFail(OutboxMessage, { id: late?.outboxMessageId as number })).payload) as { kind: string; markdown: string };
    expect(text.kind).toBe("markdown");
    expect(text.markdown.split("\n")[0]).toBe("**每日简报｜青禾县应急管理局｜2026-03-03（周二）**（迟发，原定 10:00）");
    expect(await messagesOf("2026-03-03")).toHaveLength(LEADERS - 1);
  });

  it("catches up a missed 08:00 tick the same morning, late, and on Monday adds the weekly 调度 summary", async () => {
    county.clock.set("2026-03-04T01:30:00Z"); // 09:30 Wednesday: the 08:00 tick never ran
    const run = await instance(stores.db).runDue();
    expect(run).toEqual({ sent: LEADERS - 2, late: LEADERS - 2, weekly: 0 }); // 李明 is off; 王芳's hour (10:00) has not come
    expect((await digestsOf("2026-03-04")).filter((r) => r.late)).toHaveLength(LEADERS - 2);

    county.clock.set("2026-03-09T00:00:00Z"); // Monday 08:00
    await county.inspection("唐亮", "石桥加油站", "2026-03-04T02:00:00Z");
    const monday = await Promise.all([instance(stores.db).runDue(), instance(second).runDue()]);
    expect(monday[0].sent + monday[1].sent).toBe(LEADERS - 2);
    expect(monday[0].weekly + monday[1].weekly).toBe(LEADERS - 2);
    const weekly = await digestsOf("2026-03-09", "weekly");
    expect(weekly).toHaveLength(LEADERS - 2);
    const chief = await county.person("周建国");
    const row = weekly.find((r) => r.personId === chief.id) as Digest;
    const text = JSON.parse((await stores.db.manager.findOneByOrFail(OutboxMessage, { id: row.outboxMessageId as number })).payload) as { markdown: string };
    expect(text.markdown.split("\n")).toEqual([
      "**周调度｜青禾县应急管理局｜03-02 至 03-08**",
      "新增隐患：0（前一周 0，持平）",
      "其中重大隐患：0（前一周 0，持平）",
      "销号隐患：0（前一周 0，持平）",
      "巡查检查：1（前一周 0，增 1）",
      "收到举报：0（前一周 0，持平）",
      "叫应次数：0（前一周 0，持平）",
      "当前逾期隐患：0 项",
    ]);
  });

  it("sends the digest to a configured recipient (DIGEST_RECIPIENTS) who holds no leader's role, scoped to their unit", async () => {
    const tang = await county.person("唐亮"); // 巡查员 of 东岭镇
    const clock = county.clock;
    const db = stores.db;
    const withExtra = new DigestService({ db, clock, outbox: new OutboxService({ db, clock, quietHours: "21:00-08:00" }), quotas: new QuotaService({ db, clock }), channels: ["wecom"], config: { hour: 8, recipients: [tang.mobile] } });
    clock.set("2026-03-05T00:00:00Z"); // 08:00 Thursday 03-05
    await withExtra.runDue();
    const rows = await digestsOf("2026-03-05");
    // The leaders due at 08:00 (李明 switched it off, 王芳 moved it to 10:00), and 唐亮.
    expect(rows.map((r) => r.personId)).toContain(tang.id);
    expect(rows).toHaveLength(LEADERS - 2 + 1);
    const text = await withExtra.preview(tang.id, "2026-03-05");
    expect(text.markdown.split("\n")[0]).toBe("**每日简报｜东岭镇｜2026-03-05（周四）**");
  });
});
