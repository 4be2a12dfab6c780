import type { EntityManager } from "typeorm";
import { Enterprise, Inspection, OrgUnit, Person } from "../../db/entities";
import { NotFound } from "../../errors";
import { type RoleCode, roles } from "../org/vocabulary";
import { addDays, dayStart, monthSpan } from "./calendar";
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

interface CheckRow {
  inspectorId: number;
  enterpriseId: number;
  kind: string;
  at: Date;
}

/** The unit and every unit below it, by code. */
export async function unitByCode(manager: EntityManager, code: string): Promise<OrgUnit> {
  const unit = await manager.findOne(OrgUnit, { where: { code } });
  if (!unit) throw NotFound(`单位“${code}”`, "unit_not_found");
  return unit;
}

/**
 * Progress against the 日周月 rules of everyone active in `unit` and below. Weekly rules are judged
 * week by week (a week belongs to the month its Monday is in, so months add up); checks beyond a
 * rule's count in one window do not make up for another window.
 */
export async function quotaProgress(manager: EntityManager, unit: OrgUnit, window: QuotaWindow, rules: readonly QuotaRuleView[]): Promise<QuotaReport> {
  const ruleRoles = [...new Set(rules.map((r) => r.role))];
  const people = (
    await manager
      .createQueryBuilder(Person, "p")
      .innerJoin(OrgUnit, "u", "u.id = p.unit_id")
      .where("u.path LIKE :prefix", { prefix: `${unit.path}%` })
      .andWhere("p.active = :yes", { yes: true })
      .orderBy("p.id", "ASC")
      .getMany()
  ).filter((p) => p.roles.some((r) => ruleRoles.includes(r)));
  const unitNames = new Map((await manager.find(OrgUnit, { select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  const ids = people.map((p) => p.id);
  const month = monthSpan(window.month);
  const weekFrom = window.mondays.length ? dayStart(window.mondays[0] as string) : window.span.from;
  const weekTo = window.mondays.length ? dayStart(addDays(window.mondays[window.mondays.length - 1] as string, 7)) : window.span.to;
  const from = new Date(Math.min(month.from.getTime(), weekFrom.getTime()));
  const to = new Date(Math.max(month.to.getTime(), weekTo.getTime()));
  const checks = ids.length ? await checksOf(manager, ids, from, to) : [];
  const own = ids.length ? await ownEnterprises(manager, ids) : new Map<number, Set<number>>();
  const byPerson = new Map<number, CheckRow[]>();
  for (const c of checks) byPerson.set(c.inspectorId, [...(byPerson.get(c.inspectorId) ?? []), c]);

  const rows = people.map((p): PersonQuota => {
    const items: QuotaItem[] = [];
    for (const rule of rules.filter((r) => p.roles.includes(r.role))) {
      const mine = (byPerson.get(p.id) ?? []).filter((c) => (rule.inspectionKind ? c.kind === rule.inspectionKind : true) && (rule.ownEnterprises ? own.get(p.id)?.has(c.enterpriseId) : true));
      const count = (a: Date, b: Date) => {
        const inside = mine.filter((c) => c.at >= a && c.at < b);
        return rule.ownEnterprises ? new Set(inside.map((c) => c.enterpriseId)).size : inside.length;
      };
      if (rule.period === "week") {
        for (const monday of window.mondays) {
          const done = count(dayStart(monday), dayStart(addDays(monday, 7)));
          items.push({ rule: describeRule(rule), window: weekLabelOf(monday), required: rule.required, done: Math.min(done, rule.required) });
        }
      } else {
        items.push({ rule: describeRule(rule), window: window.month, required: rule.required, done: Math.min(count(month.from, month.to), rule.required) });
      }
    }
    const required = items.reduce((s, i) => s + i.required, 0);
    const done = items.reduce((s, i) => s + i.done, 0);
    return { personId: p.id, name: p.name, unit: unitNames.get(p.unitId) ?? "", roles: p.roles.map((r: RoleCode) => roles.label(r)), required, done, missing: required - done, items };
  });
  const totals = rows.reduce((t, r) => ({ people: t.people + 1, required: t.required + r.required, done: t.done + r.done, missing: t.missing + r.missing, behind: t.behind + (r.missing > 0 ? 1 : 0) }), { people: 0, required: 0, done: 0, missing: 0, behind: 0 });
  return { unit: { code: unit.code, name: unit.name }, period: window.label, people: rows, totals };
}

async function checksOf(manager: EntityManager, ids: number[], from: Date, to: Date): Promise<CheckRow[]> {
  const rows = await manager
    .createQueryBuilder(Inspection, "i")
    .select(["i.inspectorId", "i.enterpriseId", "i.kind", "i.checkedInAt"])
    .where("i.inspector_id IN (:...ids)", { ids })
    .andWhere("i.checked_in_at >= :from AND i.checked_in_at < :to", { from, to })
    .getMany();
  return rows.map((r) => ({ inspectorId: r.inspectorId, enterpriseId: r.enterpriseId, kind: r.kind, at: r.checkedInAt }));
}

/** The enterprises each person is 行政负责人 or 行业部门监管负责人 of. */
async function ownEnterprises(manager: EntityManager, ids: number[]): Promise<Map<number, Set<number>>> {
  const rows = await manager
    .createQueryBuilder(Enterprise, "e")
    .select(["e.id", "e.adminOwnerId", "e.supervisorOwnerId"])
    .where("e.admin_owner_id IN (:...ids) OR e.supervisor_owner_id IN (:...ids)", { ids })
    .getMany();
  const map = new Map<number, Set<number>>();
  for (const e of rows) {
    for (const owner of [e.adminOwnerId, e.supervisorOwnerId]) {
      if (owner === null || !ids.includes(owner)) continue;
      map.set(owner, (map.get(owner) ?? new Set()).add(e.id));
    }
  }
  return map;
}

function weekLabelOf(monday: string): string {
  return `${monday} 起一周`;
}
