import type { EntityManager } from "typeorm";
import { InspectionFrequency } from "../../db/entities/InspectionFrequency";
import { QuotaRule } from "../../db/entities/QuotaRule";
import { inspectionKindLabels, type InspectionKind } from "../inspections/vocabulary";
import { type RiskLevel, type RoleCode, riskLevels, roles } from "../org/vocabulary";

export type QuotaPeriod = "week" | "month" | "half_year";

export const QUOTA_PERIODS: readonly QuotaPeriod[] = ["week", "month", "half_year"];

/** One 日周月 rule as the domain reads it. */
export interface QuotaRuleView {
  role: RoleCode;
  period: QuotaPeriod;
  required: number;
  /** Only this kind of check counts; null: any. */
  inspectionKind: InspectionKind | null;
  /** Distinct enterprises the person answers for, rather than check-ins. */
  ownEnterprises: boolean;
  /** Every one of those enterprises (the half-year rule): required is their number, whatever `required` says. */
  eachEnterprise: boolean;
}

/** `监管人员：每周至少 1 次执法检查`: a rule in words. */
export function describeRule(rule: QuotaRuleView): string {
  const per = { week: "每周", month: "每月", half_year: "每半年" }[rule.period];
  const how = rule.inspectionKind ? inspectionKindLabels[rule.inspectionKind] : "检查";
  if (rule.eachEnterprise) return `${roles.label(rule.role)}：${per}${how}本人负责的每一家企业`;
  const what = rule.ownEnterprises ? "家本人负责的企业" : rule.inspectionKind ? `次${inspectionKindLabels[rule.inspectionKind]}` : "次检查";
  return `${roles.label(rule.role)}：${per}至少 ${rule.required} ${what}`;
}

export async function loadRules(manager: EntityManager): Promise<QuotaRuleView[]> {
  const rows = await manager.find(QuotaRule, { order: { id: "ASC" } });
  return rows
    .filter((r) => roles.parse(r.role) !== undefined && QUOTA_PERIODS.includes(r.period as QuotaPeriod))
    .map((r) => ({
      role: r.role as RoleCode,
      period: r.period as QuotaPeriod,
      required: r.required,
      inspectionKind: (r.inspectionKind as InspectionKind | null) ?? null,
      // Each of one's own enterprises is a kind of own-enterprise rule, whatever the row says.
      ownEnterprises: r.ownEnterprises || r.eachEnterprise,
      eachEnterprise: r.eachEnterprise,
    }));
}

/** Months between inspections by risk colour; a colour without a row is never overdue. */
export async function loadFrequencies(manager: EntityManager): Promise<Map<RiskLevel, number>> {
  const rows = await manager.find(InspectionFrequency);
  return new Map(rows.filter((r) => riskLevels.parse(r.riskLevel) !== undefined).map((r) => [r.riskLevel as RiskLevel, r.months]));
}

/** Replaces a role's rule for one period (or removes it with `required` 0); its rules for other periods stay. */
export async function saveRule(manager: EntityManager, rule: QuotaRuleView): Promise<void> {
  await manager.delete(QuotaRule, { role: rule.role, period: rule.period });
  if (rule.required > 0) {
    await manager.insert(QuotaRule, { role: rule.role, period: rule.period, required: rule.required, inspectionKind: rule.inspectionKind, ownEnterprises: rule.ownEnterprises || rule.eachEnterprise, eachEnterprise: rule.eachEnterprise });
  }
}

export async function saveFrequency(manager: EntityManager, riskLevel: RiskLevel, months: number): Promise<void> {
  await manager.delete(InspectionFrequency, { riskLevel });
  await manager.insert(InspectionFrequency, { riskLevel, months });
}
