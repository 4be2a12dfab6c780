import { formatLocal } from "../../clock";
import type { Hazard, Inspection } from "../../db/entities";
import { hazardLevelLabels, hazardSourceLabels, hazardStateLabels } from "../hazards/vocabulary";
import { isOverdue } from "../hazards/queries";
import { inspectionKindLabels, inspectionResultLabels } from "../inspections/vocabulary";
import type { Names } from "../org/names";

/** One column of a 清单: its Chinese header, a width a person can read, and the cell of a row. */
export interface SheetColumn<T> {
  header: string;
  width: number;
  cell(row: T, n: number, ctx: RowContext): string | number;
}

export interface RowContext {
  names: Names;
  /** 行政负责人 of each enterprise, by enterprise id. */
  adminOwners: Map<number, string>;
  /** The instant "overdue" is judged at (when the report is made). */
  now: Date;
}

const at = (d: Date | null) => (d ? formatLocal(d) : "");
const person = (ctx: RowContext, id: number | null) => (id === null ? "" : (ctx.names.people.get(id) ?? ""));
const place = (h: Hazard, ctx: RowContext) => (h.enterpriseId !== null ? (ctx.names.enterprises.get(h.enterpriseId) ?? "") : (h.locationText ?? ""));

/** 排查清单: every check-in of the month. */
export const INSPECTION_SHEET: SheetColumn<Inspection>[] = [
  { header: "序号", width: 6, cell: (_, n) => n },
  { header: "检查时间", width: 18, cell: (i) => at(i.checkedInAt) },
  { header: "排查单位", width: 22, cell: (i, _, c) => c.names.units.get(i.unitId) ?? "" },
  { header: "检查人员", width: 10, cell: (i, _, c) => person(c, i.inspectorId) },
  { header: "被检查企业（场所）", width: 30, cell: (i, _, c) => c.names.enterprises.get(i.enterpriseId) ?? "" },
  { header: "检查方式", width: 10, cell: (i) => inspectionKindLabels[i.kind] },
  { header: "检查结果", width: 10, cell: (i) => inspectionResultLabels[i.result] },
  { header: "备注", width: 30, cell: (i) => i.note ?? "" },
];

/** 隐患清单: every hazard found in the month. */
export const HAZARD_SHEET: SheetColumn<Hazard>[] = [
  { header: "序号", width: 6, cell: (_, n) => n },
  { header: "隐患编号", width: 16, cell: (h) => h.number },
  { header: "发现时间", width: 18, cell: (h) => at(h.reportedAt) },
  { header: "所属单位", width: 22, cell: (h, _, c) => c.names.units.get(h.unitId) ?? "" },
  { header: "企业（场所）或地点", width: 30, cell: (h, _, c) => place(h, c) },
  { header: "隐患类别", width: 16, cell: (h) => h.category },
  { header: "隐患等级", width: 10, cell: (h) => hazardLevelLabels[h.level] },
  { header: "隐患问题", width: 40, cell: (h) => h.description },
  { header: "来源", width: 10, cell: (h) => hazardSourceLabels[h.source] },
  { header: "挂牌督办", width: 10, cell: (h) => (h.listedForSupervision ? "是" : "否") },
];

/** 整改清单: what is being done about each of them. */
export const RECTIFICATION_SHEET: SheetColumn<Hazard>[] = [
  { header: "序号", width: 6, cell: (_, n) => n },
  { header: "隐患编号", width: 16, cell: (h) => h.number },
  { header: "整改措施", width: 40, cell: (h) => h.measures ?? "" },
  { header: "整改资金", width: 16, cell: (h) => h.funds ?? "" },
  { header: "整改时限", width: 18, cell: (h) => at(h.deadline) },
  { header: "整改状态", width: 10, cell: (h) => hazardStateLabels[h.state] },
  { header: "销号时间", width: 18, cell: (h) => at(h.closedAt) },
  { header: "是否逾期", width: 10, cell: (h, _, c) => (isOverdue(h, c.now) ? "是" : "否") },
];

/** 责任清单: who answers for each of them. */
export const RESPONSIBILITY_SHEET: SheetColumn<Hazard>[] = [
  { header: "序号", width: 6, cell: (_, n) => n },
  { header: "隐患编号", width: 16, cell: (h) => h.number },
  { header: "企业（场所）或地点", width: 30, cell: (h, _, c) => place(h, c) },
  { header: "整改责任人", width: 12, cell: (h, _, c) => person(c, h.ownerId) },
  { header: "行业部门监管负责人", width: 20, cell: (h, _, c) => person(c, h.supervisorId) },
  { header: "行政负责人", width: 12, cell: (h, _, c) => (h.enterpriseId !== null ? (c.adminOwners.get(h.enterpriseId) ?? "") : "") },
  { header: "复查人", width: 10, cell: (h, _, c) => person(c, h.verifierId) },
  { header: "上报人", width: 10, cell: (h, _, c) => person(c, h.reporterId) },
];
