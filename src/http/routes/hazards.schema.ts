import { z } from "zod";
import { HAZARD_STATES, hazardLevels, hazardSources, hazardStates } from "../../domain/hazards";

// Input shapes of the hazard API. Messages a person reads are Chinese; zod's own (English) ones
// are replaced by `problemsOf` (src/http/validate.ts).

const text = (max: number, label: string) => z.string({ error: `请填写${label}` }).trim().min(1, `请填写${label}`).max(max, `${label}不能超过 ${max} 个字`);
const optionalText = (max: number, label: string) => z.string().trim().max(max, `${label}不能超过 ${max} 个字`).nullish();
const id = (label: string) => z.number({ error: `${label}应为数字编号` }).int(`${label}应为整数`).positive(`${label}应为正整数`);
const instant = (label: string) =>
  z.iso.datetime({ offset: true, error: `${label}应为带时区的时间，例如 2026-12-01T18:00:00+08:00` }).transform((v) => new Date(v));
const photoKeys = z.array(z.string(), { error: "照片应为存储键列表" }).max(9, "照片最多 9 张");
const version = z.number().int().nonnegative().optional();

export const ReportBody = z.object({
  source: hazardSources.schema("来源应为 inspection、chat_photo、tip 或 self_check"),
  enterpriseId: id("企业").nullish(),
  place: z
    .object({
      locationText: text(255, "隐患位置"),
      latitude: z.number().min(-90).max(90, "纬度超出范围").nullish(),
      longitude: z.number().min(-180).max(180, "经度超出范围").nullish(),
      unitId: id("单位").nullish(),
    })
    .nullish(),
  category: text(64, "隐患类别"),
  level: hazardLevels.schema("等级应为 general（一般隐患）或 major（重大隐患）"),
  description: text(2000, "隐患描述"),
  photoKeys: photoKeys.optional(),
});

export const AssignBody = z.object({
  ownerId: id("责任人").nullish(),
  measures: optionalText(2000, "整改措施"),
  funds: optionalText(100, "整改资金"),
  deadline: instant("整改时限").nullish(),
  contingencyPlan: optionalText(2000, "应急预案"),
  verifierId: id("复查人").nullish(),
  version,
});

export const VersionBody = z.object({ version }).default({});
export const VerifyBody = z.object({ note: optionalText(500, "复查意见"), version }).default({});
export const ReasonBody = z.object({ reason: text(500, "原因"), version });
export const PhotoNoteBody = z.object({ note: text(1000, "说明"), photoKeys, version });
export const TransferBody = z.object({ unitId: id("单位"), reason: text(500, "转交原因"), version });
export const ExtendBody = z.object({ deadline: instant("新的整改时限"), reason: text(500, "延期原因"), approverId: id("批准人").nullish(), version });

const dayOrInstant = (label: string, endOfDay: boolean) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(T.+)?$/, `${label}应为日期（2026-11-26）或时间`)
    .transform((v, ctx) => {
      // A bare date is a day in Asia/Shanghai; as an upper bound it includes that whole day.
      const at = v.length === 10 ? new Date(`${v}T00:00:00+08:00`) : new Date(v);
      if (Number.isNaN(at.getTime())) ctx.addIssue({ code: "custom", message: `${label}不是有效的时间` });
      return v.length === 10 && endOfDay ? new Date(at.getTime() + 86_400_000) : at;
    });

export const ListQuery = z.object({
  unitId: z.coerce.number().int().positive("单位应为正整数").optional(),
  enterpriseId: z.coerce.number().int().positive("企业应为正整数").optional(),
  level: hazardLevels.schema("等级应为 general 或 major").optional(),
  state: z
    .string()
    .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(hazardStates.schema(`状态应为 ${HAZARD_STATES.join("、")} 之一`)))
    .optional(),
  overdue: z.enum(["true", "false"], { error: "overdue 应为 true 或 false" }).transform((v) => v === "true").optional(),
  from: dayOrInstant("开始日期", false).optional(),
  to: dayOrInstant("结束日期", true).optional(),
  page: z.coerce.number().int().positive("页码应为正整数").optional(),
  pageSize: z.coerce.number().int().min(1, "每页条数应在 1–100 之间").max(100, "每页条数应在 1–100 之间").optional(),
});

export const IdParam = z.coerce.number({ error: "隐患编号应为数字" }).int("隐患编号应为整数").positive("隐患编号应为正整数");

// Shared with the other admin routes (src/http/validate.ts); re-exported for the hazard routes.
export { parseInput, problemsOf } from "../validate";
