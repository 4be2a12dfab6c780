import { Gauge, Registry } from "prom-client";
import type { Clock } from "../clock";
import type { Database } from "../db/Database";
import { CalloutRecipient, InboundEventRow, OutboxDelivery } from "../db/entities";

/**
 * Figures read from the database when Prometheus scrapes, so every instance reports the same
 * fleet-wide truth: the inbox's backlog and lag, the outbox's depth and oldest waiting delivery by
 * lane and channel, and how the 叫应 campaigns still running are being answered. Each is one
 * grouped query over an indexed status column; nothing is kept in memory between scrapes.
 */
export function databaseRegistry(db: Database, clock: Clock): Registry {
  const registry = new Registry();
  const seconds = (oldest: unknown) => (oldest ? Math.max(0, (clock.now().getTime() - toDate(oldest).getTime()) / 1000) : 0);

  new Gauge({
    name: "anshao_inbox_pending",
    help: "Inbound events stored but not yet handled (pending, processing or failed awaiting a retry)",
    labelNames: ["channel", "status"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db.manager
        .createQueryBuilder(InboundEventRow, "e")
        .select("e.channel", "channel")
        .addSelect("e.status", "status")
        .addSelect("COUNT(*)", "n")
        .where("e.status IN (:...open)", { open: ["pending", "processing", "failed"] })
        .groupBy("e.channel")
        .addGroupBy("e.status")
        .getRawMany<{ channel: string; status: string; n: string | number }>();
      for (const r of rows) this.set({ channel: r.channel, status: r.status }, Number(r.n));
    },
  });

  new Gauge({
    name: "anshao_inbox_lag_seconds",
    help: "Age of the oldest inbound event not yet handled, by channel (0 when none waits)",
    labelNames: ["channel"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db.manager
        .createQueryBuilder(InboundEventRow, "e")
        .select("e.channel", "channel")
        .addSelect("MIN(e.received_at)", "oldest")
        .where("e.status IN (:...open)", { open: ["pending", "processing"] })
        .groupBy("e.channel")
        .getRawMany<{ channel: string; oldest: unknown }>();
      for (const r of rows) this.set({ channel: r.channel }, seconds(r.oldest));
    },
  });

  const outbox = async () =>
    db.manager
      .createQueryBuilder(OutboxDelivery, "d")
      .select("d.lane", "lane")
      .addSelect("d.channel", "channel")
      .addSelect("COUNT(*)", "n")
      .addSelect("MIN(d.created_at)", "oldest")
      .where("d.status IN (:...open)", { open: ["pending", "sending"] })
      .groupBy("d.lane")
      .addGroupBy("d.channel")
      .getRawMany<{ lane: string; channel: string | null; n: string | number; oldest: unknown }>();

  new Gauge({
    name: "anshao_outbox_depth",
    help: "Deliveries waiting to be sent (pending or being sent), by lane and channel",
    labelNames: ["lane", "channel"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await outbox()) this.set({ lane: r.lane, channel: r.channel ?? "none" }, Number(r.n));
    },
  });

  new Gauge({
    name: "anshao_outbox_oldest_age_seconds",
    help: "Age of the oldest delivery still waiting, by lane and channel",
    labelNames: ["lane", "channel"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await outbox()) this.set({ lane: r.lane, channel: r.channel ?? "none" }, seconds(r.oldest));
    },
  });

  new Gauge({
    name: "anshao_callout_recipients",
    help: "Recipients of the 叫应 campaigns still running, by state (sent = not yet answered)",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await runningCallouts(db)) this.set({ state: r.state }, Number(r.n));
    },
  });

  new Gauge({
    name: "anshao_callout_answer_ratio",
    help: "Share of the running 叫应 campaigns' reached recipients who have answered (0–1; 1 when none is running)",
    registers: [registry],
    async collect() {
      const rows = await runningCallouts(db);
      const count = (states: string[]) => rows.filter((r) => states.includes(r.state)).reduce((sum, r) => sum + Number(r.n), 0);
      const answered = count(["acknowledged", "reported"]);
      const asked = answered + count(["sent", "escalated"]);
      this.set(asked === 0 ? 1 : answered / asked);
    },
  });

  return registry;
}

function runningCallouts(db: Database) {
  return db.manager
    .createQueryBuilder(CalloutRecipient, "r")
    .innerJoin("callouts", "c", "c.id = r.callout_id")
    .select("r.state", "state")
    .addSelect("COUNT(*)", "n")
    .where("c.state = :sent", { sent: "sent" })
    .groupBy("r.state")
    .getRawMany<{ state: string; n: string | number }>();
}

/** MySQL returns DATETIME as a Date, SQLite as `YYYY-MM-DD HH:MM:SS.sss` in UTC. */
function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(" ", "T")}Z`);
}
