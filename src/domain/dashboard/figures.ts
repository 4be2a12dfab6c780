import { type EntityManager, In, Like as LikeOp } from "typeorm";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { Callout, CalloutRecipient, Hazard, Inspection, OrgUnit, Tip } from "../../db/entities";
import { LEVELS } from "../callouts/vocabulary";
import { OPEN_STATES } from "../hazards/queries";
import { hazardLevels, hazardStates } from "../hazards/vocabulary";
import { monthOf, monthWindow, QuotaService } from "../quotas";
import { overdueTrend } from "./overdueTrend";
import { tipStates } from "../tips/vocabulary";

/** What the dashboard is asked for: the units it covers (a scope ∩ a chosen subtree; null = the county), the unit its columns break down, and a period. */
export interface DashboardQuery {
  /** Every unit counted; null: all. */
  units: ReadonlySet<number> | null;
  /** The units whose children are the columns of "by unit" (the chosen unit, or the scope's roots, or the county's root). */
  breakdown: OrgUnit[];
  from: Date;
  to: Date;
  /** Whether tips are shown (the viewer may read them). */
  tips: boolean;
}

/**
 * The county (or a part of it) at a glance: hazards by state, level and unit, the overdue trend,
 * inspections against quota, 叫应 campaigns and their answer rate, tips. Counts only; every figure
 * is what the lists would show for the same units and period.
 */
export async function dashboardFigures(db: Database, clock: Clock, q: DashboardQuery) {
  const m = db.manager;
  const now = clock.now();
  const within = q.units ? [...q.units] : null;
  const hazards = await m.find(Hazard, {
    where: within ? { unitId: In(within.length ? within : [0]) } : {},
    select: { id: true, state: true, level: true, unitId: true, deadline: true, reportedAt: true, closedAt: true },
  });
  const inPeriod = hazards.filter((h) => h.reportedAt >= q.from && h.reportedAt < q.to);
  const isOpen = (h: Hazard) => OPEN_STATES.includes(h.state);
  const overdueNow = (h: Hazard) => isOpen(h) && h.deadline !== null && h.deadline < now;
  const count = <C extends string>(codes: readonly C[], label: (c: C) => string, of: (h: Hazard) => string) =>
    codes.map((code) => ({ code, label: label(code), count: inPeriod.filter((h) => of(h) === code).length }));

  const columns = await childrenOf(m, q.breakdown, q.units);
  const subtreeOf = async (u: OrgUnit) => new Set((await m.find(OrgUnit, { where: { path: Like(u.path) }, select: { id: true } })).map((x) => x.id));
  const byUnit = [];
  const quotas = new QuotaService({ db, clock });
  const window = monthWindow(monthOf(new Date(Math.min(q.to.getTime() - 1, now.getTime()))));
  const inspections = await m.find(Inspection, { where: within ? { unitId: In(within.length ? within : [0]) } : {}, select: { id: true, unitId: true, checkedInAt: true } });
  const checked = inspections.filter((i) => i.checkedInAt >= q.from && i.checkedInAt < q.to);
  const inspectionColumns = [];
  for (const u of columns) {
    const ids = await subtreeOf(u);
    const mine = hazards.filter((h) => ids.has(h.unitId));
    byUnit.push({ id: u.id, code: u.code, name: u.name, count: mine.filter((h) => h.reportedAt >= q.from && h.reportedAt < q.to).length, open: mine.filter(isOpen).length, overdue: mine.filter(overdueNow).length });
    const quota = await quotas.progressOf(u, window);
    inspectionColumns.push({ id: u.id, code: u.code, name: u.name, done: checked.filter((i) => ids.has(i.unitId)).length, required: quota.totals.required, quotaDone: quota.totals.done });
  }
  const totalQuota = q.breakdown.length === 1 ? await quotas.progressOf(q.breakdown[0] as OrgUnit, window) : null;

  return {
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    hazards: {
      byState: count(hazardStates.codes, hazardStates.labelOf, (h) => h.state),
      byLevel: count(hazardLevels.codes, hazardLevels.labelOf, (h) => h.level),
      byUnit,
      overdueTrend: await overdueTrend(m, within, q.from, q.to, now),
      reported: inPeriod.length,
      open: hazards.filter(isOpen).length,
      overdue: hazards.filter(overdueNow).length,
    },
    inspections: {
      done: checked.length,
      quota: totalQuota ? { period: window.label, required: totalQuota.totals.required, done: totalQuota.totals.done, missing: totalQuota.totals.missing } : null,
      byUnit: inspectionColumns,
    },
    callouts: await calloutFigures(m, within, q.from, q.to),
    tips: q.tips ? await tipFigures(m, q.from, q.to) : null,
    // The duty roster arrives with the duty feature (issue 12); until then the dashboard says so.
    duty: null,
  };
}

/** The subtree of a unit (`path` lists ancestors and itself, so a prefix match is the subtree). */
const Like = (path: string) => LikeOp(`${path}%`);

/** The children of the breakdown units that lie in the scope (or the units themselves when they have none). */
async function childrenOf(m: EntityManager, parents: OrgUnit[], units: ReadonlySet<number> | null): Promise<OrgUnit[]> {
  const out: OrgUnit[] = [];
  for (const p of parents) {
    const kids = (await m.find(OrgUnit, { where: { parentId: p.id }, order: { code: "ASC" } })).filter((u) => !units || units.has(u.id));
    out.push(...(kids.length ? kids : [p]));
  }
  return out;
}

async function calloutFigures(m: EntityManager, within: number[] | null, from: Date, to: Date) {
  const q = m.createQueryBuilder(Callout, "c").where("c.sent_at >= :from AND c.sent_at < :to", { from, to });
  if (within) q.andWhere(within.length ? "c.initiator_id IN (SELECT p.id FROM people p WHERE p.unit_id IN (:...within))" : "1 = 0", { within });
  const campaigns = await q.orderBy("c.sent_at", "DESC").getMany();
  const recipients = campaigns.length ? await m.find(CalloutRecipient, { where: { calloutId: In(campaigns.map((c) => c.id)) }, select: { id: true, calloutId: true, acknowledgedAt: true } }) : [];
  const answered = recipients.filter((r) => r.acknowledgedAt !== null).length;
  return {
    campaigns: campaigns.length,
    called: recipients.length,
    answered,
    answerRate: recipients.length ? answered / recipients.length : null,
    recent: campaigns.slice(0, 10).map((c) => {
      const mine = recipients.filter((r) => r.calloutId === c.id);
      return { id: c.id, title: c.title, level: { code: c.level, label: LEVELS[c.level] }, sentAt: c.sentAt?.toISOString() ?? null, total: mine.length, answered: mine.filter((r) => r.acknowledgedAt !== null).length };
    }),
  };
}

async function tipFigures(m: EntityManager, from: Date, to: Date) {
  const tips = await m.createQueryBuilder(Tip, "t").select(["t.id", "t.state"]).where("t.reported_at >= :from AND t.reported_at < :to", { from, to }).getMany();
  return { total: tips.length, byState: tipStates.codes.map((code) => ({ code, label: tipStates.labelOf(code), count: tips.filter((t) => t.state === code).length })) };
}
