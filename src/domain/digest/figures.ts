import type { EntityManager, SelectQueryBuilder } from "typeorm";
import { Callout, CalloutRecipient, Enterprise, Hazard, Inspection, OrgUnit, Tip } from "../../db/entities";
import { SILENT_STATES } from "../callouts/vocabulary";
import { OPEN_STATES } from "../hazards/queries";
import { OPEN_TIP_STATES } from "../tips/vocabulary";
import { type QuotaService, monthWindow } from "../quotas";
import { addDays, daySpan, dayStart, type Span, wholeDays } from "../quotas/calendar";
import type { DutySource, DutyToday } from "./duty";
import { inScope, type Scope } from "./scope";

/** A hazard named in the digest. */
export interface HazardLine {
  number: string;
  place: string;
  major: boolean;
  daysOverdue: number;
}

export interface CalloutLine {
  title: string;
  recipients: number;
  answered: number;
  /** 叫应率 in whole percent. */
  rate: number;
}

export interface RankLine {
  unit: string;
  overdue: number;
  inspections: number;
}

/** Everything a digest says, as numbers; the preview API returns it as JSON. */
export interface DigestFigures {
  unit: { code: string; name: string };
  /** The day the digest is for, and the day its numbers describe. */
  day: string;
  yesterday: string;
  /** The instant "overdue" was judged at. */
  asOf: string;
  red: {
    /** How many hazards are overdue and 重大 or 挂牌督办… */
    hazardCount: number;
    /** …and the first of them (at most 50), most overdue first. */
    hazards: HazardLine[];
    /** 叫应 campaigns of yesterday and today, past their deadline, with people in scope still silent. */
    unanswered: { title: string; silent: number }[];
  };
  hazards: { newGeneral: number; newMajor: number; closed: number; overdue: number; worst: HazardLine[] };
  inspections: {
    yesterday: number;
    quota: { period: string; required: number; done: number; missing: number; behind: number };
    /** 分级监管: enterprises overdue for their colour's inspection. */
    overdueEnterprises: { count: number; names: string[] };
  };
  tips: { received: number; overdue: number };
  callouts: CalloutLine[];
  /** Today's 带班领导 and missed 到岗签到; null while no duty source is on, and the text says so. */
  duty: DutyToday | null;
  /** Direct subordinate towns/villages, best first; null when the unit has none. */
  ranking: RankLine[] | null;
  /** 末位: the last of the ranking (all tied for last), when there are at least two units. */
  last: string[];
}

const count = (raw: { n: number | string } | undefined) => Number(raw?.n ?? 0);

/** Gathers a digest's numbers for `scope` on `day` (about `day − 1`), judged at `asOf`. */
export async function digestFigures(manager: EntityManager, scope: Scope, day: string, asOf: Date, quotas: QuotaService, duty: DutySource | null = null): Promise<DigestFigures> {
  const yesterday = addDays(day, -1);
  const span = daySpan(yesterday);
  const [redCount, redHazards, newByLevel, closed, overdue, worst, inspections, quota, overdueEnterprises, tips, callouts, unanswered, ranking, dutyToday] = await Promise.all([
    redHazardQuery(manager, scope, asOf).getCount(),
    overdueHazards(manager, scope, asOf, true, 50),
    newHazards(manager, scope, span),
    closedHazards(manager, scope, span),
    overdueCount(manager, scope, asOf),
    overdueHazards(manager, scope, asOf, false, 5),
    inspectionCount(manager, scope, span),
    quotas.progressOf(scope.unit, monthWindow(yesterday.slice(0, 7))),
    quotas.overdueEnterprises(scope.unit, asOf),
    tipFigures(manager, scope, span, asOf),
    calloutFigures(manager, scope, span),
    unansweredCallouts(manager, scope, { from: span.from, to: asOf }, asOf),
    unitRanking(manager, scope, asOf, { from: dayStart(addDays(day, -7)), to: span.to }),
    duty ? duty.today({ unitId: scope.unit.id, unitPath: scope.unit.path }, day, asOf) : null,
  ]);
  return {
    unit: { code: scope.unit.code, name: scope.unit.name },
    day,
    yesterday,
    asOf: asOf.toISOString(),
    red: { hazardCount: redCount, hazards: redHazards, unanswered },
    hazards: { newGeneral: newByLevel.general, newMajor: newByLevel.major, closed, overdue, worst },
    inspections: {
      yesterday: inspections,
      quota: { period: quota.period, required: quota.totals.required, done: quota.totals.done, missing: quota.totals.missing, behind: quota.totals.behind },
      overdueEnterprises: { count: overdueEnterprises.length, names: overdueEnterprises.map((e) => e.name) },
    },
    tips,
    callouts,
    duty: dutyToday,
    ranking: ranking.ranks,
    last: ranking.last,
  };
}

function overdueWhere(q: SelectQueryBuilder<Hazard>, asOf: Date): SelectQueryBuilder<Hazard> {
  return q.andWhere("h.state IN (:...open) AND h.deadline IS NOT NULL AND h.deadline < :asOf", { open: [...OPEN_STATES], asOf });
}

/** Overdue hazards, most overdue first; `listedOnly` keeps 重大隐患 and 挂牌督办 ones. */
async function overdueHazards(manager: EntityManager, scope: Scope, asOf: Date, listedOnly: boolean, limit: number): Promise<HazardLine[]> {
  const q = listedOnly ? redHazardQuery(manager, scope, asOf) : overdueWhere(inScope(manager.createQueryBuilder(Hazard, "h"), "h.unit_id", scope), asOf);
  const rows = await q.orderBy("h.deadline", "ASC").addOrderBy("h.id", "ASC").take(limit).getMany();
  const enterprises = await namesOfEnterprises(manager, rows.map((h) => h.enterpriseId));
  const units = await namesOfUnits(manager, rows.map((h) => h.unitId));
  return rows.map((h) => ({
    number: h.number,
    place: (h.enterpriseId !== null ? enterprises.get(h.enterpriseId) : undefined) ?? h.locationText ?? units.get(h.unitId) ?? "",
    major: h.level === "major",
    daysOverdue: Math.max(1, wholeDays(h.deadline as Date, asOf)),
  }));
}

/** Overdue hazards that are 重大隐患 or 挂牌督办: the digest's red items. */
function redHazardQuery(manager: EntityManager, scope: Scope, asOf: Date): SelectQueryBuilder<Hazard> {
  return overdueWhere(inScope(manager.createQueryBuilder(Hazard, "h"), "h.unit_id", scope), asOf).andWhere("(h.listed_for_supervision = :listed OR h.level = :major)", { listed: true, major: "major" });
}

export async function overdueCount(manager: EntityManager, scope: Scope, asOf: Date): Promise<number> {
  const q = inScope(manager.createQueryBuilder(Hazard, "h"), "h.unit_id", scope);
  return overdueWhere(q, asOf).getCount();
}

export async function newHazards(manager: EntityManager, scope: Scope, span: Span): Promise<{ general: number; major: number }> {
  const rows = await inScope(manager.createQueryBuilder(Hazard, "h"), "h.unit_id", scope)
    .select("h.level", "level")
    .addSelect("COUNT(*)", "n")
    .andWhere("h.reported_at >= :from AND h.reported_at < :to", span)
    .groupBy("h.level")
    .getRawMany<{ level: string; n: number | string }>();
  return { general: count(rows.find((r) => r.level === "general")), major: count(rows.find((r) => r.level === "major")) };
}

export async function closedHazards(manager: EntityManager, scope: Scope, span: Span): Promise<number> {
  return inScope(manager.createQueryBuilder(Hazard, "h"), "h.unit_id", scope).andWhere("h.closed_at >= :from AND h.closed_at < :to", span).getCount();
}

export async function inspectionCount(manager: EntityManager, scope: Scope, span: Span): Promise<number> {
  return inScope(manager.createQueryBuilder(Inspection, "i"), "i.unit_id", scope).andWhere("i.checked_in_at >= :from AND i.checked_in_at < :to", span).getCount();
}

/** Tips about enterprises in scope; the root also answers for tips about no enterprise. */
export async function tipFigures(manager: EntityManager, scope: Scope, span: Span, asOf: Date): Promise<{ received: number; overdue: number }> {
  const scoped = () => {
    const q = manager.createQueryBuilder(Tip, "t");
    const ours = "t.enterprise_id IN (SELECT te.id FROM enterprises te INNER JOIN org_units tu ON tu.id = te.supervising_unit_id WHERE tu.path LIKE :scopePrefix)";
    return q.andWhere(scope.isRoot ? `(t.enterprise_id IS NULL OR ${ours})` : ours, { scopePrefix: scope.prefix });
  };
  const [received, overdue] = await Promise.all([
    scoped().andWhere("t.reported_at >= :from AND t.reported_at < :to", span).getCount(),
    scoped().andWhere("t.state IN (:...open) AND t.due_at IS NOT NULL AND t.due_at < :asOf", { open: [...OPEN_TIP_STATES], asOf }).getCount(),
  ]);
  return { received, overdue };
}

/** Recipients of a campaign who are in scope (people of the units led). */
function scopedRecipients(manager: EntityManager, scope: Scope) {
  return manager
    .createQueryBuilder(CalloutRecipient, "r")
    .innerJoin(Callout, "c", "c.id = r.callout_id")
    .andWhere("r.person_id IN (SELECT sp.id FROM people sp INNER JOIN org_units spu ON spu.id = sp.unit_id WHERE spu.path LIKE :scopePrefix)", { scopePrefix: scope.prefix })
    .andWhere("r.state NOT IN (:...unsent)", { unsent: ["draft", "pending"] });
}

/** 叫应 campaigns sent in `span`, each with its 叫应率 among the people in scope. */
export async function calloutFigures(manager: EntityManager, scope: Scope, span: Span): Promise<CalloutLine[]> {
  const rows = await scopedRecipients(manager, scope)
    .select("c.id", "id")
    .addSelect("c.title", "title")
    .addSelect("COUNT(*)", "n")
    .addSelect("SUM(CASE WHEN r.acknowledged_at IS NOT NULL THEN 1 ELSE 0 END)", "answered")
    .andWhere("c.sent_at >= :from AND c.sent_at < :to", span)
    .groupBy("c.id")
    .addGroupBy("c.title")
    .orderBy("c.id", "ASC")
    .getRawMany<{ id: number; title: string; n: number | string; answered: number | string }>();
  return rows.map((r) => {
    const recipients = Number(r.n);
    const answered = Number(r.answered ?? 0);
    return { title: r.title, recipients, answered, rate: recipients ? Math.round((answered * 100) / recipients) : 0 };
  });
}

/** Campaigns sent in `span` and past their deadline at `asOf`, with people in scope still silent. */
async function unansweredCallouts(manager: EntityManager, scope: Scope, span: Span, asOf: Date): Promise<{ title: string; silent: number }[]> {
  const rows = await scopedRecipients(manager, scope)
    .select("c.id", "id")
    .addSelect("c.title", "title")
    .addSelect("COUNT(*)", "n")
    .andWhere("c.sent_at >= :from AND c.sent_at < :to", span)
    .andWhere("c.deadline_at < :asOf", { asOf })
    .andWhere("c.state <> :cancelled", { cancelled: "cancelled" })
    .andWhere("r.acknowledged_at IS NULL AND r.state IN (:...silent)", { silent: [...SILENT_STATES] })
    .groupBy("c.id")
    .addGroupBy("c.title")
    .orderBy("c.id", "ASC")
    .getRawMany<{ id: number; title: string; n: number | string }>();
  return rows.map((r) => ({ title: r.title, silent: Number(r.n) }));
}

/**
 * The towns (or villages) directly under the unit, best first: fewer overdue hazards, then more
 * check-ins over the last seven days, then by code. 末位 are those tied for the last place.
 */
async function unitRanking(manager: EntityManager, scope: Scope, asOf: Date, week: Span): Promise<{ ranks: RankLine[] | null; last: string[] }> {
  const children = (await manager.find(OrgUnit, { where: { parentId: scope.unit.id }, order: { code: "ASC" } })).filter((u) => u.kind === "town" || u.kind === "village");
  if (children.length === 0) return { ranks: null, last: [] };
  // Two grouped queries for the whole scope, then each unit's rows are added up under the child it lies in.
  const [units, overdueRows, inspectionRows] = await Promise.all([
    manager.createQueryBuilder(OrgUnit, "u").select(["u.id", "u.path"]).where("u.path LIKE :prefix", { prefix: scope.prefix }).getMany(),
    overdueWhere(inScope(manager.createQueryBuilder(Hazard, "h"), "h.unit_id", scope), asOf).select("h.unit_id", "unit").addSelect("COUNT(*)", "n").groupBy("h.unit_id").getRawMany<{ unit: number | string; n: number | string }>(),
    inScope(manager.createQueryBuilder(Inspection, "i"), "i.unit_id", scope)
      .andWhere("i.checked_in_at >= :from AND i.checked_in_at < :to", week)
      .select("i.unit_id", "unit")
      .addSelect("COUNT(*)", "n")
      .groupBy("i.unit_id")
      .getRawMany<{ unit: number | string; n: number | string }>(),
  ]);
  const childOf = new Map<number, number>();
  for (const u of units) {
    const child = children.find((c) => u.path.startsWith(c.path));
    if (child) childOf.set(u.id, child.id);
  }
  const sum = (rows: { unit: number | string; n: number | string }[]) => {
    const by = new Map<number, number>();
    for (const r of rows) {
      const child = childOf.get(Number(r.unit));
      if (child !== undefined) by.set(child, (by.get(child) ?? 0) + Number(r.n));
    }
    return by;
  };
  const overdue = sum(overdueRows);
  const checks = sum(inspectionRows);
  const lines = children.map((u) => ({ unit: u.name, code: u.code, overdue: overdue.get(u.id) ?? 0, inspections: checks.get(u.id) ?? 0 }));
  lines.sort((a, b) => a.overdue - b.overdue || b.inspections - a.inspections || a.code.localeCompare(b.code));
  const tail = lines[lines.length - 1] as RankLine;
  const last = lines.length >= 2 ? lines.filter((l) => l.overdue === tail.overdue && l.inspections === tail.inspections).map((l) => l.unit) : [];
  return { ranks: lines.map(({ unit, overdue: o, inspections }) => ({ unit, overdue: o, inspections })), last: last.length === lines.length ? [] : last };
}

async function namesOfEnterprises(manager: EntityManager, ids: (number | null)[]): Promise<Map<number, string>> {
  const wanted = [...new Set(ids.filter((i): i is number => i !== null))];
  if (!wanted.length) return new Map();
  const rows = await manager.createQueryBuilder(Enterprise, "e").select(["e.id", "e.name"]).where("e.id IN (:...ids)", { ids: wanted }).getMany();
  return new Map(rows.map((e) => [e.id, e.name]));
}

async function namesOfUnits(manager: EntityManager, ids: number[]): Promise<Map<number, string>> {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return new Map();
  const rows = await manager.createQueryBuilder(OrgUnit, "u").select(["u.id", "u.name"]).where("u.id IN (:...ids)", { ids: wanted }).getMany();
  return new Map(rows.map((u) => [u.id, u.name]));
}
