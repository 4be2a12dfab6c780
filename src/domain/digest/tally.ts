import type { EntityManager, SelectQueryBuilder } from "typeorm";
import { Hazard, Inspection, OrgUnit, Person } from "../../db/entities";
import { OPEN_STATES } from "../hazards/queries";
import { type QuotaReport, type QuotaService, type QuotaWindow, quotaTotals } from "../quotas";
import type { Span } from "../quotas/calendar";
import type { Scope } from "./scope";

/** A count per unit id. */
export type ByUnit = ReadonlyMap<number, number>;

/** Open and past the deadline at `:asOf`. */
export const OVERDUE = "h.state IN (:...open) AND h.deadline IS NOT NULL AND h.deadline < :asOf";
/** 重大隐患 or 挂牌督办: the digest's red items. */
export const RED = "(h.listed_for_supervision = :listed OR h.level = :major)";

type UnitRow = Pick<OrgUnit, "id" | "code" | "name" | "kind" | "path" | "parentId">;

const byUnit = (rows: { unit: number | string; n: number | string | null }[]): ByUnit => new Map(rows.map((r) => [Number(r.unit), Number(r.n ?? 0)]));

/**
 * The county's numbers per unit, each gathered once in one grouped query over the whole tree and
 * kept for the run: a leader's scope (the county, a town, a department) adds up the units under it.
 * So the digests of all leaders cost one query per figure rather than one per leader or unit, and
 * each query reads a covering index (bench/README.md, 每日简报与月报, shows the plans).
 */
export class UnitTally {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    private readonly manager: EntityManager,
    /** The instant "overdue" is judged at. */
    readonly asOf: Date,
  ) {}

  /** Every unit of the tree. */
  units(): Promise<UnitRow[]> {
    return this.once("units", () => this.manager.find(OrgUnit, { select: { id: true, code: true, name: true, kind: true, path: true, parentId: true }, order: { code: "ASC" } }));
  }

  /** The ids of the scope's units: its own and every one below it. */
  async unitIds(scope: Scope): Promise<Set<number>> {
    return new Set((await this.units()).filter((u) => u.path.startsWith(scope.unit.path)).map((u) => u.id));
  }

  /** Adds up a per-unit count over the scope. */
  async sum(counts: ByUnit, scope: Scope): Promise<number> {
    const ids = await this.unitIds(scope);
    let n = 0;
    for (const [unit, c] of counts) if (ids.has(unit)) n += c;
    return n;
  }

  /** Open hazards past their deadline at `asOf`, and of them the red ones (重大隐患 or 挂牌督办). */
  overdue(): Promise<{ all: ByUnit; red: ByUnit }> {
    return this.once("overdue", async () => {
      const rows = await this.hazards()
        .andWhere(OVERDUE, { open: [...OPEN_STATES], asOf: this.asOf })
        .addSelect("COUNT(*)", "n")
        .addSelect(`SUM(CASE WHEN ${RED} THEN 1 ELSE 0 END)`, "red")
        .setParameters({ listed: true, major: "major" })
        .getRawMany<{ unit: number | string; n: number | string; red: number | string | null }>();
      return { all: byUnit(rows), red: byUnit(rows.map((r) => ({ unit: r.unit, n: r.red }))) };
    });
  }

  /**
   * Per unit, the first `limit` of its overdue hazards by deadline (then id) — only the red ones with
   * `red` — as ids, ties at the last deadline included. A scope's first `limit` are among its
   * units' (the caller reads them back by id, in order).
   */
  overdueFirst(red: boolean, limit: number): Promise<ReadonlyMap<number, number[]>> {
    return this.once(`first:${red}:${limit}`, async () => {
      const overdue = await this.overdue();
      const units = [...(red ? overdue.red : overdue.all)].filter(([, n]) => n > 0).map(([unit]) => unit);
      const lists = await Promise.all(
        units.map(async (unit) => [unit, (await Promise.all(OPEN_STATES.map((state) => this.firstOf(unit, state, red, limit)))).flat()] as const),
      );
      return new Map(lists);
    });
  }

  /**
   * One unit's first `limit` in one state. Unit and state fixed, the covering index
   * (unit_id, state, deadline, …) is in deadline order: the `limit`-th deadline is found by reading
   * `limit` entries (red ones filtered inside the index), then the ids up to it by a short range —
   * no sorting of the unit's every overdue hazard.
   */
  private async firstOf(unit: number, state: string, red: boolean, limit: number): Promise<number[]> {
    const q = () => {
      const b = this.manager
        .createQueryBuilder(Hazard, "h")
        .where("h.unit_id = :unit AND h.state = :state AND h.deadline IS NOT NULL AND h.deadline < :asOf", { unit, state, asOf: this.asOf });
      return red ? b.andWhere(RED, { listed: true, major: "major" }) : b;
    };
    const nth = await q().select("h.deadline", "deadline").orderBy("h.deadline", "ASC").offset(limit - 1).limit(1).getRawOne<{ deadline: unknown }>();
    // Fewer than `limit`: every one of them. The deadline goes back as the driver gave it (a Date, or SQLite's stored text).
    const upTo = nth ? q().andWhere("h.deadline <= :nth", { nth: nth.deadline }) : q();
    return (await upTo.select("h.id", "id").getRawMany<{ id: number | string }>()).map((r) => Number(r.id));
  }

  /** Hazards reported in `span`, by level. */
  newHazards(span: Span): Promise<{ general: ByUnit; major: ByUnit }> {
    return this.once(`new:${key(span)}`, async () => {
      const rows = await this.hazards()
        .andWhere("h.reported_at >= :from AND h.reported_at < :to", span)
        .addSelect("h.level", "level")
        .addSelect("COUNT(*)", "n")
        .addGroupBy("h.level")
        .getRawMany<{ unit: number | string; level: string; n: number | string }>();
      return { general: byUnit(rows.filter((r) => r.level !== "major")), major: byUnit(rows.filter((r) => r.level === "major")) };
    });
  }

  /** Hazards closed (销号) in `span`. */
  closed(span: Span): Promise<ByUnit> {
    return this.once(`closed:${key(span)}`, async () =>
      byUnit(await this.hazards().andWhere("h.closed_at >= :from AND h.closed_at < :to", span).addSelect("COUNT(*)", "n").getRawMany<{ unit: number | string; n: number | string }>()),
    );
  }

  /** Check-ins (巡查打卡) in `span`. */
  inspections(span: Span): Promise<ByUnit> {
    return this.once(`inspections:${key(span)}`, async () =>
      byUnit(
        await this.manager
          .createQueryBuilder(Inspection, "i")
          .select("i.unit_id", "unit")
          .addSelect("COUNT(*)", "n")
          .where("i.checked_in_at >= :from AND i.checked_in_at < :to", span)
          .groupBy("i.unit_id")
          .getRawMany<{ unit: number | string; n: number | string }>(),
      ),
    );
  }

  /**
   * The 日周月 quota totals of the scope's people over `window`: the county's progress is computed
   * once (a person's progress does not depend on who asks) and each scope adds up its own people.
   */
  async quota(quotas: QuotaService, scope: Scope, window: QuotaWindow): Promise<QuotaReport["totals"] & { period: string }> {
    const county = await this.once(`quota:${window.label}`, async () => {
      const root = (await this.units()).find((u) => u.parentId === null);
      if (!root) return null;
      const report = await quotas.progressOf(root as OrgUnit, window);
      const ids = report.people.map((p) => p.personId);
      const people = ids.length ? await this.manager.createQueryBuilder(Person, "p").select(["p.id", "p.unitId"]).where("p.id IN (:...ids)", { ids }).getMany() : [];
      return { report, unitOf: new Map(people.map((p) => [p.id, p.unitId])) };
    });
    if (!county) return { period: window.label, ...quotaTotals([]) };
    const ids = await this.unitIds(scope);
    const mine = county.report.people.filter((p) => ids.has(county.unitOf.get(p.personId) ?? -1));
    return { period: county.report.period, ...quotaTotals(mine) };
  }

  /** Hazards grouped by unit; the caller adds its condition and its columns. */
  private hazards(): SelectQueryBuilder<Hazard> {
    return this.manager.createQueryBuilder(Hazard, "h").select("h.unit_id", "unit").groupBy("h.unit_id");
  }

  private once<T>(name: string, make: () => Promise<T>): Promise<T> {
    if (!this.memo.has(name)) this.memo.set(name, make());
    return this.memo.get(name) as Promise<T>;
  }
}

const key = (span: Span) => `${span.from.getTime()}-${span.to.getTime()}`;
