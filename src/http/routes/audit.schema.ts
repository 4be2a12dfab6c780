import { z } from "zod";

const day = (label: string, endOfDay: boolean) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${label}应为日期，如 2026-11-26`)
    // A date is a day in Asia/Shanghai; as an upper bound it includes that whole day.
    .transform((v) => new Date(new Date(`${v}T00:00:00+08:00`).getTime() + (endOfDay ? 86_400_000 : 0)));

export const AuditQuery = z.object({
  q: z.string().max(100, "搜索词不超过 100 个字").optional().meta({ description: "在动作、对象类型、对象编号、操作人中搜索" }),
  actor: z.string().max(64).optional().meta({ description: "操作人，如 person:12、import、system" }),
  action: z.string().max(64).optional().meta({ description: "动作，如 hazard.assign、tip.reveal（前缀匹配）" }),
  entityType: z.string().max(32).optional(),
  entityId: z.string().max(64).optional(),
  from: day("开始日期", false).optional(),
  to: day("结束日期", true).optional(),
  page: z.coerce.number().int().positive("页码应为正整数").optional(),
  pageSize: z.coerce.number().int().min(1, "每页条数应在 1–100 之间").max(100, "每页条数应在 1–100 之间").optional(),
});
