import { z } from "zod";

const day = (label: string) => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, `${label}应为日期，如 2026-11-26`).meta({ description: `${label}（北京时间的日期）` });

export const DashboardQuery = z.object({
  unit: z.string().max(100).optional().meta({ description: "单位编码、全称或编号；默认为本人数据范围" }),
  from: day("开始日期").optional(),
  to: day("结束日期（含当天）").optional(),
});
