import type { EntityManager } from "typeorm";
import { InspectionFrequency } from "../../db/entities/InspectionFrequency";
import { QuotaRule } from "../../db/entities/QuotaRule";
import { inspectionKindLabels, type InspectionKind } from "../inspections/vocabulary";
import { type RiskLevel, type RoleCode, riskLevels, roles } from "../org/vocabulary";

export type QuotaPeriod = "week" | "month";

/** One 日周月 rule as the domain reads it. */
export interface QuotaRuleView {
  role: RoleCode;
  period: QuotaPeriod;
  required: number;
  /** Only this kind of check counts; null: any. */
  inspectionKind: InspectionKind | null;
  /** Distinct enterprises the person answers for, rather than check-ins. */
  ownEnterprises: boolean;
}

/** `监管人员：每周至少 1 次执法检查`: a rule in words. */
export function describeRule(rule: QuotaRuleView): string {
  const per = rule.period === "week" ? "每周" : "每月";
  const what = rule.ownEnterprises ? "家本人负责的企业" : rule.inspectionKind ? `次${inspectionKindLabels[rule.inspectionKind]}` : "次检查";
  return `${roles.label(rule.role)}：${per}至少 ${rule.required} ${what}`;
}

export async function loadRules(manager: EntityManager): Promise<QuotaRuleView[]> {
  const rows = await manager.find(QuotaRule, { order: { id: "ASC" } });
  return rows
    .filter((r) => roles.parse(r.role) !== undefined && (r.period === "week" || r.period === "month"))
    .map((r) => ({ role: r.role as RoleCode, period: r.period as QuotaPeriod, required: r.required, inspectionKind: (r.inspectionKind as InspectionKind | null) ?? null, ownEnterprises: r.ownEnterprises }));
}

/** Months between inspections by risk colour; a colour without a row is never overdue. */
export async function loadFrequencies(manager: EntityManager): Promise<Map<RiskLevel, number>> {
  const rows = await manager.find(InspectionFrequency);
  return new Map(rows.filter((r) => riskLevels.parse(r.riskLevel) !== undefined).map((r) => [r.riskLevel as RiskLevel, r.months]));
}

/** Replaces one role's rule (or removes it with `required` 0). */
export async function saveRule(manager: EntityManager, rule: QuotaRuleView): Promise<void> {
  await manager.delete(QuotaRule, { role: rule.role });
  if (rule.required > 0) await manager.insert(QuotaRule, { role: rule.role, period: rule.period, required: rule.required, inspectionKind: rule.inspectionKind, ownEnterprises: rule.ownEnterprises });
}

export async function saveFrequency(manager: EntityManager, riskLevel: RiskLevel, months: number): Promise<void> {
  await manager.delete(InspectionFrequency, { riskLevel });
  await manager.insert(InspectionFrequency, { riskLevel, months });
}
