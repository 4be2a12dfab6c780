import { ManualClock } from "../../src/clock";
import { AuditEntry, Enterprise, OutboxDelivery, OutboxMessage, Person, Tip, TipPhoto } from "../../src/db/entities";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { OutboxService } from "../../src/domain/outbox";
import { TipKeys, TipService, type ReportTipInput } from "../../src/domain/tips";
import { backend, openTestStores, type TestStores } from "../support/backend";
import { wecomId } from "../support/accounts";

const DAY = 24 * 60 * 60 * 1000;
const photo = (n: number) => `20261126-${String(n).padStart(32, "0")}.jpg`;

describe(`tips (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  const keys = TipKeys.ephemeral();
  let stores: TestStores;
  let outbox: OutboxService;
  let tips: TipService;
  const who = new Map<string, Person>();
  const p = (name: string) => who.get(name) as Person;
  const build = (k: TipKeys = keys, o: Pick<OutboxService, "enqueue"> = outbox) => new TipService({ db: stores.db, outbox: o, clock, keys: k, channels: ["wecom"] });
  const tipAbout = (extra: Partial<ReportTipInput> = {}): ReportTipInput => ({ content: "柳湾机械制造有限公司夜间在仓库内违规动火切割，没有灭火器", photoKeys: [photo(1), photo(2)], ...extra });
  const inFuture = (days: number) => new Date(clock.now().getTime() + days * DAY);

  beforeAll(async () => {
    stores = await openTestStores();
    await loadDemo(stores.db, clock);
    for (const x of await stores.db.manager.find(Person)) who.set(x.name, x);
    outbox = new OutboxService({ db: stores.db, clock, quietHours: "21:00-08:00" });
    tips = build();
  });
  afterAll(() => stores.close());

  /** Every column of the tip's row as the database holds it, and of its photos, audit lines and notices. */
  async function rawTraces(tipId: number): Promise<string> {
    const m = stores.db.manager;
    const rows = [
      ...(await stores.db.dataSource.query("SELECT * FROM tips WHERE id = ?", [tipId])),
      ...(await stores.db.dataSource.query("SELECT * FROM tip_photos WHERE tip_id = ?", [tipId])),
      ...(await m.find(AuditEntry, { where: { entityType: "tip", entityId: String(tipId) } })),
    ];
    const messages = await m.find(OutboxMessage, { where: { source: `tip:${tipId}` } });
    const deliveries = messages.length ? await stores.db.dataSource.query(`SELECT * FROM outbox_deliveries WHERE message_id IN (${messages.map((x) => x.id).join(",")})`) : [];
    return JSON.stringify([...rows, ...messages, ...deliveries]);
  }

  it("numbers tips JB<year>-<seq>, gap-free; a rolled-back tip burns no number and leaves nothing behind", async () => {
    const first = await tips.report(p("唐亮"), tipAbout());
    const failing = build(keys, { enqueue: async () => Promise.reject(new Error("outbox down")) });
    const count = async () => [await stores.db.manager.count(Tip), await stores.db.manager.count(TipPhoto), await stores.db.manager.count(AuditEntry)];
    const before = await count();
    await expect(failing.report(p("唐亮"), tipAbout())).rejects.toThrow("outbox down");
    expect(await count()).toEqual(before);
    const second = await tips.report(p("唐亮"), tipAbout());
    expect(first.number).toMatch(/^JB2026-\d{6}$/);
    expect(second.number).toBe(`JB2026-${String(first.seq + 1).padStart(6, "0")}`);
    const concurrent = await Promise.all([1, 2, 3, 4].map(() => tips.report(p("韩雪"), tipAbout())));
    const seqs = concurrent.map((t) => t.seq).sort((a, b) => a - b);
    expect(seqs).toEqual([second.seq + 1, second.seq + 2, second.seq + 3, second.seq + 4]);
  });

  it("keeps the tipster out of every plain column, photo row, audit line and notice", async () => {
    const tipster = p("潘德明");
    const tip = await tips.report(tipster, tipAbout());
    expect(tip).toMatchObject({ source: "employee", channel: "chat", state: "received", pseudonym: expect.stringMatching(/^举报人-[0-9A-Z]{4}$/) });
    const traces = await rawTraces(tip.id);
    for (const secret of [tipster.name, tipster.mobile, await wecomId(stores.db.manager, tipster), `person:${tipster.id}`]) expect(traces).not.toContain(secret);
    const [row] = await stores.db.dataSource.query("SELECT * FROM tips WHERE id = ?", [tip.id]);
    const idColumns = Object.entries(row as Record<string, unknown>).filter(([k]) => k !== "id" && k !== "seq" && k !== "version" && k !== "year");
    expect(idColumns.filter(([, v]) => v === tipster.id || v === String(tipster.id))).toEqual([]);
    expect(row.reporter_sealed).toMatch(/^v1\./);
    expect(await stores.db.manager.count(TipPhoto, { where: { tipId: tip.id } })).toBe(2);
  });

  it("tells every tip officer the number, the pseudonym and a summary, and nobody else", async () => {
    const tip = await tips.report(p("唐亮"), tipAbout({ enterpriseId: (await stores.db.manager.findOneByOrFail(Enterprise, { name: "柳湾机械制造有限公司" })).id }));
    const message = await stores.db.manager.findOneOrFail(OutboxMessage, { where: { idempotencyKey: `tip:${tip.id}:report:v1` } });
    const text = (JSON.parse(message.payload) as { text: string }).text;
    expect(text).toContain(tip.number);
    expect(text).toContain(tip.pseudonym);
    expect(text).toContain("涉及：柳湾机械制造有限公司");
    expect(text).toContain("摘要：柳湾机械制造有限公司夜间在仓库内违规动火切割");
    expect(text).not.toContain("唐亮");
    const deliveries = await stores.db.manager.find(OutboxDelivery, { where: { messageId: message.id } });
    expect(deliveries.map((d) => d.personId)).toEqual([p("刘洋").id]);
  });

  it("finds a tipster's own tips (我的举报) and nobody else's", async () => {
    const mine = await tips.report(p("董丽娟"), tipAbout({ content: "村口废品站堆放大量液化气钢瓶" }));
    expect((await tips.mine(p("董丽娟"))).map((t) => t.number)).toEqual([mine.number]);
    expect((await tips.mine(p("袁明"))).map((t) => t.number)).not.toContain(mine.number);
    // Another key, another lookup: the hash names nobody without the key.
    expect(await build(TipKeys.ephemeral()).mine(p("董丽娟"))).toEqual([]);
  });

  it("refuses a vague tip, too many photos and malformed photo keys, in Chinese", async () => {
    await expect(tips.report(p("唐亮"), tipAbout({ content: "有问题" }))).rejects.toMatchObject({ code: "tip_content_too_short", message: expect.stringContaining("至少 5 个字") });
    await expect(tips.report(p("唐亮"), tipAbout({ photoKeys: Array.from({ length: 10 }, (_, i) => photo(i)) }))).rejects.toMatchObject({ code: "tip_photos_too_many" });
    await expect(tips.report(p("唐亮"), tipAbout({ photoKeys: ["../etc/passwd"] }))).rejects.toMatchObject({ code: "tip_photo_key_invalid" });
  });

  it("runs accept → close (属实) → reward → paid, each step audited, the handler told with the pseudonym only", async () => {
    const tip = await tips.report(p("潘德明"), tipAbout());
    const officer = p("刘洋");
    await expect(tips.accept(tip.id, p("张伟"))).rejects.toMatchObject({ code: "tip_officer_only", status: 403 });
    await expect(tips.accept(tip.id, officer, { handlerId: p("潘德明").id })).rejects.toMatchObject({ code: "tip_handler_not_staff" });
    await expect(tips.accept(tip.id, officer, { handlerId: p("张伟").id, dueAt: new Date(clock.now().getTime() - 1) })).rejects.toMatchObject({ code: "tip_due_in_past" });
    const accepted = await tips.accept(tip.id, officer, { handlerId: p("张伟").id, dueAt: inFuture(15) });
    expect(accepted).toMatchObject({ state: "verifying", handlerId: p("张伟").id, acceptedAt: clock.now() });
    const notice = await stores.db.manager.findOneOrFail(OutboxMessage, { where: { idempotencyKey: `tip:${tip.id}:assign:v2` } });
    expect(notice.payload).toContain(tip.pseudonym);
    expect(notice.payload).not.toContain("潘德明");
    expect((await stores.db.manager.find(OutboxDelivery, { where: { messageId: notice.id } })).map((d) => d.personId)).toEqual([p("张伟").id]);

    await expect(tips.close(tip.id, p("郭强"), { result: "substantiated", note: "现场属实" })).rejects.toMatchObject({ code: "tip_not_found", status: 404 });
    await expect(tips.reward(tip.id, officer, { amount: 500 })).rejects.toMatchObject({ code: "tip_illegal_transition" });
    const closed = await tips.close(tip.id, p("张伟"), { result: "substantiated", note: "现场查实动火无审批，已责令停止并立案" });
    expect(closed).toMatchObject({ state: "closed", result: "substantiated", resolution: expect.stringContaining("已责令停止") });
    const toOfficers = await stores.db.manager.findOneOrFail(OutboxMessage, { where: { idempotencyKey: `tip:${tip.id}:close:v3` } });
    expect(toOfficers.payload).toContain("举报属实，请按规定确定并兑现举报奖励");

    await expect(tips.markRewardPaid(tip.id, officer)).rejects.toMatchObject({ message: "该举报尚未决定奖励" });
    await tips.reward(tip.id, officer, { amount: 500 });
    await expect(tips.approveReward(tip.id, officer)).rejects.toMatchObject({ code: "tip_reward_approver_only", status: 403 });
    await tips.approveReward(tip.id, p("李明"));
    const paid = await tips.markRewardPaid(tip.id, officer);
    expect(paid).toMatchObject({ rewardState: "paid", rewardAmount: 500, rewardPaidAt: clock.now() });
    const lines = await stores.db.manager.find(AuditEntry, { where: { entityType: "tip", entityId: String(tip.id) }, order: { id: "ASC" } });
    expect(lines.map((l) => [l.action, l.actor])).toEqual([
      ["tip.report", "tipster"],
      ["tip.accept", `person:${officer.id}`],
      ["tip.close", `person:${p("张伟").id}`],
      ["tip.reward", `person:${officer.id}`],
      ["tip.reward_approve", `person:${p("李明").id}`],
      ["tip.reward_paid", `person:${officer.id}`],
    ]);
    expect(JSON.parse(lines[1]!.after!)).toMatchObject({ state: "verifying", handlerId: p("张伟").id });
  });

  it("rejects (不予受理) with a reason the tipster sees, and refuses a change made on a stale version", async () => {
    const tip = await tips.report(p("唐亮"), tipAbout({ content: "邻居家装修噪音太大，影响休息" }));
    await expect(tips.reject(tip.id, p("刘洋"), { reason: "  " })).rejects.toMatchObject({ code: "tip_text_required" });
    await expect(tips.reject(tip.id, p("刘洋"), { reason: "不属于安全生产举报范围", expectedVersion: 99 })).rejects.toMatchObject({ code: "tip_changed_concurrently", status: 409 });
    const rejected = await tips.reject(tip.id, p("刘洋"), { reason: "不属于安全生产举报范围", expectedVersion: 1 });
    expect(rejected).toMatchObject({ state: "rejected", resolution: "不属于安全生产举报范围" });
    expect((await tips.mine(p("唐亮")))[0]).toMatchObject({ number: tip.number, state: "rejected" });
    await expect(tips.accept(tip.id, p("刘洋"))).rejects.toMatchObject({ code: "tip_illegal_transition", message: expect.stringContaining("「不予受理」") });
  });

  it("shows a handler their tips only, with the tipster as a pseudonym; others get 404", async () => {
    const tip = await tips.report(p("潘德明"), tipAbout());
    await tips.accept(tip.id, p("刘洋"), { handlerId: p("郭强").id });
    const asHandler = await tips.detail(p("郭强"), tip.id);
    expect(asHandler.tip.pseudonym).toBe(tip.pseudonym);
    expect(asHandler.reveals).toBeNull();
    expect((await tips.list(p("郭强"))).items.map((t) => t.id)).toContain(tip.id);
    expect((await tips.list(p("张伟"))).items.map((t) => t.id)).not.toContain(tip.id);
    await expect(tips.detail(p("张伟"), tip.id)).rejects.toMatchObject({ code: "tip_not_found", status: 404 });
    expect((await tips.list(p("刘洋"))).total).toBeGreaterThanOrEqual((await tips.list(p("郭强"))).total);
    // Reassigned: the old handler no longer sees it.
    await tips.assign(tip.id, p("刘洋"), { handlerId: p("张伟").id });
    await expect(tips.detail(p("郭强"), tip.id)).rejects.toMatchObject({ status: 404 });
  });

  it("lists overdue tips: open and past the 办理时限", async () => {
    const tip = await tips.report(p("唐亮"), tipAbout());
    await tips.accept(tip.id, p("刘洋"), { handlerId: p("张伟").id, dueAt: inFuture(1) });
    const later = new ManualClock(inFuture(2));
    const svc = new TipService({ db: stores.db, outbox, clock: later, keys, channels: ["wecom"] });
    expect((await svc.list(p("刘洋"), { overdue: true, pageSize: 100 })).items.map((t) => t.id)).toContain(tip.id);
    expect((await tips.list(p("刘洋"), { overdue: true, pageSize: 100 })).items.map((t) => t.id)).not.toContain(tip.id);
  });

  it("reveals the tipster to a tip officer only, with a reason, auditing who, when and why but not who was revealed", async () => {
    const tipster = p("潘德明");
    const tip = await tips.report(tipster, tipAbout());
    await expect(tips.revealReporter(tip.id, p("张伟"), { reason: "想知道" })).rejects.toMatchObject({ code: "tip_reveal_forbidden", status: 403 });
    await expect(tips.revealReporter(tip.id, p("刘洋"), { reason: " " })).rejects.toMatchObject({ code: "tip_reveal_reason_required" });
    clock.advance(60_000);
    const { identity } = await tips.revealReporter(tip.id, p("刘洋"), { reason: "兑现举报奖励需核实身份", requestId: "req-1" });
    expect(identity).toEqual({ personId: tipster.id, name: tipster.name, mobile: tipster.mobile, unit: expect.any(String), accounts: { wecom: await wecomId(stores.db.manager, tipster) } });
    const lines = await stores.db.manager.find(AuditEntry, { where: { entityType: "tip", entityId: String(tip.id) }, order: { id: "ASC" } });
    const reveal = lines.find((l) => l.action === "tip.reveal");
    expect(reveal).toMatchObject({ actor: `person:${p("刘洋").id}`, at: clock.now(), requestId: "req-1", after: JSON.stringify({ reason: "兑现举报奖励需核实身份" }) });
    expect(lines.find((l) => l.action === "tip.reveal_refused")).toMatchObject({ actor: `person:${p("张伟").id}` });
    expect(JSON.stringify(lines)).not.toContain(tipster.name);
    expect(JSON.stringify(lines)).not.toContain(tipster.mobile);
    expect((await tips.detail(p("刘洋"), tip.id)).reveals?.map((l) => l.action)).toEqual(["tip.reveal_refused", "tip.reveal"]);
  });

  it("answers a reveal under the wrong key with a clear error naming both keys, not garbage, and audits nothing", async () => {
    const tip = await tips.report(p("潘德明"), tipAbout());
    const other = TipKeys.ephemeral();
    const before = await stores.db.manager.count(AuditEntry, { where: { entityType: "tip", entityId: String(tip.id), action: "tip.reveal" } });
    await expect(build(other).revealReporter(tip.id, p("刘洋"), { reason: "核实" })).rejects.toMatchObject({
      code: "tip_identity_key_mismatch",
      message: expect.stringContaining(`密钥指纹 ${keys.keyId}`),
    });
    expect(await stores.db.manager.count(AuditEntry, { where: { entityType: "tip", entityId: String(tip.id), action: "tip.reveal" } })).toBe(before);
    // At start the service counts what the current key cannot open, so the operator hears of a lost key at once.
    expect(await tips.sealedUnderOtherKeys()).toBe(0);
    expect(await build(other).sealedUnderOtherKeys()).toBe(await stores.db.manager.count(Tip));
    // A sealed identity copied onto another tip does not open there: it is bound to its number.
    const target = await tips.report(p("唐亮"), tipAbout());
    const sealed = (await stores.db.manager.findOneByOrFail(Tip, { id: tip.id })).reporterSealed;
    await stores.db.manager.update(Tip, { id: target.id }, { reporterSealed: sealed });
    await expect(tips.revealReporter(target.id, p("刘洋"), { reason: "核实" })).rejects.toMatchObject({ code: "tip_identity_unreadable" });
  });
});
