import { z } from "zod";

const day = z.number({ error: "天数应为整数" }).int("天数应为整数").min(-30, "天数应在 -30 到 365 之间").max(365, "天数应在 -30 到 365 之间");

/** The overdue ladder's four days from the deadline (到期提醒, 提醒单, 督办单, 挂牌督办); null goes back to HAZARD_LADDER_DAYS. */
export const LadderBody = z
  .object({
    days: z
      .tuple([day, day, day, day], { error: "请填写四个环节的天数" })
      .refine((d) => d.every((n, i) => i === 0 || n >= (d[i - 1] as number)), { message: "后一环节不能早于前一环节（天数应逐级不减）" })
      .nullable()
      .meta({ description: "到期提醒、提醒单、督办单、挂牌督办距整改期限的天数（负数为到期前）；null 恢复为 .env 中的 HAZARD_LADDER_DAYS" }),
  })
  .strict();

const minutes = z.number({ error: "分钟数应为整数" }).int("分钟数应为整数").min(1, "回复时限应在 1–1440 分钟之间").max(1440, "回复时限应在 1–1440 分钟之间");

/** Minutes to answer a 叫应 by warning level; null goes back to CALLOUT_ANSWER_MINUTES. */
export const AnswerMinutesBody = z
  .object({
    minutes: z
      .object({ red: minutes, orange: minutes, yellow: minutes, blue: minutes }, { error: "请填写红、橙、黄、蓝四个等级的分钟数" })
      .strict()
      .nullable()
      .meta({ description: "各预警等级的回复时限（分钟）；null 恢复为 .env 中的 CALLOUT_ANSWER_MINUTES" }),
  })
  .strict();
