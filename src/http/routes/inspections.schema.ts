import { z } from "zod";
import { inspectionKinds, inspectionResults, MAX_INSPECTION_PHOTOS, MAX_NOTE_CHARS } from "../../domain/inspections";

// Input shapes of the inspection API. Messages a person reads are Chinese; zod's own (English)
// ones are replaced by `problemsOf` (src/http/validate.ts).

const id = (label: string) => z.number({ error: `${label}应为数字编号` }).int(`${label}应为整数`).positive(`${label}应为正整数`);
const kinds = "routine（日常巡查）、enforcement（执法检查）、special（专项检查）、supervision（督导检查）或 unannounced（明察暗访）";

export const CheckInBody = z.object({
  enterpriseId: id("企业"),
  kind: inspectionKinds.schema(`检查类型应为 ${kinds}`),
  result: inspectionResults.schema("检查结果应为 no_problem（无问题）或 hazard_found（发现隐患）"),
  photoKeys: z.array(z.string(), { error: "照片应为存储键列表" }).max(MAX_INSPECTION_PHOTOS, `照片最多 ${MAX_INSPECTION_PHOTOS} 张`).optional(),
  note: z.string({ error: "备注应为文字" }).trim().max(MAX_NOTE_CHARS, `备注不能超过 ${MAX_NOTE_CHARS} 个字`).nullish(),
  position: z
    .object({
      latitude: z.number({ error: "纬度应为数字" }).min(-90, "纬度超出范围").max(90, "纬度超出范围"),
      longitude: z.number({ error: "经度应为数字" }).min(-180, "经度超出范围").max(180, "经度超出范围"),
    })
    .nullish(),
});

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

const positive = (label: string) => z.coerce.number({ error: `${label}应为数字` }).int(`${label}应为正整数`).positive(`${label}应为正整数`);

export const ListQuery = z.object({
  inspectorId: positive("检查人").optional(),
  enterpriseId: positive("企业").optional(),
  unitId: positive("单位").optional(),
  kind: inspectionKinds.schema(`检查类型应为 ${kinds}`).optional(),
  result: inspectionResults.schema("检查结果应为 no_problem 或 hazard_found").optional(),
  farFromSite: z.enum(["true", "false"], { error: "farFromSite 应为 true 或 false" }).transform((v) => v === "true").optional(),
  from: dayOrInstant("开始日期", false).optional(),
  to: dayOrInstant("结束日期", true).optional(),
  page: positive("页码").optional(),
  pageSize: z.coerce.number({ error: "每页条数应为数字" }).int("每页条数应在 1–100 之间").min(1, "每页条数应在 1–100 之间").max(100, "每页条数应在 1–100 之间").optional(),
});

export const IdParam = z.coerce.number({ error: "巡查记录编号应为数字" }).int("巡查记录编号应为整数").positive("巡查记录编号应为正整数");

export { parseInput } from "../validate";
