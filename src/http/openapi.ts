import { OpenAPIRegistry, OpenApiGeneratorV3 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { PERMISSION_LABELS } from "./permissionLabels";
import { ACCESS, type RouteAccess } from "./access";
import { LinkQuery, LoginBody } from "./routes/auth.schema";
import * as C from "./routes/callouts.schema";
import { PreviewQuery, SettingsBody, SettingsQuery } from "./routes/digests";
import * as H from "./routes/hazards.schema";
import { TRANSITIONS as HAZARD_TRANSITIONS } from "./routes/hazards";
import * as I from "./routes/inspections.schema";
import { FrequencyBody, OverdueQuery, ProgressQuery, RuleBody } from "./routes/quotas";
import { MonthlyQuery } from "./routes/reports";
import { CategoryBody } from "./routes/tipCategories";
import { AnswerMinutesBody, LadderBody } from "./routes/settings.schema";
import * as T from "./routes/tips.schema";
import { TRANSITIONS as TIP_TRANSITIONS } from "./routes/tips";
import { warningJson } from "./routes/warnings.schema";
import { AuditQuery } from "./routes/audit.schema";
import { DashboardQuery } from "./routes/dashboard.schema";
import { PhotoUploadDoc } from "./routes/hazardPhotos.schema";
import * as D from "./routes/directory.schema";
import * as DT from "./routes/duty.schema";
import { UnitsQuery } from "./routes/units.schema";

/** What a route validates, by its access line's `METHOD path`: the same zod schemas the route parses with. */
interface RequestSchemas {
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The body's media type when it is not JSON (a CAP warning). */
  media?: string[];
}

const json = (body: z.ZodType): RequestSchemas => ({ body });

const REQUESTS: Readonly<Record<string, RequestSchemas>> = {
  "POST /api/auth/login": json(LoginBody),
  "GET /api/auth/link": { query: LinkQuery },
  "GET /api/units": { query: UnitsQuery },
  "GET /api/audit": { query: AuditQuery },
  "GET /api/dashboard": { query: DashboardQuery },
  "GET /api/people": { query: D.PeopleQuery },
  "POST /api/people": json(D.PersonCreate),
  "PATCH /api/people/:id": json(D.PersonPatch),
  "POST /api/enterprises": json(D.EnterpriseCreate),
  "POST /api/units": json(D.UnitCreate),
  "PATCH /api/units/:id": json(D.UnitPatch),
  "GET /api/enterprises": { query: D.EnterprisesQuery },
  "PATCH /api/enterprises/:id": json(D.EnterprisePatch),
  "POST /api/directory/import": { query: D.ImportQuery },
  "GET /api/hazards": { query: H.ListQuery },
  "POST /api/hazards": json(H.ReportBody),
  "POST /api/hazards/:id/photos": { body: PhotoUploadDoc, media: ["multipart/form-data"] },
  ...Object.fromEntries(HAZARD_TRANSITIONS.map((t) => [`POST /api/hazards/:id/${t.path}`, json(t.schema)])),
  "GET /api/inspections": { query: I.ListQuery },
  "POST /api/inspections": json(I.CheckInBody),
  "GET /api/callouts": { query: C.listQuery },
  "POST /api/callouts": json(C.createCalloutBody),
  "POST /api/callouts/:id/recipients": json(C.editRecipientsBody),
  "POST /api/warnings": { body: warningJson, media: ["application/json", "application/cap+xml"] },
  "GET /api/tips": { query: T.ListQuery },
  "POST /api/tips/:id/reveal": json(T.RevealBody),
  "POST /api/tips/:id/feedback": json(T.FeedbackBody),
  ...Object.fromEntries(TIP_TRANSITIONS.map((t) => [`POST /api/tips/:id/${t.path}`, json(t.schema)])),
  "GET /api/duty/shifts": { query: DT.ListQuery },
  "POST /api/duty/shifts": json(DT.ShiftBody),
  "PATCH /api/duty/shifts/:id": json(DT.ShiftPatch),
  "GET /api/duty/now": { query: DT.NowQuery },
  "POST /api/duty/rosters": { body: DT.RosterUpload, media: ["multipart/form-data"] },
  "POST /api/duty/spot-checks": json(DT.SpotCheckBody),
  "GET /api/duty/log": { query: DT.ListQuery },
  "GET /api/duty/critical-periods": { query: DT.PeriodsQuery },
  "POST /api/duty/critical-periods": json(DT.PeriodBody),
  "GET /api/quotas": { query: ProgressQuery },
  "GET /api/quotas/overdue-enterprises": { query: OverdueQuery },
  "PUT /api/quotas/rules/:role": json(RuleBody),
  "PUT /api/quotas/frequencies/:risk": json(FrequencyBody),
  "PUT /api/tip-categories/:code": json(CategoryBody),
  "PUT /api/settings/hazard-ladder": json(LadderBody),
  "PUT /api/settings/callout-answer-minutes": json(AnswerMinutesBody),
  "GET /api/reports/monthly": { query: MonthlyQuery },
  "GET /api/digests/preview": { query: PreviewQuery },
  "GET /api/digests/settings": { query: SettingsQuery },
  "PUT /api/digests/settings": json(SettingsBody),
};

const ErrorBody = z.object({
  code: z.string().meta({ description: "供程序判断的错误代码，如 unauthorized、forbidden、out_of_scope" }),
  message: z.string().meta({ description: "给人看的中文说明" }),
  requestId: z.string().optional(),
  details: z.unknown().optional(),
});

function scopeText(line: RouteAccess): string {
  const s = line.scope;
  if (!s) return "";
  const parts = [
    s.resource ? "所涉对象须在本人数据范围内" : "",
    s.unitQuery?.length ? `查询参数 ${s.unitQuery.join("、")} 所指单位须在数据范围内` : "",
    s.bodyUnits || s.bodyPeople ? "请求中所列单位、人员须在数据范围内" : "",
    s.county ? "仅限全县范围的人员" : "",
  ].filter(Boolean);
  return `数据范围：${parts.join("；")}。`;
}

function whoText(line: RouteAccess): string {
  if (line.who === "public") return "无需登录。";
  if (line.who === "signed_in") return "任何已登录人员。";
  return `需要“${PERMISSION_LABELS[line.who]}”权限（${line.who}）。`;
}

/**
 * The OpenAPI 3 document of the admin API: every line of the access table, with the zod schemas
 * its route validates with, its permission and data scope in Chinese. Built once, on first ask.
 */
export function buildOpenApi(lines: readonly RouteAccess[] = ACCESS, version = "0.1.0") {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "session", { type: "apiKey", in: "cookie", name: "anshao_session", description: "管理后台登录后的会话 Cookie；修改类请求须带 X-CSRF-Token 请求头（值同 anshao_csrf Cookie）" });
  registry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", description: "访问令牌（npm run token -- 手机号 用途）" });
  const error = (description: string) => ({ description, content: { "application/json": { schema: ErrorBody } } });
  for (const line of lines) {
    const req = REQUESTS[`${line.method} ${line.path}`] ?? {};
    const params = [...line.path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
    registry.registerPath({
      method: line.method.toLowerCase() as "get",
      path: line.path.replace(/:(\w+)/g, "{$1}"),
      summary: line.summary,
      description: `${whoText(line)}${scopeText(line)}`,
      tags: [line.path.split("/")[2] as string],
      security: line.who === "public" ? [] : [{ session: [] }, { bearer: [] }],
      "x-permission": line.who,
      request: {
        ...(params.length ? { params: z.object(Object.fromEntries(params.map((p) => [p, z.string().meta({ description: p === "id" ? "编号" : p })]))) } : {}),
        ...(req.query ? { query: req.query } : {}),
        ...(req.body ? { body: { content: Object.fromEntries((req.media ?? ["application/json"]).map((m) => [m, { schema: req.body as z.ZodType }])) } } : {}),
      },
      responses: {
        200: { description: "成功：单个对象为 { data }，列表为 { data, paging }" },
        400: error("请求内容有误（details 按字段列出问题）"),
        ...(line.who === "public" ? {} : { 401: error("未登录或登录已失效"), 403: error("没有权限、超出数据范围，或缺少 CSRF 请求头") }),
      },
    });
  }
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: "3.0.3",
    info: {
      title: "安哨管理接口",
      version,
      description: "安哨管理后台与外部系统使用的 JSON 接口。出错时返回 { code, message }；词表取值一律为 { code, label }；时间为 UTC 的 ISO-8601。",
    },
    servers: [{ url: "/" }],
  });
}
