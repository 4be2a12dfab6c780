import { z } from "zod";
import { TIP_STATES, tipResults, tipStates } from "../../domain/tips";

// Input shapes of the tip API. Messages a person reads are Chinese (src/http/validate.ts replaces
// any of zod's own English ones).

const text = (max: number, label: string) => z.string({ error: `请填写${label}` }).trim().min(1, `请填写${label}`).max(max, `${label}不能超过 ${max} 个字`);
const id = (label: string) => z.number({ error: `${label}应为数字编号` }).int(`${label}应为整数`).positive(`${label}应为正整数`);
const instant = (label: string) =>
  z.iso.datetime({ offset: true, error: `${label}应为带时区的时间，例如 2026-12-01T18:00:00+08:00` }).transform((v) => new Date(v));
const version = z.number().int().nonnegative().optional();

export const AcceptBody = z.object({ handlerId: id("核查人").nullish(), dueAt: instant("办理时限").nullish(), version }).default({});
export const AssignBody = z.object({ handlerId: id("核查人"), dueAt: instant("办理时限").nullish(), version });
export const CloseBody = z.object({
  result: tipResults.schema("核查结果应为 substantiated（属实）或 unsubstantiated（不属实）"),
  note: text(1000, "核查情况"),
  version,
});
export const RejectBody = z.object({ reason: text(1000, "不予受理的原因"), version });
export const RewardBody = z.object({ amount: z.number({ error: "奖励金额应为数字（元）" }).int("奖励金额应为整数（元）").positive("奖励金额应大于 0"), version });
export const RewardPaidBody = z.object({ reference: z.string({ error: "凭证号应为文字" }).max(64, "凭证号不能超过 64 个字").optional(), version }).default({});
export const UnitBody = z.object({ unitId: id("单位"), version });
export const FeedbackBody = z.object({ text: text(1000, "给举报人的反馈") });
export const VersionBody = z.object({ version }).default({});
// The reason is required by the service, after it has refused (and audited) anyone but a tip officer.
export const RevealBody = z.object({ reason: z.string({ error: "理由应为文字" }).max(500, "理由不能超过 500 个字").optional() }).default({});

export const ListQuery = z.object({
  state: z
    .string()
    .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(tipStates.schema(`状态应为 ${TIP_STATES.join("、")} 之一`)))
    .optional(),
  overdue: z.enum(["true", "false"], { error: "overdue 应为 true 或 false" }).transform((v) => v === "true").optional(),
  page: z.coerce.number().int().positive("页码应为正整数").optional(),
  pageSize: z.coerce.number().int().min(1, "每页条数应在 1–100 之间").max(100, "每页条数应在 1–100 之间").optional(),
});

export const IdParam = z.coerce.number({ error: "举报编号应为数字" }).int("举报编号应为整数").positive("举报编号应为正整数");

export { parseInput } from "../validate";
