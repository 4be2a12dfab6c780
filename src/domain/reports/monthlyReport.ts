import type { Writable } from "node:stream";
import ExcelJS from "exceljs";
import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { formatLocal } from "../../clock";
import { Enterprise, Hazard, Inspection, type OrgUnit } from "../../db/entities";
import { namesOf } from "../org/names";
import type { Span } from "../quotas/calendar";
import { HAZARD_SHEET, INSPECTION_SHEET, RECTIFICATION_SHEET, RESPONSIBILITY_SHEET, type RowContext, type SheetColumn } from "./sheets";
import { monthlySummary, type MonthlySummary } from "./summary";

/** Rows read from the database per round trip: memory stays flat however long the month was. */
const BATCH = 2_000;

const HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDDEBF7" } };

export interface MonthlyReportInput {
  unit: OrgUnit;
  /** `2026-03`. */
  month: string;
  span: Span;
  now: Date;
}

/**
 * Writes seed 004's monthly report (月报) as xlsx into `out`: the 汇总 sheet (监管对象底数 and the
 * month's figures), then the 四个清单 — 排查清单, 隐患清单, 整改清单, 责任清单 — streamed row by row
 * and read in batches, so a town's year of hazards never sits in memory at once.
 */
export async function writeMonthlyReport(manager: EntityManager, input: MonthlyReportInput, out: Writable): Promise<MonthlySummary> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = "安哨";
  const summary = await monthlySummary(manager, input.unit, input.span, input.now);
  writeSummary(workbook, input, summary);
  const prefix = `${input.unit.path}%`;
  const inUnit = "IN (SELECT ru.id FROM org_units ru WHERE ru.path LIKE :prefix)";
  const inspections = () =>
    manager.createQueryBuilder(Inspection, "i").where(`i.unit_id ${inUnit}`, { prefix }).andWhere("i.checked_in_at >= :from AND i.checked_in_at < :to", input.span);
  const hazards = () => manager.createQueryBuilder(Hazard, "h").where(`h.unit_id ${inUnit}`, { prefix }).andWhere("h.reported_at >= :from AND h.reported_at < :to", input.span);
  const [inspectionIds, hazardIds] = await Promise.all([
    idRange(manager.createQueryBuilder(Inspection, "i").where("i.checked_in_at >= :from AND i.checked_in_at < :to", input.span), "i"),
    idRange(manager.createQueryBuilder(Hazard, "h").where("h.reported_at >= :from AND h.reported_at < :to", input.span), "h"),
  ]);
  await writeSheet(workbook, "排查清单", INSPECTION_SHEET, inspections, "i", inspectionIds, manager, input.now);
  await writeSheet(workbook, "隐患清单", HAZARD_SHEET, hazards, "h", hazardIds, manager, input.now);
  await writeSheet(workbook, "整改清单", RECTIFICATION_SHEET, hazards, "h", hazardIds, manager, input.now);
  await writeSheet(workbook, "责任清单", RESPONSIBILITY_SHEET, hazards, "h", hazardIds, manager, input.now);
  await workbook.commit();
  return summary;
}

/** The summary's rows as label and value; tests read them back by label. */
export function summaryRows(input: MonthlyReportInput, s: MonthlySummary): [string, string | number][] {
  return [
    ["单位", input.unit.name],
    ["月份", input.month],
    ["生成时间", formatLocal(input.now)],
    ["监管对象底数（在册企业、场所）", s.enterprises],
    ["辖区村（社区）数", s.villages],
    ["检查企业（场所）数", s.enterprisesInspected],
    ["开展检查的单位（镇街、村社区等）数", s.unitsInspecting],
    ["检查次数", s.inspections],
    ["发现隐患问题", s.hazards],
    ["其中重大隐患", s.major],
    ["其中一般隐患", s.general],
    ["已整改销号", s.rectified],
    ["逾期未整改", s.overdue],
    ["分级监管超期未检企业（截至生成时）", s.enterprisesOverdue],
  ];
}

function writeSummary(workbook: ExcelJS.stream.xlsx.WorkbookWriter, input: MonthlyReportInput, s: MonthlySummary): void {
  const sheet = workbook.addWorksheet("汇总");
  sheet.columns = [{ width: 36 }, { width: 30 }];
  const title = sheet.addRow([`${input.month.replace("-", "年")}月${input.unit.name}督导检查隐患问题“四个清单”`]);
  title.font = { bold: true, size: 14 };
  title.commit();
  for (const [label, value] of summaryRows(input, s)) sheet.addRow([label, value]).commit();
  sheet.commit();
}

/** The lowest and highest id among the month's rows, read from the time index; null: the month has none. */
type IdRange = { first: number; last: number } | null;

/**
 * Rows are written day by day, so ids rise with time and the month's rows lie between these two:
 * the batches walk the primary key from the first to the last rather than from the table's start
 * (a million hazards: the month's rows, not the years before it). Any order of ids stays correct.
 */
async function idRange<T extends ObjectLiteral>(q: SelectQueryBuilder<T>, alias: string): Promise<IdRange> {
  const r = await q.select(`MIN(${alias}.id)`, "first").addSelect(`MAX(${alias}.id)`, "last").getRawOne<{ first: number | string | null; last: number | string | null }>();
  return r?.first === null || r?.first === undefined || r.last === null ? null : { first: Number(r.first), last: Number(r.last) };
}

async function writeSheet<T extends ObjectLiteral & { id: number }>(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  columns: SheetColumn<T>[],
  query: () => SelectQueryBuilder<T>,
  alias: string,
  ids: IdRange,
  manager: EntityManager,
  now: Date,
): Promise<void> {
  const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.eachCell((cell) => (cell.fill = HEADER_FILL));
  header.commit();
  let n = 0;
  let after = ids ? ids.first - 1 : 0;
  while (ids) {
    const batch = await query().andWhere(`${alias}.id > :after AND ${alias}.id <= :last`, { after, last: ids.last }).orderBy(`${alias}.id`, "ASC").take(BATCH).getMany();
    if (batch.length === 0) break;
    const ctx = await contextFor(manager, batch as unknown as (Hazard | Inspection)[], now);
    for (const row of batch) {
      n += 1;
      sheet.addRow(columns.map((c) => c.cell(row, n, ctx))).commit();
    }
    after = (batch[batch.length - 1] as T).id;
  }
  sheet.commit();
}

async function contextFor(manager: EntityManager, rows: (Hazard | Inspection)[], now: Date): Promise<RowContext> {
  const people: (number | null)[] = [];
  const units: number[] = [];
  const enterprises: (number | null)[] = [];
  for (const r of rows) {
    units.push(r.unitId);
    enterprises.push(r.enterpriseId);
    if ("inspectorId" in r) people.push(r.inspectorId);
    else people.push(r.reporterId, r.ownerId, r.supervisorId, r.verifierId);
  }
  const ids = [...new Set(enterprises.filter((e): e is number => e !== null))];
  const owners = ids.length ? await manager.createQueryBuilder(Enterprise, "e").select(["e.id", "e.adminOwnerId"]).where("e.id IN (:...ids)", { ids }).getMany() : [];
  const names = await namesOf(manager, { people: [...people, ...owners.map((o) => o.adminOwnerId)], units, enterprises });
  const adminOwners = new Map(owners.filter((o) => o.adminOwnerId !== null).map((o) => [o.id, names.people.get(o.adminOwnerId as number) ?? ""]));
  return { names, adminOwners, now };
}
