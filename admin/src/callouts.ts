import type { Labelled, Ref } from "./api";

export const WARNING_TYPES: Labelled[] = Object.entries({ rainstorm: "暴雨", gale: "大风", snow_ice: "冰雪", fog: "大雾", heat: "高温", thunder: "雷电", other: "其他" }).map(([code, label]) => ({ code, label }));
export const LEVELS: Labelled[] = Object.entries({ red: "红色", orange: "橙色", yellow: "黄色", blue: "蓝色" }).map(([code, label]) => ({ code, label }));
/** The directory's roles a 叫应 rule may pick. */
export const ROLES: Labelled[] = Object.entries({
  chief: "主要负责人",
  deputy_leader: "分管负责人",
  admin_owner: "行政负责人",
  duty_leader: "带班领导",
  duty_officer: "值班人员",
  inspector: "监管人员",
  enforcer: "执法队员",
  grid_member: "网格员",
  village_cadre: "村社区干部",
  dept_supervisor: "行业部门监管负责人",
  enterprise_owner: "企业单位负责人",
}).map(([code, label]) => ({ code, label }));

export const LEVEL_COLORS: Record<string, string> = { red: "#f56c6c", orange: "#f89c38", yellow: "#e6c13c", blue: "#409eff" };

export interface CalloutRow {
  id: number;
  title: string;
  warningType: Labelled;
  level: Labelled;
  state: Labelled;
  initiator: Ref;
  createdAt: string;
  sentAt: string | null;
  deadlineAt: string | null;
  counts: { total: number; answered: number };
  answerRate: number | null;
}

export interface PreviewRow {
  personId: number;
  name: string;
  unit: string;
  roles: Labelled[];
  reachable: boolean;
}

/** GET /api/callouts/:id: the live board. */
export interface Board {
  id: number;
  title: string;
  warningType: Labelled;
  level: Labelled;
  state: Labelled;
  requiresReport: boolean;
  sentAt: string | null;
  deadlineAt: string | null;
  closedAt: string | null;
  counts: { total: number; answered: number; notYet: number; escalated: number; unreachable: number; reported: number; late: number };
  people: { recipientId: number; personId: number; name: string; state: Labelled; acknowledgedAt: string | null; ackChannel: string | null; late: boolean; reportText: string | null; remindersSent: number }[];
}
