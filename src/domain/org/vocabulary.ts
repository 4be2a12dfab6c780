import { defineVocabulary } from "../kernel/vocabulary";

/**
 * The closed vocabularies of the directory, stored as stable English codes and shown in Chinese.
 * Spreadsheets and people use the Chinese labels; the database and programs use the codes.
 */

/**
 * The kernel's vocabulary, plus `label` (the name the directory code has always called `labelOf` by).
 */
function vocabulary<const T extends Record<string, string>>(labels: T) {
  const v = defineVocabulary(labels);
  return { ...v, label: v.labelOf };
}

export const unitKinds = vocabulary({
  bureau: "县局",
  department: "科室",
  squad: "执法中队",
  town: "镇街",
  village: "村社区",
});
export type UnitKind = (typeof unitKinds.codes)[number];

export const roles = vocabulary({
  admin: "管理员",
  inspector: "监管人员",
  enforcer: "执法队员",
  grid_member: "网格员",
  village_cadre: "村社区干部",
  enterprise_owner: "企业单位负责人",
  dept_supervisor: "行业部门监管负责人",
  admin_owner: "行政负责人",
  deputy_leader: "分管负责人",
  chief: "主要负责人",
  duty_officer: "值班人员",
  duty_leader: "带班领导",
  tip_officer: "举报受理人员",
});
export type RoleCode = (typeof roles.codes)[number];

export const industries = vocabulary({
  gas: "燃气",
  construction: "建筑施工",
  fire_key_site: "消防重点场所",
  hazchem: "危化品",
  special_equipment: "特种设备",
  road_traffic: "道路交通",
  industry_trade: "工贸",
  tourism: "旅游",
  confined_space: "有限空间",
  other: "其他",
});
export type Industry = (typeof industries.codes)[number];

export const scales = vocabulary({ designated: "规上", small: "小微" });
export type EnterpriseScale = (typeof scales.codes)[number];

export const riskLevels = vocabulary({ red: "红", orange: "橙", yellow: "黄", blue: "蓝" });
export type RiskLevel = (typeof riskLevels.codes)[number];
