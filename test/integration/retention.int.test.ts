import pino from "pino";
import { lineView } from "../../src/channels/console/view";
import { ManualClock } from "../../src/clock";
import { ConsoleMessage, InboundEventRow, Person } from "../../src/db/entities";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { purgeExpired, REDACTED_PAYLOAD } from "../../src/domain/retention";
import { kvJobLocks } from "../../jobs/jobLocks";
import { retentionPurge } from "../../jobs/retention.job";
import { runJob } from "../../jobs/runJob";
import { backend, openTestStores, type TestStores } from "../support/backend";

const DAY = 24 * 60 * 60_000;

describe(`retention of what people wrote (${backend()})`, () => {
  const clock = new ManualClock("2026-03-01T02:00:00Z");
  let stores: TestStores;
  let person: Person;

  beforeAll(async () => {
    stores = await openTestStores();
    await loadDemo(stores.db, clock);
    person = await stores.db.manager.findOneByOrFail(Person, { name: "唐亮" });
  });
  afterAll(() => stores.close());

  const inbound = (eventKey: string, status: InboundEventRow["status"], nextAttemptAt: Date | null) =>
    stores.db.manager.insert(InboundEventRow, {
      channel: "wecom",
      eventKey,
      kind: "text",
      senderId: "tangliang",
      payload: JSON.stringify({ kind: "text", text: `东岭化工仓库有人违规动火 ${eventKey}` }),
      status,
      attempts: 1,
      receivedAt: clock.now(),
      processedAt: status === "done" ? clock.now() : null,
      nextAttemptAt,
      lastError: null,
    });
  const line = (kind: string, direction: "in" | "out", body: unknown) =>
    stores.db.manager.insert(ConsoleMessage, { personId: person.id, direction, kind, body: JSON.stringify(body), mediaKey: null, platformMsgId: null, responseCode: null, answeredText: null, answerEvent: null, recalledAt: null, createdAt: clock.now() });
  const payloadOf = async (eventKey: string) => (await stores.db.manager.findOneByOrFail(InboundEventRow, { eventKey })).payload;

  it("blanks inbound payloads and console texts older than the retention period, a daily job keeps the rows and spares what is still due", async () => {
    await inbound("old-done", "done", null);
    await inbound("old-given-up", "failed", null);
    await inbound("old-retrying", "failed", new Date(clock.now().getTime() + DAY));
    await line("text", "in", { text: "我叫唐亮，手机 13800000000" });
    await line("card", "out", { kind: "card", card: { title: "暴雨红色预警叫应", description: "请回复收到", taskId: "t1", buttons: [{ key: "ack", text: "收到" }] } });
    await line("update", "out", { answered: "已确认" });
    clock.advance(10 * DAY);
    await inbound("recent-done", "done", null);

    const job = retentionPurge((now) => purgeExpired(stores.db, now, 30));
    const run = () => runJob(job, { clock, log: pino({ level: "silent" }) }, { locks: kvJobLocks(stores.kv), owner: "test" });

    clock.advance(19 * DAY); // 29 days after the first messages: nothing is old enough yet
    expect(await run()).toMatchObject({ status: "ok", result: { inboundPayloads: 0, consoleMessages: 0 } });
    expect(await payloadOf("old-done")).toContain("违规动火");

    clock.advance(2 * DAY); // 31 days
    expect(await run()).toMatchObject({ status: "ok", result: { inboundPayloads: 2, consoleMessages: 2 } });
    expect(await payloadOf("old-done")).toBe(REDACTED_PAYLOAD);
    expect(await payloadOf("old-given-up")).toBe(REDACTED_PAYLOAD);
    // Still to be retried by the redrive, and too recent: kept as they were.
    expect(await payloadOf("old-retrying")).toContain("违规动火");
    expect(await payloadOf("recent-done")).toContain("违规动火");
    // The rows stay (de-duplication and the record of who wrote when).
    const row = await stores.db.manager.findOneByOrFail(InboundEventRow, { eventKey: "old-done" });
    expect(row).toMatchObject({ channel: "wecom", senderId: "tangliang", kind: "text", status: "done" });

    const lines = await stores.db.manager.find(ConsoleMessage, { where: { personId: person.id }, order: { id: "ASC" } });
    expect(lines).toHaveLength(3);
    const raw = JSON.stringify(lines.map((l) => l.body));
    expect(raw).not.toContain("13800000000");
    expect(raw).not.toContain("暴雨红色预警");
    // The page still shows the blanked lines, saying why, and the update line is untouched.
    expect(lineView(lines[0] as ConsoleMessage)).toMatchObject({ kind: "text", body: { text: expect.stringContaining("保留期限") } });
    expect(lineView(lines[1] as ConsoleMessage)).toMatchObject({ kind: "text", direction: "out", body: { kind: "text", text: expect.stringContaining("保留期限") } });
    expect(lines[2]).toMatchObject({ kind: "update", body: JSON.stringify({ answered: "已确认" }) });

    // A second run finds nothing more to do.
    expect(await run()).toMatchObject({ status: "ok", result: { inboundPayloads: 0, consoleMessages: 0 } });
  });
});
