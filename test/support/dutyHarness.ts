import { ManualClock } from "../../src/clock";
import type { Database } from "../../src/db/Database";
import { OrgUnit, OutboxDelivery, Person } from "../../src/db/entities";
import { DutyShift } from "../../src/db/entities/DutyShift";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { DutyService, type DutySettings, type DutyRole } from "../../src/domain/duty";
import { OutboxService } from "../../src/domain/outbox";
import { openTestStores, type TestStores } from "./backend";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** A duty message as one person got it. */
export interface DutyMessage {
  key: string;
  source: string;
  personId: number | null;
  /** The step (`before`, `checkin2`, …) for reminders; the whole key otherwise. */
  step: string;
  kind: string;
  text: string;
  createdAt: Date;
}

/** The demo county, a manual clock in Shanghai local terms, an outbox and the duty service. */
export interface DutyHarness {
  stores: TestStores;
  db: Database;
  clock: ManualClock;
  outbox: OutboxService;
  duty: DutyService;
  service(options?: { db?: Database; settings?: Partial<DutySettings> }): DutyService;
  person(name: string): Promise<Person>;
  unit(code: string): Promise<OrgUnit>;
  /** A shift straight in the table; times as local `2026-03-31 08:00`. */
  shift(unitCode: string, name: string, role: DutyRole, start: string, end: string): Promise<DutyShift>;
  /** Ticks every `stepMs` up to `until` (local), as the minute job would. */
  tickUntil(until: string, stepMs?: number, duty?: DutyService): Promise<void>;
  messages(): Promise<DutyMessage[]>;
  close(): Promise<void>;
}

/** `2026-03-31 08:00` in Shanghai as an instant. */
export const local = (text: string): Date => new Date(`${text.replace(" ", "T")}:00+08:00`);

export async function openDutyHarness(start = "2026-03-30 09:00"): Promise<DutyHarness> {
  const stores = await openTestStores();
  const { db } = stores;
  const clock = new ManualClock(local(start));
  await loadDemo(db, clock);
  const outbox = new OutboxService({ db, clock, quietHours: stores.config.outbox.quietHours });
  const service = (o: { db?: Database; settings?: Partial<DutySettings> } = {}) => new DutyService({ db: o.db ?? db, clock, outbox: o.db ? new OutboxService({ db: o.db, clock, quietHours: stores.config.outbox.quietHours }) : outbox, channels: ["wecom"], settings: o.settings });
  const duty = service();
  const person = (name: string) => db.manager.findOneByOrFail(Person, { name });
  const unit = (code: string) => db.manager.findOneByOrFail(OrgUnit, { code });
  return {
    stores,
    db,
    clock,
    outbox,
    duty,
    service,
    person,
    unit,
    async shift(unitCode, name, role, s, e) {
      const now = clock.now();
      const row = db.manager.create(DutyShift, { unitId: (await unit(unitCode)).id, personId: (await person(name)).id, role, startAt: local(s), endAt: local(e), servedById: null, confirmedAt: null, checkedInAt: null, checkInLatitude: null, checkInLongitude: null, locationAskedAt: null, handoverNote: null, createdAt: now, updatedAt: now });
      return db.manager.save(row);
    },
    async tickUntil(until, stepMs = 5 * MINUTE, d = duty) {
      const end = local(until).getTime();
      while (clock.now().getTime() < end) {
        clock.advance(Math.min(stepMs, end - clock.now().getTime()));
        const r = await d.runDue(clock.now());
        if (r.failed.length) throw new Error(`duty tick failed: ${JSON.stringify(r.failed)}`);
      }
    },
    async messages() {
      const rows = await db.manager.createQueryBuilder(OutboxDelivery, "d").innerJoinAndSelect("d.message", "m").where("m.source LIKE 'duty%'").orderBy("d.id", "ASC").getMany();
      return rows.map((d) => {
        const m = d.message as NonNullable<typeof d.message>;
        const payload = JSON.parse(m.payload) as { kind: string; text?: string; card?: { title: string; description?: string } };
        const parts = m.idempotencyKey.split(":");
        return {
          key: m.idempotencyKey,
          source: m.source ?? "",
          personId: d.personId,
          step: m.idempotencyKey.startsWith("duty:") ? (parts[3] ?? "") : m.idempotencyKey,
          kind: payload.kind,
          text: payload.text ?? `${payload.card?.title ?? ""}\n${payload.card?.description ?? ""}`,
          createdAt: m.createdAt,
        };
      });
    },
    close: () => stores.close(),
  };
}
