import type { EntityManager } from "typeorm";
import { Callout, CalloutRecipient, Enterprise, Hazard, OrgUnit, Tip } from "../../db/entities";
import { SILENT_STATES } from "../callouts/vocabulary";
import { OPEN_TIP_STATES } from "../tips/vocabulary";
import { type QuotaService, monthWindow } from "../quotas";
import { addDays, daySpan, dayStart, type Span, wholeDays } from "../quotas/calendar";
import type { DutySource, DutyToday } from "./duty";
import { type Scope, scopeOf } from "./scope";
import { UnitTally } from "./tally";

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

/**
 * Gathers a digest's numbers for `scope` on `day` (about `day − 1`), judged at `asOf`. The counts
 * come from `tally`: the digests of one run share it, so each count is one grouped query for the
 * whole county however many leaders there are.
 */
export async function digestFigures(
  manager: EntityManager,
  scope: Scope,
  day: string,
  asOf: Date,
  quotas: QuotaService,
  duty: DutySource | null = null,
  tally: UnitTally = new UnitTally(manager, asOf),
): Promise<DigestFigures> {
  const yesterday = addDays(day, -1);
  const span = daySpan(yesterday);
  const [overdue, newByLevel, closed, inspections] = await Promise.all([tally.overdue(), tally.newHazards(span), tally.closed(span), tally.inspections(span)]);
  const [redCount, redHazards, newGeneral, newMajor, closedCount, overdueCount, worst, inspectionCount, quota, overdueEnterprises, tips, callouts, unanswered, ranking, dutyToday] = await Promise.all([
    tally.sum(overdue.red, scope),
    overdueHazards(manager, tally, scope, true, 50),
    tally.sum(newByLevel.general, scope),
    tally.sum(newByLevel.major, scope),
    tally.sum(closed, scope),
    tally.sum(overdue.all, scope),
    overdueHazards(manager, tally, scope, false, 5),
    tally.sum(inspections, scope),
    tally.quota(quotas, scope, monthWindow(yesterday.slice(0, 7))),
    quotas.overdueEnterprises(scope.unit, asOf),
    tipFigures(manager, scope, span, asOf),
    calloutFigures(manager, scope, span),
    unansweredCallouts(manager, scope, { from: span.from, to: asOf }, asOf),
    unitRanking(tally, scope, { from: dayStart(addDays(day, -7)), to: span.to }),
    duty ? duty.today({ unitId: scope.unit.id, unitPath: scope.unit.path }, day, asOf) : null,
  ]);
  return {
    unit: { code: scope.unit.code, name: scope.unit.name },
    day,
    yesterday,
    asOf: asOf.toISOString(),
    red: { hazardCount: redCount, hazards: redHazards, unanswered },
    hazards: { newGeneral, newMajor, closed: closedCount, overdue: overdueCount, worst },
    inspections: {
      yesterday: inspectionCount,
      quota: { period: quota.period, required: quota.required, done: quota.done, missing: quota.missing, behind: quota.behind },
      overdueEnterprises: { count: overdueEnterprises.length, names: overdueEnterprises.map((e) => e.name) },
    },
    tips,
    callouts,
    duty: dutyToday,
    ranking: ranking.ranks,
    last: ranking.last,
  };
}

/**
 * Overdue hazards of the scope, most overdue first; `red` keeps 重大隐患 and 挂牌督办 ones. The
 * candidates are the first of each unit in scope (UnitTally.overdueFirst), read back by id.
 */
async function overdueHazards(manager: EntityManager, tally: UnitTally, scope: Scope, red: boolean, limit: number): Promise<HazardLine[]> {
  const [first, units] = await Promise.all([tally.overdueFirst(red, limit), tally.unitIds(scope)]);
  const ids = [...first].filter(([unit]) => units.has(unit)).flatMap(([, list]) => list);
  if (ids.length === 0) return [];
  const rows = await manager.createQueryBuilder(Hazard, "h").where("h.id IN (:...ids)", { ids }).orderBy("h.deadline", "ASC").addOrderBy("h.id", "ASC").take(limit).getMany();
  const enterprises = await namesOfEnterprises(manager, rows.map((h) => h.enterpriseId));
  const unitNames = await namesOfUnits(manager, rows.map((h) => h.unitId));
  return rows.map((h) => ({
    number: h.number,
    place: (h.enterpriseId !== null ? enterprises.get(h.enterpriseId) : undefined) ?? h.locationText ?? unitNames.get(h.unitId) ?? "",
    major: h.level === "major",
    daysOverdue: Math.max(1, wholeDays(h.deadline as Date, tally.asOf)),
  }));
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
async function unitRanking(tally: UnitTally, scope: Scope, week: Span): Promise<{ ranks: RankLine[] | null; last: string[] }> {
  const children = (await tally.units()).filter((u) => u.parentId === scope.unit.id && (u.kind === "town" || u.kind === "village"));
  if (children.length === 0) return { ranks: null, last: [] };
  // The county-wide counts per unit, added up under each child.
  const [overdue, checks] = await Promise.all([tally.overdue(), tally.inspections(week)]);
  const lines = await Promise.all(
    children.map(async (u) => {
      const child = scopeOf(u as OrgUnit);
      return { unit: u.name, code: u.code, overdue: await tally.sum(overdue.all, child), inspections: await tally.sum(checks, child) };
    }),
  );
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
