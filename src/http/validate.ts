import type { z } from "zod";
import { type FieldProblem, Invalid } from "../errors";

// Request parsing shared by the admin API's routes: every 400 a person reads is Chinese, with
// the problem of each field. Schemas carry their own Chinese messages; zod's built-in (English)
// ones that slip through are replaced here rather than shown.

const CJK = /[\u4e00-\u9fff]/;

/** Parses `value` or throws a 400 listing every problem, in Chinese, by field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, summary = "填写有误，请检查后重试"): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw Invalid(summary, problemsOf(result.error));
}

/** Like `parseInput`, with every problem also spelled out in the message (for clients that show only it). */
export function parseListed<S extends z.ZodType>(schema: S, value: unknown, lead = "请求内容有误"): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = problemsOf(result.error);
  throw Invalid(`${lead}：${problems.map((p) => p.message).join("；")}`, problems);
}

/** Zod's issues as field problems, each message Chinese. */
export function problemsOf(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    where: issue.path.join(".") || "body",
    message: CJK.test(issue.message) ? issue.message : fallbackMessage(issue),
  }));
}

function fallbackMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") return issue.input === undefined ? "必填" : "类型不正确";
  if (issue.code === "unrecognized_keys") return `不认识的字段：${issue.keys.join("、")}`;
  if (issue.code === "too_small" || issue.code === "too_big") return "超出允许的范围";
  return "格式不正确";
}
