import { openDataSource } from "../../src/db/dataSource";
import { entities } from "../../src/features";
import { Database } from "../../src/db/Database";
import { OutboxMessage } from "../../src/db/entities";
import { CalloutService } from "../../src/domain/callouts";
import { markSent } from "../../src/domain/callouts/drafts";
import { OutboxService } from "../../src/domain/outbox";
import { backend } from "../support/backend";
import { type CalloutHarness, draft, openCalloutHarness } from "../support/calloutHarness";

const MIN = 60_000;

describe(`叫应 with two instances ticking at once (${backend()})`, () => {
  let h: CalloutHarness;
  let second: Database;

  beforeAll(async () => {
    h = await openCalloutHarness();
    // On MariaDB the second instance has its own pool; SQLite in memory is one process's database.
    second = backend() === "mysql" ? new Database(await openDataSource(h.stores.config, { migrate: false, entities })) : h.stores.db;
  });
  afterAll(async () => {
    if (second !== h.stores.db) await second.close();
    await h.close();
  });

  it("takes every step once and enqueues every message once", async () => {
    const other = new CalloutService({ db: second, clock: h.clock, outbox: new OutboxService({ db: second, clock: h.clock, quietHours: h.stores.config.outbox.quietHours }), channels: ["wecom"] });
    const initiator = await h.person("赵磊");
    const c = await h.callouts.create(initiator, draft({ rules: [{ units: ["QH"], roles: ["village_cadre", "grid_member", "enterprise_owner"] }], level: "red" }));
    const t0 = h.clock.now().getTime();
    // Sent without the send call's own tick, so both instances race for the first cards too.
    await h.stores.db.transaction((tx) => markSent(tx, initiator, c.id, h.clock.now()));
    for (let m = 0; m <= 15; m++) {
      h.clock.set(new Date(t0 + m * MIN));
      await Promise.all([h.callouts.runDue(h.clock.now()), other.runDue(h.clock.now()), h.callouts.runDue(h.clock.now())]);
      await h.drain();
    }
    const steps = await h.steps(c.id);
    expect(new Set(steps.map((s) => `${s.recipientId}:${s.step}`)).size).toBe(steps.length);
    const messages = await h.stores.db.manager.find(OutboxMessage, { where: { source: `callout:${c.id}` } });
    expect(new Set(messages.map((m) => m.idempotencyKey)).size).toBe(messages.length);
    const cards = h.sender.delivered.filter((d) => d.message.kind === "card");
    expect(new Set(cards.map((d) => d.recipient)).size).toBe(cards.length);
    const reminders = h.sender.delivered.filter((d) => d.message.kind === "text" && d.message.text.includes("次提醒"));
    for (const who of new Set(reminders.map((r) => r.recipient))) {
      expect(reminders.filter((r) => r.recipient === who).length).toBeLessThanOrEqual(2);
    }
    expect(h.sender.delivered.filter((d) => d.message.kind === "markdown" && d.recipient === "zhaolei")).toHaveLength(1);
    expect(steps.filter((s) => s.step === "escalate").length).toBeGreaterThan(0);
  });
});
