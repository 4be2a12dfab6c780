import type { EntityManager } from "typeorm";
import { Enterprise, Inspection, OrgUnit, Person } from "../../db/entities";
import { NotFound } from "../../errors";
import { type RoleCode, roles } from "../org/vocabulary";
import { addDays, dayStart, monthSpan, type Span } from "./calendar";
import type { QuotaWindow } from "./period";
import { describeRule, type QuotaRuleView } from "./rules";

/** One rule judged for one person over one window (a week or a month). */
export interface QuotaItem {
  rule: string;
  /** `2026-W10` or `2026-03`. */
  window: string;
  required: number;
  done: number;
}

/** A person's standing against every rule their roles carry. */
export interface PersonQuota {
  personId: number;
  name: string;
  unit: string;
  roles: string[];
  required: number;
  done: number;
  missing: number;
  items: QuotaItem[];
}

export interface QuotaReport {
  unit: { code: string; name: string };
  period: string;
  people: PersonQuota[];
  totals: { people: number; required: number; done: number; missing: number; behind: number };
}

/** The unit and every unit below it, by code. */
export async function unitByCode(manager: EntityManager, code: string): Promise<OrgUnit> {
  const unit = await manager.findOne(OrgUnit, { where: { code } });
  if (!unit) throw NotFound(`单位“${code}”`, "unit_not_found");
  return unit;
}

/** One count the rules need: check-ins (or distinct own enterprises) in a span, of one kind or any. */
interface Bucket {
  alias: string;
  from: Date;
  to: Date;
  kind: string | null;
  own: boolean;
}

/** A rule judged over one of its windows, before the counts are in. */
interface Judged {
  rule: QuotaRuleView;
  window: string;
  bucket: Bucket;
}

/**
 * Progress against the 日周月 rules of everyone active in `unit` and below. Weekly rules are judged
 * week by week (a week belongs to the month its Monday is in, so months add up), monthly rules
 * month by month, half-yearly ones over the half when it is judged; checks beyond a rule's count in
 * one window do not make up for another. The database does the counting: two grouped queries
 * (check-ins, and distinct own enterprises) with one column per window, whatever the number of
 * check-ins.
 */
export async function quotaProgress(manager: EntityManager, unit: OrgUnit, window: QuotaWindow, rules: readonly QuotaRuleView[]): Promise<QuotaReport> {
  const ruleRoles = [...new Set(rules.map((r) => r.role))];
  const prefix = `${unit.path}%`;
  const people = (
    await manager
      .createQueryBuilder(Person, "p")
      .innerJoin(OrgUnit, "u", "u.id = p.unit_id")
      .where("u.path LIKE :prefix", { prefix })
      .andWhere("p.active = :yes", { yes: true })
      // A first cut in SQL (roles are a comma list; the exact test follows): most people carry no rule.
      .andWhere(ruleRoles.length ? `(${ruleRoles.map((_, i) => `p.roles LIKE :role${i}`).join(" OR ")})` : "1 = 0", Object.fromEntries(ruleRoles.map((r, i) => [`role${i}`, `%${r}%`])))
      .orderBy("p.id", "ASC")
      .getMany()
  ).filter((p) => p.roles.some((r) => ruleRoles.includes(r)));
  const unitNames = new Map((await manager.find(OrgUnit, { select: { id: true, name: true } })).map((u) => [u.id, u.name]));

  const buckets = new Map<string, Bucket>();
  const bucketOf = (span: Span, rule: QuotaRuleView): Bucket => {
    const key = `${rule.ownEnterprises ? "own" : "all"}:${rule.inspectionKind ?? "*"}:${span.from.getTime()}:${span.to.getTime()}`;
    let b = buckets.get(key);
    if (!b) buckets.set(key, (b = { alias: `b${buckets.size}`, from: span.from, to: span.to, kind: rule.inspectionKind, own: rule.ownEnterprises }));
    return b;
  };
  const judged: Judged[] = [];
  for (const rule of rules) {
    if (rule.period === "week") for (const monday of window.mondays) judged.push({ rule, window: weekLabelOf(monday), bucket: bucketOf({ from: dayStart(monday), to: dayStart(addDays(monday, 7)) }, rule) });
    if (rule.period === "month") for (const month of window.months) judged.push({ rule, window: month, bucket: bucketOf(monthSpan(month), rule) });
    if (rule.period === "half_year" && window.half) judged.push({ rule, window: window.half.label, bucket: bucketOf(window.half.span, rule) });
  }
  const all = [...buckets.values()];
  const scoped = people.length > 0 && all.length > 0;
  const [counts, owned] = await Promise.all([
    scoped ? countChecks(manager, people.map((p) => p.id), all.filter((b) => !b.own), false) : new Map<number, Map<string, number>>(),
    scoped ? countChecks(manager, people.map((p) => p.id), all.filter((b) => b.own), true) : new Map<number, Map<string, number>>(),
  ]);
  const ownTotals = scoped && rules.some((r) => r.eachEnterprise) ? await ownEnterpriseCounts(manager, prefix) : new Map<number, number>();

  const rows = people.map((p): PersonQuota => {
    const items: QuotaItem[] = [];
    for (const j of judged.filter((x) => p.roles.includes(x.rule.role))) {
      const required = j.rule.eachEnterprise ? (ownTotals.get(p.id) ?? 0) : j.rule.required;
      // Nothing of one's own to check: the each-enterprise rule asks nothing of them.
      if (required === 0) continue;
      const done = (j.bucket.own ? owned : counts).get(p.id)?.get(j.bucket.alias) ?? 0;
      items.push({ rule: describeRule(j.rule), window: j.window, required, done: Math.min(done, required) });
    }
    const required = items.reduce((s, i) => s + i.required, 0);
    const done = items.reduce((s, i) => s + i.done, 0);
    return { personId: p.id, name: p.name, unit: unitNames.get(p.unitId) ?? "", roles: p.roles.map((r: RoleCode) => roles.label(r)), required, done, missing: required - done, items };
  });
  return { unit: { code: unit.code, name: unit.name }, period: window.label, people: rows, totals: quotaTotals(rows) };
}

/** The totals of some people's progress: how many, required, done, missing, and how many are behind. */
export function quotaTotals(rows: readonly PersonQuota[]): QuotaReport["totals"] {
  return rows.reduce((t, r) => ({ people: t.people + 1, required: t.required + r.required, done: t.done + r.done, missing: t.missing + r.missing, behind: t.behind + (r.missing > 0 ? 1 : 0) }), { people: 0, required: 0, done: 0, missing: 0, behind: 0 });
}

/** People per counting query: within any database's limit on bound parameters. */
const PEOPLE_PER_QUERY = 1_000;

/**
 * Per inspector among `people` (those some rule applies to: the grid's many others are not
 * counted), one number per bucket: check-ins in its span (of its kind), or with `own` the distinct
 * enterprises among them that the inspector is 行政负责人 or 行业部门监管负责人 of.
 */
async function countChecks(manager: EntityManager, people: number[], buckets: Bucket[], own: boolean): Promise<Map<number, Map<string, number>>> {
  const out = new Map<number, Map<string, number>>();
  if (buckets.length === 0) return out;
  for (let i = 0; i < people.length; i += PEOPLE_PER_QUERY) {
    for (const [person, counts] of await countChecksOf(manager, people.slice(i, i + PEOPLE_PER_QUERY), buckets, own)) out.set(person, counts);
  }
  return out;
}

async function countChecksOf(manager: EntityManager, people: number[], buckets: Bucket[], own: boolean): Promise<Map<number, Map<string, number>>> {
  const out = new Map<number, Map<string, number>>();
  const q = manager.createQueryBuilder().from(Inspection, "i").select("i.inspector_id", "p");
  const params: Record<string, unknown> = { people };
  for (const b of buckets) {
    params[`${b.alias}f`] = b.from;
    params[`${b.alias}t`] = b.to;
    let when = `i.checked_in_at >= :${b.alias}f AND i.checked_in_at < :${b.alias}t`;
    if (b.kind) {
      params[`${b.alias}k`] = b.kind;
      when += ` AND i.kind = :${b.alias}k`;
    }
    q.addSelect(own ? `COUNT(DISTINCT CASE WHEN ${when} THEN i.enterprise_id END)` : `SUM(CASE WHEN ${when} THEN 1 ELSE 0 END)`, b.alias);
  }
  if (own) q.innerJoin(Enterprise, "e", "e.id = i.enterprise_id AND (e.admin_owner_id = i.inspector_id OR e.supervisor_owner_id = i.inspector_id)");
  params.from = new Date(Math.min(...buckets.map((b) => b.from.getTime())));
  params.to = new Date(Math.max(...buckets.map((b) => b.to.getTime())));
  const rows = await q
    .where("i.inspector_id IN (:...people)")
    .andWhere("i.checked_in_at >= :from AND i.checked_in_at < :to")
    .groupBy("i.inspector_id")
    .setParameters(params)
    .getRawMany<Record<string, number | string | null>>();
  for (const r of rows) out.set(Number(r.p), new Map(buckets.map((b) => [b.alias, Number(r[b.alias] ?? 0)])));
  return out;
}

/** How many active enterprises each person in scope answers for (as 行政负责人 or 行业部门监管负责人, each once). */
async function ownEnterpriseCounts(manager: EntityManager, prefix: string): Promise<Map<number, number>> {
  const inScope = "IN (SELECT sp.id FROM people sp INNER JOIN org_units spu ON spu.id = sp.unit_id WHERE spu.path LIKE :prefix)";
  const rows = await manager
    .createQueryBuilder(Enterprise, "e")
    .select(["e.id", "e.adminOwnerId", "e.supervisorOwnerId"])
    .where("e.active = :yes", { yes: true })
    .andWhere(`(e.admin_owner_id ${inScope} OR e.supervisor_owner_id ${inScope})`, { prefix })
    .getMany();
  const counts = new Map<number, number>();
  for (const e of rows) {
    for (const owner of new Set([e.adminOwnerId, e.supervisorOwnerId])) if (owner !== null) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  return counts;
}

function weekLabelOf(monday: string): string {
  return `${monday} 起一周`;
}
