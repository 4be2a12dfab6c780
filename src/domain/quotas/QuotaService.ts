import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { OrgUnit } from "../../db/entities";
import { overdueEnterprises, type OverdueEnterprise } from "./frequency";
import { parsePeriod, type QuotaWindow } from "./period";
import { quotaProgress, type QuotaReport, unitByCode } from "./progress";
import { loadFrequencies, loadRules, type QuotaRuleView, saveFrequency, saveRule } from "./rules";
import type { RiskLevel } from "../org/vocabulary";

export interface QuotaServiceDeps {
  db: Database;
  clock: Clock;
}

/** 日周月 quotas and 分级监管 frequencies, computed from the check-ins (巡查打卡). */
export class QuotaService {
  constructor(private readonly deps: QuotaServiceDeps) {}

  rules(): Promise<QuotaRuleView[]> {
    return loadRules(this.deps.db.manager);
  }

  /** Replaces a role's rule; `required` 0 removes it. */
  async setRule(rule: QuotaRuleView): Promise<QuotaRuleView[]> {
    await this.deps.db.transaction((tx) => saveRule(tx, rule));
    return this.rules();
  }

  /** Months between inspections by risk colour. */
  async frequencies(): Promise<Record<string, number>> {
    return Object.fromEntries(await loadFrequencies(this.deps.db.manager));
  }

  async setFrequency(riskLevel: RiskLevel, months: number): Promise<Record<string, number>> {
    await this.deps.db.transaction((tx) => saveFrequency(tx, riskLevel, months));
    return this.frequencies();
  }

  /** Per person in the unit and below: required, done, missing over `period` (`YYYY-MM` or `YYYY-Www`). */
  async progress(unitCode: string, period: string): Promise<QuotaReport> {
    const window = parsePeriod(period);
    const unit = await unitByCode(this.deps.db.manager, unitCode);
    return this.progressOf(unit, window);
  }

  async progressOf(unit: OrgUnit, window: QuotaWindow): Promise<QuotaReport> {
    return quotaProgress(this.deps.db.manager, unit, window, await loadRules(this.deps.db.manager));
  }

  /** The same, for a unit named by code. */
  async overdueEnterprisesOf(unitCode: string): Promise<OverdueEnterprise[]> {
    return this.overdueEnterprises(await unitByCode(this.deps.db.manager, unitCode));
  }

  /** Enterprises in the unit and below overdue for the inspection their risk colour calls for. */
  async overdueEnterprises(unit: Pick<OrgUnit, "path">, now: Date = this.deps.clock.now()): Promise<OverdueEnterprise[]> {
    return overdueEnterprises(this.deps.db.manager, unit, await loadFrequencies(this.deps.db.manager), now);
  }
}
