import { api, type Labelled } from "./api";

// 系统设置: GET /api/settings answers every area with where it is changed. What is data is edited
// here through its own route; what is an .env setting is shown with `how` to change it.

export interface QuotaRule {
  role: string;
  period: "week" | "month" | "half_year";
  required: number;
  inspectionKind: string | null;
  ownEnterprises: boolean;
  eachEnterprise: boolean;
}
export interface TipCategory {
  code: string;
  name: string;
  hint: string;
  sortOrder: number;
  active: boolean;
}
export interface CriticalPeriod {
  id: number;
  kind: Labelled;
  name: string;
  unit: { id: number; name: string | null } | null;
  start: string;
  end: string;
}
interface EnvSetting {
  changedBy: string;
  how?: string;
}
export interface Ladder extends EnvSetting {
  steps: { label: string; daysAfterDeadline: number | null }[];
  /** `console`: an administrator's days; `env`: HAZARD_LADDER_DAYS. */
  source: "console" | "env";
}
export interface AnswerMinutes extends EnvSetting {
  levels: { code: string; label: string; minutes: number }[];
  source: "console" | "env";
}
export interface Settings {
  hazardLadder?: Ladder;
  calloutAnswerMinutes?: AnswerMinutes;
  quietHours?: EnvSetting & { value: string };
  digest?: EnvSetting & { hour: number; recipients: Recipient[]; reportRecipients?: Recipient[] };
  quotas?: { rules: QuotaRule[]; frequencies: Record<string, number>; changedBy: string };
  tipCategories?: { categories: TipCategory[]; changedBy: string };
  criticalPeriods?: { current: CriticalPeriod[]; changedBy: string } | null;
}
export interface Recipient {
  mobile: string;
  person: string | { name: string } | null;
}

export const PERIODS: Labelled[] = [
  { code: "week", label: "每周" },
  { code: "month", label: "每月" },
  { code: "half_year", label: "每半年" },
];

export const loadSettings = async (): Promise<Settings> => (await api.get<Settings>("/api/settings")).data;

/** Replaces a role's rule for one period (0 removes it); answers every rule. */
export const saveQuotaRule = async (rule: QuotaRule): Promise<QuotaRule[]> => {
  const { role, ...body } = rule;
  return (await api.put<QuotaRule[]>(`/api/quotas/rules/${encodeURIComponent(role)}`, body)).data;
};

export const saveFrequency = async (risk: string, months: number): Promise<Record<string, number>> => (await api.put<Record<string, number>>(`/api/quotas/frequencies/${encodeURIComponent(risk)}`, { months })).data;

export const saveTipCategory = async (c: TipCategory): Promise<TipCategory> => {
  const { code, ...body } = c;
  return (await api.put<TipCategory>(`/api/tip-categories/${encodeURIComponent(code)}`, body)).data;
};

export const addCriticalPeriod = async (p: { kind: string; name: string; unit?: string; start: string; end: string }): Promise<void> => {
  await api.post("/api/duty/critical-periods", p);
};
export const endCriticalPeriod = async (id: number): Promise<void> => {
  await api.postRaw(`/api/duty/critical-periods/${id}/end`);
};

/** Sets the ladder's four days (null: back to HAZARD_LADDER_DAYS); answers the ladder as it now is. */
export const saveLadder = async (days: (number | null)[] | null): Promise<Ladder> => (await api.put<Ladder>("/api/settings/hazard-ladder", { days })).data;

/** Sets the minutes to answer by level (null: back to CALLOUT_ANSWER_MINUTES). */
export const saveAnswerMinutes = async (minutes: Record<string, number | null> | null): Promise<AnswerMinutes> =>
  (await api.put<AnswerMinutes>("/api/settings/callout-answer-minutes", { minutes })).data;
