import type { ScopedResource } from "../domain/access/resources";
import type { Permission } from "../domain/access/vocabulary";

/**
 * Every `/api` route's permission and data scope, in ONE table (RuoYi's 菜单权限 + 数据权限).
 * The access gate (middleware/accessGate.ts) finds the line of each request and refuses what it
 * does not allow before any route runs; a route without a line is refused for everyone, so a new
 * route is one line here. A test walks this table against the OpenAPI document and the mounted routers.
 *
 * `who`:
 * - `public`: anyone, signed in or not (sign-in itself, the API document, signed board links);
 * - `signed_in`: any signed-in person (their own profile, their own sign-out);
 * - a permission: a signed-in person whose console role holds it.
 *
 * `scope` (checked by the gate before the route runs; lists are narrowed by the route itself):
 * - `resource`: the `:id` of the path is a row of this kind, which must lie in the caller's scope;
 * - `unitQuery`: query parameters naming a unit (code, name or id) that must lie in the scope;
 * - `bodyUnits`: the unit codes/names a body names (e.g. a 叫应's rules), each in the scope;
 * - `county`: the action concerns the whole county (a weather warning): only a county-wide scope.
 */
export interface RouteAccess {
  method: Method;
  /** As the router mounts it, with `:params`. */
  path: string;
  who: Permission | "public" | "signed_in";
  /** What the route does, in Chinese (the OpenAPI summary). */
  summary: string;
  scope?: ScopeCheck;
}

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type { ScopedResource };

export interface ScopeCheck {
  resource?: ScopedResource;
  unitQuery?: readonly string[];
  bodyUnits?: (body: unknown) => string[];
  /** The person ids a body names (e.g. people added to a 叫应), each in the scope. */
  bodyPeople?: (body: unknown) => number[];
  county?: boolean;
}

const calloutRuleUnits = (body: unknown): string[] => {
  const rules = (body as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) return [];
  return rules.flatMap((r) => (Array.isArray((r as { units?: unknown })?.units) ? ((r as { units: unknown[] }).units.filter((u) => typeof u === "string") as string[]) : []));
};

const calloutPeople = (body: unknown): number[] => {
  const b = (body ?? {}) as { personIds?: unknown; add?: unknown };
  return [b.personIds, b.add].flatMap((list) => (Array.isArray(list) ? list.filter((n): n is number => Number.isInteger(n)) : []));
};

/** The unit ids a directory body moves a row to (a person's unit, an enterprise's, a unit's parent): each in the scope. */
const directoryUnits = (body: unknown): string[] => {
  const b = (body ?? {}) as Record<string, unknown>;
  return [b.unitId, b.supervisingUnitId, b.parentId].filter((v): v is number => Number.isInteger(v)).map(String);
};

const hazard = { resource: "hazard" } as const;
const callout = { resource: "callout" } as const;
const units = (...names: string[]) => ({ unitQuery: names });

/** Builds a line: `r("GET /api/hazards/:id", "hazards:read", "隐患详情", { resource: "hazard" })`. */
function r(route: `${Method} /api/${string}`, who: RouteAccess["who"], summary: string, scope?: ScopeCheck): RouteAccess {
  const [method, path] = route.split(" ") as [Method, string];
  return { method, path, who, summary, ...(scope ? { scope } : {}) };
}

/** A compiled line: its path as a pattern, literal routes before ones with more parameters. */
export interface CompiledAccess extends RouteAccess {
  pattern: RegExp;
  params: string[];
}

export function compileAccess(lines: readonly RouteAccess[]): CompiledAccess[] {
  const compiled = lines.map((line) => {
    const params: string[] = [];
    const source = line.path
      .split("/")
      .map((seg) => {
        if (!seg.startsWith(":")) return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        params.push(seg.slice(1));
        return "([^/]+)";
      })
      .join("/");
    return { ...line, pattern: new RegExp(`^${source}/?$`), params };
  });
  return compiled.sort((a, b) => a.params.length - b.params.length);
}

/** The line for a request, with its path parameters; undefined when no line declares it. */
export function findAccess(lines: readonly CompiledAccess[], method: string, path: string): { line: CompiledAccess; params: Record<string, string> } | undefined {
  const m = method === "HEAD" ? "GET" : method;
  for (const line of lines) {
    if (line.method !== m) continue;
    const match = line.pattern.exec(path);
    if (match) return { line, params: Object.fromEntries(line.params.map((p, i) => [p, decodeURIComponent(match[i + 1] as string)])) };
  }
  return undefined;
}

export const ACCESS: readonly RouteAccess[] = [
  // Signing in (routes/auth.ts)
  r("POST /api/auth/login", "public", "用手机号和密码登录"),
  r("POST /api/auth/logout", "signed_in", "退出登录"),
  r("GET /api/auth/me", "signed_in", "当前登录人、角色、权限和数据范围"),
  r("GET /api/auth/providers", "public", "可用的登录方式"),
  r("GET /api/auth/link", "public", "一次性登录链接"),
  r("GET /api/auth/:channel/start", "public", "企业微信 / 钉钉内免密登录：跳转到平台授权页"),
  r("GET /api/auth/:channel/callback", "public", "企业微信 / 钉钉授权后回到此处完成登录"),
  r("GET /api/openapi.json", "public", "本接口的 OpenAPI 文档"),

  // Units (routes/units.ts)
  r("GET /api/units", "signed_in", "单位树（数据范围之内）"),
  r("POST /api/units", "directory:write", "新增单位", { bodyUnits: directoryUnits }),
  r("PATCH /api/units/:id", "directory:write", "修改单位（名称、类别、上级单位）", { resource: "unit", bodyUnits: directoryUnits }),

  // Dashboard (routes/dashboard.ts)
  r("GET /api/dashboard", "dashboard:read", "首页统计：隐患、巡查、叫应、举报", units("unit")),

  // Directory (routes/directory.ts): lists within the scope; editing and console roles are the administrator's.
  r("GET /api/directory/vocabulary", "directory:read", "通讯录与设置表单的选项（角色、单位类别、行业、规模、风险等级等）"),
  r("GET /api/people", "directory:read", "人员列表", units("unit")),
  r("GET /api/people/:id", "directory:read", "人员详情", { resource: "person" }),
  r("POST /api/people", "directory:write", "新增人员", { bodyUnits: directoryUnits }),
  r("PATCH /api/people/:id", "directory:write", "修改人员（后台角色与数据范围仅管理员）", { resource: "person", bodyUnits: directoryUnits }),
  r("GET /api/enterprises", "directory:read", "企业列表", units("unit")),
  r("GET /api/enterprises/:id", "directory:read", "企业详情", { resource: "enterprise" }),
  r("POST /api/enterprises", "directory:write", "新增企业", { bodyUnits: directoryUnits }),
  r("PATCH /api/enterprises/:id", "directory:write", "修改企业（含风险等级、三个责任人、停用）", { resource: "enterprise", bodyUnits: directoryUnits }),
  // The whole county's directory (every mobile): the administrator's, like `npm run import` / `npm run export`.
  r("POST /api/directory/import", "directory:write", "导入通讯录（xlsx/csv，可只检查不写入）", { county: true }),
  r("GET /api/directory/export", "directory:write", "导出通讯录（xlsx）", { county: true }),

  // Settings (routes/settings.ts): what is set and where it is changed.
  r("GET /api/settings", "settings:read", "系统设置：逾期督办、叫应时限、免打扰时段、简报、任务与检查频次"),
  r("PUT /api/settings/hazard-ladder", "settings:write", "修改隐患超期督办阶梯的天数（新开始的督办生效）"),
  r("PUT /api/settings/callout-answer-minutes", "settings:write", "修改各预警等级的叫应回复时限（新起草的叫应生效）"),

  // Audit log (routes/audit.ts)
  r("GET /api/audit", "audit:read", "审计日志"),

  // Hazards (routes/hazards.ts)
  r("GET /api/hazards", "hazards:read", "隐患列表", units("unitId")),
  r("GET /api/hazards/:id", "hazards:read", "隐患详情（含台账时间线和照片）", hazard),
  r("GET /api/hazards/:id/photos/:photoId", "hazards:read", "隐患照片（整改前后）", hazard),
  r("POST /api/hazards/:id/photos", "hazards:write", "上传整改前或整改后照片（表单）", hazard),
  r("POST /api/hazards", "hazards:write", "上报隐患"),
  r("POST /api/hazards/:id/assign", "hazards:write", "交办（五落实）", hazard),
  r("POST /api/hazards/:id/start", "hazards:write", "开始整改", hazard),
  r("POST /api/hazards/:id/submit", "hazards:write", "提交整改反馈", hazard),
  r("POST /api/hazards/:id/verify", "hazards:write", "复查通过", hazard),
  r("POST /api/hazards/:id/reject", "hazards:write", "复查不通过", hazard),
  r("POST /api/hazards/:id/close", "hazards:write", "销号", hazard),
  r("POST /api/hazards/:id/signoff", "hazards:write", "重大隐患领导签字", hazard),
  r("POST /api/hazards/:id/fix-on-spot", "hazards:write", "即知即改", hazard),
  r("POST /api/hazards/:id/reopen", "hazards:write", "重新打开", hazard),
  r("POST /api/hazards/:id/extend", "hazards:write", "延期", hazard),
  r("POST /api/hazards/:id/transfer", "hazards:write", "转交其他单位或部门", hazard),

  // Inspections (routes/inspections.ts)
  r("GET /api/inspections", "inspections:read", "巡查记录列表", units("unitId")),
  r("POST /api/inspections", "inspections:write", "巡查打卡"),
  r("GET /api/inspections/:id", "inspections:read", "巡查记录详情", { resource: "inspection" }),

  // 叫应 (routes/callouts.ts, web/calloutBoard.ts, routes/warnings.ts)
  r("GET /api/callouts", "callouts:read", "叫应列表（发起人在数据范围之内）"),
  r("POST /api/callouts", "callouts:write", "按规则或指定人员起草叫应", { bodyUnits: calloutRuleUnits, bodyPeople: calloutPeople }),
  r("GET /api/callouts/:id/recipients", "callouts:read", "发送前预览名单", callout),
  r("POST /api/callouts/:id/recipients", "callouts:write", "增删名单", { ...callout, bodyUnits: calloutRuleUnits, bodyPeople: calloutPeople }),
  r("POST /api/callouts/:id/send", "callouts:write", "发送叫应", callout),
  r("POST /api/callouts/:id/cancel", "callouts:write", "取消叫应", callout),
  r("GET /api/callouts/:id", "callouts:read", "叫应看板", callout),
  r("GET /api/callouts/:id/stream", "callouts:read", "叫应看板实时更新（Server-Sent Events）", callout),
  r("GET /api/callouts/:id/board-link", "callouts:read", "生成限时看板链接", callout),
  // Opened with the signed link's own token (web/calloutBoard.ts checks it), not with a session.
  r("GET /api/callouts/:id/board", "public", "看板数据（凭限时链接）"),
  r("GET /api/callouts/:id/board/stream", "public", "看板实时更新（凭限时链接）"),
  r("POST /api/warnings", "callouts:write", "接收预警（CAP 1.2 或 JSON），生成叫应草稿", { county: true }),

  // Tips (routes/tips.ts): no unit; the service lets a handler see only the tips they verify.
  r("GET /api/tips", "tips:read", "举报列表（只显示代号）"),
  r("GET /api/tips/:id", "tips:read", "举报详情"),
  r("POST /api/tips/:id/reveal", "tips:reveal", "查看举报人身份（须写明理由，记入审计）"),
  r("POST /api/tips/:id/accept", "tips:write", "受理举报"),
  r("POST /api/tips/:id/assign", "tips:write", "改派核查人"),
  r("POST /api/tips/:id/unit", "tips:write", "群众举报转交单位"),
  r("POST /api/tips/:id/close", "tips:write", "办结举报"),
  r("POST /api/tips/:id/reject", "tips:write", "不予受理"),
  r("POST /api/tips/:id/reward", "tips:write", "记录奖励"),
  r("POST /api/tips/:id/reward-paid", "tips:write", "奖励已发放"),
  // Approvers are leaders (tips:read); the service lets only chief / deputy leader approve.
  r("POST /api/tips/:id/reward-approve", "tips:read", "审批奖励"),
  r("POST /api/tips/:id/feedback", "tips:write", "填写向举报人公开的反馈"),
  r("POST /api/tips/:id/hazard", "tips:write", "查实的举报转为隐患"),
  r("GET /api/tips/by-hazard/:hazardId", "tips:read", "隐患对应的举报"),
  r("GET /api/tips/poster", "tips:read", "举报二维码海报"),
  r("GET /api/tips/rewards.xlsx", "tips:read", "奖励台账（xlsx，不含举报人身份）"),
  r("GET /api/tip-categories", "signed_in", "举报类别"),
  r("PUT /api/tip-categories/:code", "settings:write", "新增或修改举报类别"),

  // Public tips (routes/publicTips.ts): no account; rate-limited; a tip is read back only with its code and token.
  r("GET /api/public/tip-categories", "public", "举报类别（公开）"),
  r("POST /api/public/tips", "public", "提交举报（公开）"),
  r("GET /api/public/tips/:code", "public", "凭编号和查询码查看举报进度（公开）"),

  // Duty (src/http/routes/duty*): roster changes and 查岗 need duty access here; the service then lets
  // only the unit's roster writers (or the leader on duty) act.
  r("GET /api/duty/shifts", "duty:read", "排班列表", units("unit")),
  r("POST /api/duty/shifts", "duty:read", "新增班次"),
  r("PATCH /api/duty/shifts/:id", "duty:read", "修改班次"),
  r("DELETE /api/duty/shifts/:id", "duty:read", "删除班次"),
  r("GET /api/duty/now", "duty:read", "当前值班人员", units("unit")),
  r("POST /api/duty/rosters", "duty:read", "导入排班表（xlsx）"),
  r("GET /api/duty/roster-template", "duty:read", "下载排班表模板"),
  r("POST /api/duty/spot-checks", "duty:read", "发起查岗"),
  r("GET /api/duty/log", "duty:read", "值班日志", units("unit")),
  r("GET /api/duty/critical-periods", "duty:read", "重要节点列表"),
  // Periods tighten every unit's rules below them: an administrator's setting, like the quotas.
  r("POST /api/duty/critical-periods", "settings:write", "新增重要节点"),
  r("POST /api/duty/critical-periods/:id/end", "settings:write", "结束重要节点"),
  r("POST /api/duty/critical-periods/:id/three-in-place", "callouts:write", "为重要节点起草“三在”叫应"),
  r("GET /api/duty/calendar-link", "signed_in", "本人值班日历订阅地址"),
  r("DELETE /api/duty/calendar-link", "signed_in", "作废本人值班日历订阅地址"),
  // Calendar apps cannot sign in: the secret address is the credential (404 once revoked).
  r("GET /api/duty/calendar/:file", "public", "值班日历（iCalendar，凭订阅地址）"),

  // Quotas and reports (routes/quotas.ts, routes/reports.ts)
  r("GET /api/quotas", "quotas:read", "日周月任务完成情况", units("unit")),
  r("GET /api/quotas/rules", "quotas:read", "任务规则"),
  r("PUT /api/quotas/rules/:role", "settings:write", "修改任务规则"),
  r("GET /api/quotas/frequencies", "quotas:read", "分级监管检查频次"),
  r("PUT /api/quotas/frequencies/:risk", "settings:write", "修改检查频次"),
  r("GET /api/quotas/overdue-enterprises", "quotas:read", "超期未检企业", units("unit")),
  r("GET /api/reports/monthly", "reports:read", "下载月报", units("unit")),

  // Daily digest (routes/digests.ts): the service lets only the person or an administrator in.
  r("GET /api/digests/preview", "signed_in", "预览每日简报"),
  r("GET /api/digests/settings", "signed_in", "简报设置"),
  r("PUT /api/digests/settings", "signed_in", "修改简报设置"),
];
