import { z } from "zod";

/** The sign-in body: a mainland mobile and a password. */
export const LoginBody = z
  .object({
    mobile: z.string({ error: "请填写手机号" }).trim().regex(/^1\d{10}$/, "手机号应为 11 位数字"),
    password: z.string({ error: "请填写密码" }).min(1, "请填写密码").max(128, "密码不超过 128 位"),
  })
  .strict();

export const LinkQuery = z.object({ token: z.string().min(1).max(100).optional() });
