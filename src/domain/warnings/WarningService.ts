import type { Database } from "../../db/Database";
import { OrgUnit, type Person } from "../../db/entities";
import { AppError } from "../../errors";
import { formatLocal } from "../../clock";
import type { CalloutService } from "../callouts";
import { LEVELS, WARNING_TYPES, type WarningLevel, type WarningType } from "../callouts/vocabulary";
import { type RoleCode, roles as roleWords } from "../org/vocabulary";
import { matchAreas } from "./areas";
import { type Selected, selectPeople } from "./recipients";
import { DEFAULT_WARNING_RULES, selectRules, type WarningRule } from "./rules";

/** A warning as the edge parsed it from CAP XML or the JSON form. */
export interface WarningInput {
  type: WarningType;
  level: WarningLevel;
  /** Unit names or codes, as the publisher wrote them. */
  areas: string[];
  validFrom: Date | null;
  validTo: Date | null;
  /** The publisher's headline; a title is made from type and level when absent. */
  headline: string | null;
  text: string;
}

/** The draft made from a warning, as the initiator checks it before sending. */
export interface WarningDraft {
  calloutId: number;
  title: string;
  warningType: WarningType;
  level: WarningLevel;
  answerMinutes: number;
  total: number;
  areas: { code: string; name: string }[];
  unknownAreas: string[];
  byUnit: { code: string; name: string; count: number }[];
  byRole: { role: string; label: string; count: number }[];
}

export interface WarningServiceDeps {
  db: Database;
  callouts: CalloutService;
  rules?: readonly WarningRule[];
}

const unknownAreaError = (unknown: string[], partialHelps: boolean) =>
  new AppError(
    "warning_unknown_area",
    `以下预警区域在本县单位中找不到：${unknown.join("、")}。请核对名称或改用单位编码${partialHelps ? "；如只叫应已识别的区域，请加参数 ?partial=1 重新提交" : ""}`,
    422,
    { unknownAreas: unknown },
  );

/** Weather warnings to 叫应 drafts: areas × the rule table's roles, never sent without a person's check. */
export class WarningService {
  private readonly rules: readonly WarningRule[];

  constructor(private readonly deps: WarningServiceDeps) {
    this.rules = deps.rules ?? DEFAULT_WARNING_RULES;
  }

  /**
   * Any unknown area refuses the whole warning (422) unless `partial`: a misspelt village must not
   * silently go uncalled. With `partial`, the known areas are called and the unknown ones listed.
   */
  async intake(actor: Person, w: WarningInput, opts: { partial: boolean }): Promise<WarningDraft> {
    const tx = this.deps.db.manager;
    const areas = await matchAreas(tx, w.areas);
    if (areas.units.length === 0) throw unknownAreaError(areas.unknown.length ? areas.unknown : ["（未指定区域）"], false);
    if (areas.unknown.length && !opts.partial) throw unknownAreaError(areas.unknown, true);
    const people = await selectPeople(tx, areas.units, selectRules(this.rules, w.type, w.level));
    if (people.length === 0) throw new AppError("warning_no_recipients", "按预警区域和叫应规则没有找到任何人员，请改用叫应接口直接指定人员", 422);
    const title = clip(w.headline ?? `${WARNING_TYPES[w.type]}${LEVELS[w.level]}预警叫应`, 100);
    const c = await this.deps.callouts.create(actor, {
      title,
      text: clip(composeText(w), 2000),
      warningType: w.type,
      level: w.level,
      // Red and orange ask for 落实措施 (停工、撤离) as well as 收到.
      requiresReport: w.level === "red" || w.level === "orange",
      rules: [],
      personIds: people.map((s) => s.person.id),
      remindEveryMinutes: 5,
      maxReminders: 2,
    });
    const summary = await this.summarize(people);
    return {
      calloutId: c.id,
      title,
      warningType: w.type,
      level: w.level,
      answerMinutes: c.answerMinutes,
      total: people.length,
      areas: areas.units.map((u) => ({ code: u.code, name: u.name })),
      unknownAreas: areas.unknown,
      ...summary,
    };
  }

  private async summarize(people: readonly Selected[]): Promise<Pick<WarningDraft, "byUnit" | "byRole">> {
    const units = new Map((await this.deps.db.manager.find(OrgUnit)).map((u) => [u.id, u]));
    const byUnit = new Map<number, number>();
    const byRole = new Map<RoleCode, number>();
    for (const s of people) {
      byUnit.set(s.person.unitId, (byUnit.get(s.person.unitId) ?? 0) + 1);
      for (const r of s.because) byRole.set(r, (byRole.get(r) ?? 0) + 1);
    }
    return {
      byUnit: [...byUnit].map(([id, count]) => ({ code: units.get(id)?.code ?? "", name: units.get(id)?.name ?? "", count })),
      byRole: [...byRole].map(([role, count]) => ({ role, label: roleWords.label(role), count })),
    };
  }
}

function composeText(w: WarningInput): string {
  const from = w.validFrom ? formatLocal(w.validFrom) : null;
  const to = w.validTo ? formatLocal(w.validTo) : null;
  const validity = from || to ? `\n有效时间：${from ?? "即日起"} 至 ${to ?? "另行通知"}` : "";
  return `${w.text.trim()}${validity}`;
}

const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
