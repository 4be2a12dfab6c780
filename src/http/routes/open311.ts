import { timingSafeEqual } from "node:crypto";
import Router from "@koa/router";
import type { Context } from "koa";
import type { Open311Query, TipService } from "../../domain/tips";
import { AppError } from "../../errors";
import type { KeyValue } from "../../kv";
import { answer, answerError, type Open311Format } from "../open311/format";
import { hit, PUBLIC_LIMITS } from "../public/rateLimit";

export interface Open311Deps {
  tips: TipService;
  kv: KeyValue;
  /** OPEN311_API_KEYS: callers holding one see open tips' descriptions and places. */
  apiKeys: readonly string[];
}

const SPEC = "http://wiki.open311.org/GeoReport_v2";
const CHANGESET = "2026-12-03T00:00:00Z";

/**
 * Open311 GeoReport v2 over the public tips: discovery, services (the tip categories), requests
 * (list, one, create form-encoded) and tokens, each as `.json` or `.xml`. Errors in the spec's
 * format. No answer names a tipster or carries a photo; without an API key an open tip's
 * description and place are withheld.
 */
export function open311Routes(deps: Open311Deps): Router {
  const router = new Router({ prefix: "/open311/v2" });

  router.get("/:file", (ctx) =>
    serve(ctx, String(ctx.params.file), async (name, format) => {
      if (name === "discovery") return discovery(ctx, format);
      if (name === "services") return services(ctx, deps, format);
      if (name === "requests") return listRequests(ctx, deps, format);
      throw notFound();
    }),
  );

  router.post("/:file", (ctx) =>
    serve(ctx, String(ctx.params.file), async (name, format) => {
      if (name !== "requests") throw notFound();
      return createRequest(ctx, deps, format);
    }),
  );

  router.get("/services/:file", (ctx) =>
    serve(ctx, String(ctx.params.file), async (code, format) => {
      const found = (await deps.tips.categories({ activeOnly: true })).find((c) => c.code === code);
      if (!found) throw notFound("该服务不存在");
      answer(ctx, format, { service_code: found.code, attributes: [] }, "service_definition");
    }),
  );

  router.get("/requests/:file", (ctx) =>
    serve(ctx, String(ctx.params.file), async (id, format) => {
      if (!/^\d{1,12}$/.test(id)) throw notFound("该请求不存在");
      const found = await deps.tips.open311Requests({ ids: [Number(id)] }, trusted(ctx, deps));
      if (found.length === 0) throw notFound("该请求不存在");
      answer(ctx, format, found, "service_requests", "request");
    }),
  );

  router.get("/tokens/:file", (ctx) =>
    serve(ctx, String(ctx.params.file), async (token, format) => {
      await hit(ctx, deps.kv, PUBLIC_LIMITS.lookupPerIp, ctx.ip);
      const [code, secret] = token.split(".");
      const id = await deps.tips.tipIdOfToken(code ?? "", secret ?? "").catch(() => {
        throw notFound("该令牌不存在");
      });
      answer(ctx, format, [{ service_request_id: String(id), token }], "service_requests", "request");
    }),
  );
  return router;
}

/** Runs a handler for `name.format`, answering any refusal in the spec's error format. */
async function serve(ctx: Context, file: string, run: (name: string, format: Open311Format) => Promise<void>): Promise<void> {
  // `.json` and `.xml` only; the token path keeps its dot (`JB….secret.json`).
  const m = /^(.{1,200})\.(json|xml)$/.exec(file);
  if (!m) return answerError(ctx, "json", 404, "找不到该资源：路径应以 .json 或 .xml 结尾");
  const split = { name: m[1] as string, format: m[2] as Open311Format };
  try {
    await run(split.name, split.format);
  } catch (err) {
    if (!(err instanceof AppError) || !err.expose) throw err;
    answerError(ctx, split.format, err.status, err.message);
  }
}

const notFound = (what = "找不到该资源") => new AppError("open311_not_found", what, 404);
const badRequest = (what: string) => new AppError("open311_bad_request", what, 400);

/** Whether the caller holds an API key; a key that is given but wrong is a 403, as the spec says. */
function trusted(ctx: Context, deps: Open311Deps): boolean {
  const given = typeof ctx.query.api_key === "string" ? ctx.query.api_key : formField(ctx, "api_key");
  if (!given) return false;
  const ok = deps.apiKeys.some((key) => key.length === given.length && timingSafeEqual(Buffer.from(key), Buffer.from(given)));
  if (!ok) throw new AppError("open311_forbidden", "api_key 无效", 403);
  return true;
}

function formField(ctx: Context, name: string): string | undefined {
  const raw = ctx.request.rawBody;
  if (!raw || !/application\/x-www-form-urlencoded/i.test(ctx.get("content-type"))) return undefined;
  return new URLSearchParams(raw.toString("utf8")).get(name) ?? undefined;
}

function discovery(ctx: Context, format: Open311Format): void {
  const url = `${ctx.protocol}://${ctx.host}/open311/v2`;
  answer(
    ctx,
    format,
    {
      changeset: CHANGESET,
      contact: "安全生产举报热线 12350",
      key_service: "API 密钥请向县应急管理局申请",
      endpoints: [{ specification: SPEC, url, changeset: CHANGESET, type: "production", formats: ["application/json", "text/xml"] }],
    },
    "discovery",
  );
}

async function services(ctx: Context, deps: Open311Deps, format: Open311Format): Promise<void> {
  const list = await deps.tips.categories({ activeOnly: true });
  answer(
    ctx,
    format,
    list.map((c) => ({ service_code: c.code, service_name: c.name, description: c.hint, metadata: false, type: "realtime", keywords: "", group: "安全生产举报" })),
    "services",
    "service",
  );
}

async function listRequests(ctx: Context, deps: Open311Deps, format: Open311Format): Promise<void> {
  const q = ctx.query;
  const text = (k: string) => (typeof q[k] === "string" ? (q[k] as string) : undefined);
  const query: Open311Query = {};
  const ids = text("service_request_id");
  if (ids) {
    const list = ids.split(",").map((s) => s.trim());
    if (list.some((s) => !/^\d{1,12}$/.test(s)) || list.length > 100) throw badRequest("service_request_id 应为以逗号分隔的请求编号（最多 100 个）");
    query.ids = list.map(Number);
  }
  if (text("service_code")) query.serviceCode = text("service_code");
  const status = text("status");
  if (status) {
    if (status !== "open" && status !== "closed") throw badRequest("status 应为 open 或 closed");
    query.status = status;
  }
  for (const [param, key] of [["start_date", "start"], ["end_date", "end"]] as const) {
    const value = text(param);
    if (!value) continue;
    const at = new Date(value);
    if (Number.isNaN(at.getTime())) throw badRequest(`${param} 应为 ISO 8601 时间，例如 2026-11-26T00:00:00Z`);
    query[key] = at;
  }
  answer(ctx, format, await deps.tips.open311Requests(query, trusted(ctx, deps)), "service_requests", "request");
}

async function createRequest(ctx: Context, deps: Open311Deps, format: Open311Format): Promise<void> {
  await hit(ctx, deps.kv, PUBLIC_LIMITS.submitPerIp, ctx.ip);
  if (!/application\/x-www-form-urlencoded/i.test(ctx.get("content-type"))) throw badRequest("请求应为 application/x-www-form-urlencoded 表单");
  const form = new URLSearchParams((ctx.request.rawBody ?? Buffer.alloc(0)).toString("utf8"));
  const field = (k: string) => form.get(k)?.trim() || undefined;
  if (!field("service_code")) throw badRequest("缺少 service_code");
  const lat = field("lat");
  const lng = field("long");
  if (!lat !== !lng || (lat && (!Number.isFinite(Number(lat)) || !Number.isFinite(Number(lng))))) throw badRequest("lat 和 long 须成对填写且为数字");
  if (!lat && !field("address_string") && !field("address_id")) throw badRequest("请提供位置：lat/long 或 address_string");
  const name = [field("last_name"), field("first_name")].filter(Boolean).join("") || null;
  const phone = field("phone") ?? null;
  const receipt = await deps.tips.reportPublic({
    category: field("service_code"),
    description: field("description"),
    latitude: lat ? Number(lat) : null,
    longitude: lng ? Number(lng) : null,
    address: field("address_string") ?? null,
    name,
    phone,
    anonymous: !name && !phone,
    photos: [],
  });
  answer(
    ctx,
    format,
    [
      {
        service_request_id: String(receipt.tip.id),
        token: `${receipt.code}.${receipt.token}`,
        service_notice: `举报已受理登记。查询码 ${receipt.code}，密钥 ${receipt.token}：请转告举报人妥善保存，凭其在 /tip/status 查询办理进度。`,
        account_id: null,
      },
    ],
    "service_requests",
    "request",
    201,
  );
}
