import type { WarningLevel, WarningType } from "../callouts/vocabulary";
import type { Industry, RoleCode } from "../org/vocabulary";

/**
 * Who a weather warning calls, by type and level. Each row adds people inside the warned areas
 * (the units named and everything below them): holders of `roles`, and/or the responsible people
 * (企业单位负责人) of active enterprises supervised there, optionally only of some industries.
 * The table is data so a county can pass its own to WarningService; docs/callouts.md shows the
 * default in Chinese.
 */
export interface WarningRule {
  /** Empty: every warning type. */
  types: readonly WarningType[];
  /** Empty: every level. */
  levels: readonly WarningLevel[];
  roles: readonly RoleCode[];
  /** Owners of enterprises in the areas: "all", a list of industries, or none (undefined). */
  enterpriseOwners?: "all" | readonly Industry[];
}

export const DEFAULT_WARNING_RULES: readonly WarningRule[] = [
  // Red and orange mean work stops and people move: everyone answerable on the ground is called.
  { types: [], levels: ["red", "orange"], roles: ["village_cadre", "duty_leader", "admin_owner"], enterpriseOwners: "all" },
  // Yellow and blue: the village cadres and the duty leaders watch and pass the word on.
  { types: [], levels: ["yellow", "blue"], roles: ["village_cadre", "duty_leader"] },
  // Heat endangers outdoor and hot-floor work whatever the level.
  { types: ["heat"], levels: [], roles: [], enterpriseOwners: ["construction", "industry_trade"] },
  // Rain, wind and lightning stop cranes, scaffolds and scenic trails already at yellow.
  { types: ["rainstorm", "gale", "thunder"], levels: ["yellow"], roles: [], enterpriseOwners: ["construction", "tourism"] },
];

/** What the matching rows ask for, merged: the roles, and the enterprise owners to include. */
export interface RuleSelection {
  roles: RoleCode[];
  /** "all", the industries (deduplicated), or null for no enterprise owners. */
  enterpriseOwners: "all" | Industry[] | null;
}

export function selectRules(rules: readonly WarningRule[], type: WarningType, level: WarningLevel): RuleSelection {
  const matching = rules.filter((r) => (r.types.length === 0 || r.types.includes(type)) && (r.levels.length === 0 || r.levels.includes(level)));
  const roles = [...new Set(matching.flatMap((r) => r.roles))];
  let owners: "all" | Industry[] | null = null;
  for (const r of matching) {
    if (r.enterpriseOwners === undefined) continue;
    if (r.enterpriseOwners === "all" || owners === "all") owners = "all";
    else owners = [...new Set([...(owners ?? []), ...r.enterpriseOwners])];
  }
  return { roles, enterpriseOwners: owners };
}
