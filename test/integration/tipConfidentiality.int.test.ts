import pino from "pino";
import { In } from "typeorm";
import type { InboundEvent } from "../../src/channels/channel";
import { ConsoleStore } from "../../src/channels/console/store";
import { ConsoleMessage, InboundEventRow, OutboxDelivery, OutboxMessage, Tip } from "../../src/db/entities";
import { InboxService } from "../../src/domain/inbox";
import { wecomId } from "../support/accounts";
import { backend } from "../support/backend";
import { allText, type BotHarness, openBotHarness, type Said } from "../support/botHarness";

const TIP_TEXT = "城东建材厂夜间在仓库内违规动火切割";

/**
 * A chat tipster stays unnamed end to end: after a 举报 is filed through the bot, no stored row and
 * no log line puts the tipster's account, name or phone next to the tip's number or its text. The
 * sealed tip is the only place the identity is kept (and opened only by an audited reveal).
 */
describe(`a chat tip's confidentiality (${backend()})`, () => {
  let h: BotHarness;
  let inbox: InboxService;
  const inboxLogs: Record<string, unknown>[] = [];

  beforeEach(async () => {
    h = await openBotHarness();
    const log = pino({ level: "debug" }, { write: (line: string) => inboxLogs.push(JSON.parse(line) as Record<string, unknown>) });
    inbox = new InboxService({ db: h.stores.db, kv: h.stores.kv, clock: h.clock, log, handler: h.bot });
  });

  afterEach(async () => {
    await inbox.drain();
    await h.close();
  });

  /** Sends as a channel would (stored in the inbox, handled after the answer) and lets the outbox deliver. */
  async function say(name: string, what: Said): Promise<InboundEvent> {
    const event = await h.event(name, what);
    expect(await inbox.accept(event)).toBe("new");
    inbox.dispatchSoon(event);
    await inbox.drain();
    await h.deliver();
    return event;
  }

  /** Every row of every table, as JSON text, by table name. */
  async function everyRow(): Promise<{ table: string; text: string }[]> {
    const manager = h.stores.db.manager;
    const rows: { table: string; text: string }[] = [];
    for (const meta of manager.connection.entityMetadatas) {
      const found = (await manager.query(`SELECT * FROM ${meta.tableName}`)) as unknown[];
      for (const row of found) rows.push({ table: meta.tableName, text: JSON.stringify(row) });
    }
    return rows;
  }

  it("keeps no row or log line that joins the tipster's account, name or phone to the tip", async () => {
    const tipster = await h.person("潘德明");
    const account = await wecomId(h.stores.db.manager, tipster);
    const events: InboundEvent[] = [];
    for (const step of ["举报", TIP_TEXT, { click: "跳过" }, { click: "不清楚" }, { click: "提交举报" }] as const) events.push(await say("潘德明", step));
    const tip = await h.stores.db.manager.findOneByOrFail(Tip, {});
    // The tipster was told the number (the delivery happened) …
    expect(allText(await h.inbox("潘德明"))).toContain(`举报已提交，编号：${tip.number}`);

    // … yet every turn of the conversation, not only the last, is sealed in the inbox.
    const inboxRows = await h.stores.db.manager.find(InboundEventRow, {});
    expect(inboxRows.map((r) => r.eventKey).sort()).toEqual(events.map((e) => e.eventId).sort());
    for (const row of inboxRows) {
      expect(row.status).toBe("done");
      expect(row.senderId).not.toContain(account);
      expect(row.payload).not.toContain(account);
      expect(row.payload).not.toContain(TIP_TEXT);
    }
    // What the outbox sent the tipster is kept only as a neutral text once delivered (the officers'
    // notice names the tip by its pseudonym, not the tipster).
    const toTipster = (await h.stores.db.manager.findBy(OutboxDelivery, { recipient: account })).map((d) => d.messageId);
    const payloads = (await h.stores.db.manager.findBy(OutboxMessage, { id: In(toTipster) })).map((m) => m.payload).join("\n");
    expect(payloads).not.toContain(tip.number);
    expect(payloads).not.toContain(TIP_TEXT);
    expect(payloads).toContain("[已送达的保密消息]");

    const identity = [account, tipster.name, tipster.mobile, `person:${tipster.id}`];
    const aboutTheTip = [tip.number, TIP_TEXT];
    const joined = (await everyRow()).filter((r) => aboutTheTip.some((m) => r.text.includes(m)) && identity.some((i) => r.text.includes(i)));
    expect(joined).toEqual([]);
    // The tip's audit entries name no actor: a filed tip's row must not point back at its tipster.
    const audit = (await everyRow()).filter((r) => r.table === "audit_log" && aboutTheTip.some((m) => r.text.includes(m)));
    expect(audit.length).toBeGreaterThan(0);
    for (const entry of audit) expect(entry.text).toContain('"actor":"tipster"');

    const lines = [...inboxLogs, ...h.logs].map((l) => JSON.stringify(l));
    expect(lines.filter((l) => [...identity, ...aboutTheTip].some((s) => l.includes(s)))).toEqual([]);
  });

  it("finishes a sealed turn whose inbox bookkeeping was lost without answering it again", async () => {
    for (const step of ["举报", TIP_TEXT, { click: "跳过" }, { click: "不清楚" }] as const) await say("潘德明", step);
    const before = (await h.inbox("潘德明")).length;
    const submit = await h.event("潘德明", { click: "提交举报" });
    // The turn commits (and seals its row), but the process dies before the inbox marks the row done.
    expect(await inbox.accept(submit)).toBe("new");
    await h.bot.handle(submit);
    const row = await h.stores.db.manager.findOneByOrFail(InboundEventRow, { eventKey: submit.eventId });
    expect(row.status).toBe("processing");

    h.clock.advance(10 * 60_000);
    expect(await inbox.redrivePending(h.clock.now())).toMatchObject({ done: 1, failed: 0, gaveUp: 0 });
    await h.deliver();
    expect((await h.stores.db.manager.findOneByOrFail(InboundEventRow, { eventKey: submit.eventId })).status).toBe("done");
    const answers = (await h.inbox("潘德明")).slice(before);
    expect(answers).toHaveLength(1);
    expect(await h.stores.db.manager.count(Tip)).toBe(1);
  });

  it("shows a confidential console line to the person's page once and then stores only a neutral text", async () => {
    const tipster = await h.person("潘德明");
    const store = new ConsoleStore(h.stores.db, h.clock);
    await store.append([{ personId: tipster.id, direction: "out", kind: "text", body: { kind: "text", text: "举报已提交，编号：JB2026-000001", confidential: true } }]);
    await store.append([{ personId: tipster.id, direction: "out", kind: "text", body: { kind: "text", text: "您好" } }]);

    const shown = await store.linesAfter(tipster.id, 0, h.clock.now());
    expect(shown.map((l) => l.body).join()).toContain("JB2026-000001");
    const stored = await h.stores.db.manager.find(ConsoleMessage, { where: { personId: tipster.id }, order: { id: "ASC" } });
    expect(stored.map((l) => JSON.parse(l.body) as { text: string }).map((b) => b.text)).toEqual(["[已送达的保密消息]", "您好"]);
    expect((await store.latest(tipster.id)).map((l) => l.body).join()).not.toContain("JB2026-000001");
  });
});
