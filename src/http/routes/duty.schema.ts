import { z } from "zod";
import { dutyRoles, parseLocalTime, PERIOD_KINDS } from "../../domain/duty";

// Input shapes of the duty API; every message a person reads is Chinese.

const instant = (label: string) =>
  z.string({ error: `${label}应为时间文字` }).transform((v, ctx) => {
    const at = parseLocalTime(v);
    if (!at) ctx.addIssue({ code: "custom", message: `${label}应为 ISO 8601 时间，例如 2026-03-02T08:00:00+08:00` });
    return at as Date;
  });

const role = dutyRoles.schema(`角色应为 leader（带班领导）、officer（值班员）或 liaison（联络员）`);

export const ShiftBody = z.object({
  unit: z.string({ error: "单位编码必填" }).trim().min(1, "单位编码必填"),
  person: z.union([z.number().int().positive(), z.string().trim().min(1)], { error: "人员应为人员编号或手机号" }),
  role,
  start: instant("开始时间"),
  end: instant("结束时间"),
});

export const ShiftPatch = ShiftBody.partial();

export const ListQuery = z.object({
  unit: z.string({ error: "单位编码必填" }).trim().min(1, "单位编码必填"),
  from: instant("开始时间").optional(),
  to: instant("结束时间").optional(),
});

export const NowQuery = z.object({
  unit: z.string({ error: "单位编码必填" }).trim().min(1, "单位编码必填"),
  withParents: z.enum(["0", "1", "true", "false"], { error: "withParents 应为 1 或 0" }).optional(),
});

export const IdParam = z.coerce.number({ error: "班次编号应为数字" }).int("班次编号应为整数").positive("班次编号应为正整数");

export const SpotCheckBody = z.object({
  shift: z.number({ error: "班次应为数字编号" }).int("班次应为整数").positive("班次应为正整数"),
});

export const PeriodBody = z.object({
  kind: z.enum(Object.keys(PERIOD_KINDS) as [keyof typeof PERIOD_KINDS, ...(keyof typeof PERIOD_KINDS)[]], { error: "类型应为 holiday（节假日）、flood（汛期）、event（重大活动）、warning（预警）或 other（其他）" }),
  name: z.string({ error: "名称必填" }).trim().min(1, "名称必填").max(100, "名称不能超过 100 个字"),
  unit: z.string().trim().min(1).optional(),
  start: instant("开始时间"),
  end: instant("结束时间"),
});

export const PeriodsQuery = z.object({ from: instant("开始时间").optional(), to: instant("结束时间").optional() });

// Documents the roster upload (the route reads the multipart field itself, or the xlsx as the body).
export const RosterUpload = z.object({ file: z.string().meta({ description: "排班表 xlsx（按模板填写）", format: "binary" }) });
