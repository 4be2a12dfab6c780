import { ManualClock } from "../../src/clock";
import { Enterprise, EscalationStep, Hazard, OutboxDelivery, Person } from "../../src/db/entities";
import type { Database } from "../../src/db/Database";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { demoMobile } from "../../src/domain/demo/people";
import { HazardNudges, type LadderDays, type NudgeOutbox } from "../../src/domain/hazards/nudges";
import { OutboxService } from "../../src/domain/outbox";
import { openTestStores, type TestStores } from "./backend";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const LADDER: LadderDays = [-1, 0, 3, 7];

/** A nudge message as one recipient gets it. */
export interface SentNudge {
  step: string;
  personId: number | null;
  recipient: string;
  markdown: string;
  createdAt: Date;
  nextAttemptAt: Date;
}

/** One ladder step as taken: the hazard, the step, the deadline it counted from, when, and whether silently. */
export interface TakenNudge {
  hazardId: number;
  step: string;
  deadline: Date;
  sentAt: Date;
  skipped: boolean;
}

/** The demo county with a clock, an outbox and the ladder, plus hazards made straight in the table. */
export interface NudgeHarness {
  stores: TestStores;
  db: Database;
  clock: ManualClock;
  outbox: OutboxService;
  nudges(options?: { outbox?: NudgeOutbox; db?: Database; ladderDays?: LadderDays }): HazardNudges;
  /** A demo person by their number in src/domain/demo/people.ts. */
  person(n: number): Promise<Person>;
  enterprise(name: string): Promise<Enterprise>;
  hazard(fields: Partial<Hazard> & Pick<Hazard, "deadline">): Promise<Hazard>;
  sent(): Promise<SentNudge[]>;
  steps(): Promise<TakenNudge[]>;
  close(): Promise<void>;
}

export async function openNudgeHarness(start = "2026-03-02T00:00:00Z"): Promise<NudgeHarness> {
  const stores = await openTestStores();
  const { db } = stores;
  const clock = new ManualClock(start);
  await loadDemo(db, clock);
  const outbox = new OutboxService({ db, clock, quietHours: stores.config.outbox.quietHours });
  let seq = 0;
  const person = (n: number) => db.manager.findOneByOrFail(Person, { mobile: demoMobile(n) });
  return {
    stores,
    db,
    clock,
    outbox,
    nudges: (o = {}) => new HazardNudges({ db: o.db ?? db, outbox: o.outbox ?? outbox, clock, ladderDays: o.ladderDays ?? LADDER, channels: ["wecom", "dingtalk"] }),
    person,
    enterprise: (name) => db.manager.findOneByOrFail(Enterprise, { name }),
    async hazard(fields) {
      seq += 1;
      const reporter = await person(23);
      const row = db.manager.create(Hazard, {
        number: `YH-2026-${String(seq).padStart(6, "0")}`,
        year: 2026,
        seq,
        source: "inspection",
        state: "rectifying",
        level: "general",
        category: "消防通道堵塞",
        description: "测试隐患",
        enterpriseId: null,
        unitId: reporter.unitId,
        locationText: null,
        reporterId: reporter.id,
        listedForSupervision: false,
        enforcementStage: "advice",
        reportedAt: clock.now(),
        updatedAt: clock.now(),
        ...fields,
      });
      return db.manager.save(row);
    },
    async sent() {
      const rows = await db.manager
        .createQueryBuilder(OutboxDelivery, "d")
        .innerJoinAndSelect("d.message", "m")
        .where("m.source LIKE :prefix", { prefix: "hazard-nudge:%" })
        .orderBy("d.id", "ASC")
        .getMany();
      return rows.map((d) => {
        const message = d.message as NonNullable<typeof d.message>;
        const payload = JSON.parse(message.payload) as { markdown: string };
        const step = (message.source ?? "").slice("hazard-nudge:".length);
        return { step, personId: d.personId, recipient: d.recipient, markdown: payload.markdown, createdAt: message.createdAt, nextAttemptAt: d.nextAttemptAt };
      });
    },
    async steps() {
      const rows = await db.manager.find(EscalationStep, { where: { caseKind: "hazard" }, relations: { escalation: true }, order: { id: "ASC" } });
      return rows.map((s) => ({ hazardId: s.caseId, step: s.step, deadline: (s.escalation as NonNullable<typeof s.escalation>).anchorAt, sentAt: s.takenAt, skipped: s.outcome === "skipped" }));
    },
    close: () => stores.close(),
  };
}
