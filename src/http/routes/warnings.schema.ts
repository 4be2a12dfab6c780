import { z } from "zod";
import { parseLevel, parseWarningType } from "../../domain/callouts";
import { MAX_ID_LENGTH, MAX_WARNING_AREAS, type WarningInput, type WarningMessageInput } from "../../domain/warnings";
import { parseBody } from "./callouts.schema";

/** The simple JSON form of a warning, with the messages a person reads in Chinese. */

const instant = (what: string) =>
  z
    .string({ error: `${what}须为时间字符串` })
    .refine((s) => !Number.isNaN(new Date(s).getTime()), `${what}格式无效，应为 2026-07-12T08:00:00+08:00 形式`)
    .transform((s) => new Date(s))
    .optional();

export const warningJson = z
  .object({
    type: z.string({ error: "请填写预警类型" }).transform((s, ctx) => {
      const t = parseWarningType(s);
      if (!t) ctx.addIssue({ code: "custom", message: "预警类型只能是 暴雨、大风、冰雪、大雾、高温、雷电、其他" });
      return t as NonNullable<typeof t>;
    }),
    level: z.string({ error: "请填写预警等级" }).transform((s, ctx) => {
      const l = parseLevel(s);
      if (!l) ctx.addIssue({ code: "custom", message: "预警等级只能是 红、橙、黄、蓝" });
      return l as NonNullable<typeof l>;
    }),
    areas: z.array(z.string({ error: "区域须为单位名称或编码" }).trim().min(1, "区域不能为空"), { error: "请填写预警区域（单位名称或编码的列表）" }).min(1, "请至少填写一个预警区域").max(MAX_WARNING_AREAS, `预警区域不超过 ${MAX_WARNING_AREAS} 个`),
    validFrom: instant("生效时间"),
    validTo: instant("失效时间"),
    title: z.string({ error: "标题须为文字" }).trim().min(1).max(100, "标题不超过 100 个字").optional(),
    text: z.string({ error: "请填写预警内容" }).trim().min(1, "请填写预警内容").max(2000, "内容不超过 2000 个字"),
    // The client's own key for this warning: the same identifier (from the same sender) posted
    // again starts no second 叫应 and answers with the first one's.
    identifier: z.string({ error: "预警标识须为文字" }).trim().min(1, "预警标识不能为空").max(MAX_ID_LENGTH - 8, `预警标识不超过 ${MAX_ID_LENGTH - 8} 个字符`).optional(),
    sender: z.string({ error: "发布单位须为文字" }).trim().min(1, "发布单位不能为空").max(MAX_ID_LENGTH - 8, `发布单位不超过 ${MAX_ID_LENGTH - 8} 个字符`).optional(),
  })
  .refine((b) => !b.validFrom || !b.validTo || b.validTo > b.validFrom, { message: "失效时间应晚于生效时间", path: ["validTo"] });

/** The JSON form as a warning message: an alert, identified when the client names an `identifier`. */
export function parseWarningJson(body: unknown): WarningMessageInput {
  const b = parseBody(warningJson, body);
  const warning: WarningInput = { type: b.type, level: b.level, areas: b.areas, validFrom: b.validFrom ?? null, validTo: b.validTo ?? null, headline: b.title ?? null, text: b.text };
  // `json:` keeps JSON clients' keys apart from CAP publishers' (a sender may use both).
  const identity = b.identifier ? { sender: `json:${b.sender ?? ""}`, identifier: b.identifier, msgType: "Alert" as const, references: [] } : null;
  return { identity, warning };
}
