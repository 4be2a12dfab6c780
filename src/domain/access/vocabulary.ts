import { defineVocabulary } from "../kernel/vocabulary";

/** The admin console's roles (as RuoYi's 角色): what a person may do there. */
export const consoleRoles = defineVocabulary({
  admin: "管理员",
  leader: "领导",
  staff: "单位工作人员",
  tip_officer: "举报受理人员",
  readonly: "只读",
});
export type ConsoleRole = (typeof consoleRoles.codes)[number];

/** RuoYi's five data scopes: which units' data a person sees. */
export const dataScopes = defineVocabulary({
  all: "全部",
  custom: "自定义",
  unit: "本单位",
  unit_and_below: "本单位及以下",
  self: "仅本人",
});
export type DataScopeCode = (typeof dataScopes.codes)[number];

/** Every permission a route can ask for; a menu shows when its `:read` is held. */
export const PERMISSIONS = [
  "dashboard:read",
  "hazards:read",
  "hazards:write",
  "inspections:read",
  "inspections:write",
  "callouts:read",
  "callouts:write",
  "tips:read",
  "tips:write",
  "tips:reveal",
  "duty:read",
  "duty:write",
  "directory:read",
  "directory:write",
  "quotas:read",
  "reports:read",
  "audit:read",
  "settings:read",
  "settings:write",
] as const;
export type Permission = (typeof PERMISSIONS)[number];
