import { z } from "zod";
import { roles } from "../../domain/org/vocabulary";
import { parseLevel, parseWarningType } from "../../domain/callouts";
import { Invalid } from "../../errors";
import { parseListed } from "../validate";

/** Request bodies of the callout API, with the messages a person reads in Chinese. */

const role = z.string({ error: "角色应为文字" }).transform((s, ctx) => {
  const code = roles.parse(s);
  if (!code) ctx.addIssue({ code: "custom", message: `未知角色“${s}”，可选：${roles.choices()}` });
  return code as NonNullable<typeof code>;
});

const rule = z.object(
  {
    units: z.array(z.string({ error: "单位编码应为文字" }).min(1, "单位编码不能为空"), { error: "请选择单位" }).min(1, "每条规则至少选择一个单位").max(2000, "每条规则最多选择 2000 个单位"),
    roles: z.array(role, { error: "请选择角色" }).min(1, "每条规则至少选择一个角色"),
  },
  { error: "规则应包含单位和角色" },
);

const personIds = z
  .array(z.number({ error: "人员编号必须是数字" }).int("人员编号应为整数").positive("人员编号应为正整数"), { error: "人员应为编号列表" })
  .max(20000, "一次最多指定 20000 人");
const rules = z.array(rule, { error: "规则应为列表" }).max(50, "规则不超过 50 条");

export const createCalloutBody = z
  .object({
    title: z.string({ error: "请填写标题" }).trim().min(1, "请填写标题").max(100, "标题不超过 100 个字"),
    text: z.string({ error: "请填写叫应内容" }).trim().min(1, "请填写叫应内容").max(2000, "内容不超过 2000 个字"),
    warningType: z.string({ error: "请选择预警类型" }).transform((s, ctx) => {
      const t = parseWarningType(s);
      if (!t) ctx.addIssue({ code: "custom", message: "预警类型只能是 暴雨、大风、冰雪、大雾、高温、雷电、其他" });
      return t as NonNullable<typeof t>;
    }),
    level: z.string({ error: "请选择预警等级" }).transform((s, ctx) => {
      const l = parseLevel(s);
      if (!l) ctx.addIssue({ code: "custom", message: "预警等级只能是 红、橙、黄、蓝" });
      return l as NonNullable<typeof l>;
    }),
    requiresReport: z.boolean({ error: "是否要求报告落实措施须为 true 或 false" }).default(false),
    rules: rules.default([]),
    personIds: personIds.default([]),
    answerMinutes: z.number({ error: "回复时限须为分钟数" }).int("回复时限须为整数分钟").min(1, "回复时限至少 1 分钟").max(1440, "回复时限不超过 1440 分钟").optional(),
    remindEveryMinutes: z.number({ error: "提醒间隔须为分钟数" }).int("提醒间隔须为整数分钟").min(1, "提醒间隔至少 1 分钟").max(120, "提醒间隔不超过 120 分钟").default(5),
    maxReminders: z.number({ error: "提醒次数须为整数" }).int("提醒次数须为整数").min(0, "提醒次数不能为负").max(10, "提醒次数不超过 10 次").default(2),
  })
  .refine((b) => b.rules.length > 0 || b.personIds.length > 0, { message: "请按单位和角色选择人员，或直接指定人员", path: ["rules"] });

export const editRecipientsBody = z.object({
  rules: rules.default([]),
  add: personIds.default([]),
  remove: personIds.default([]),
});

/** Parses a body or throws 400 with every problem by field, in Chinese, also listed in the message. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  return parseListed(schema, body ?? {});
}

export const listQuery = z.object({
  state: z.enum(["draft", "sent", "closed", "cancelled"], { error: "状态应为 draft、sent、closed 或 cancelled" }).optional(),
  page: z.coerce.number().int().positive("页码应为正整数").optional(),
  pageSize: z.coerce.number().int().min(1, "每页条数应在 1–100 之间").max(100, "每页条数应在 1–100 之间").optional(),
});

export function parseListQuery(query: unknown): z.output<typeof listQuery> {
  return parseListed(listQuery, query);
}

export function parseId(raw: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw Invalid("叫应编号无效", undefined, "invalid_id");
  return id;
}
