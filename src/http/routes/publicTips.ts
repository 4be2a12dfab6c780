import Router from "@koa/router";
import getRawBody from "raw-body";
import type { TipService } from "../../domain/tips";
import { Invalid } from "../../errors";
import type { KeyValue } from "../../kv";
import { parseMultipart } from "../multipart";
import { publicCors } from "../public/cors";
import { deviceOf, hit, PUBLIC_LIMITS } from "../public/rateLimit";

export interface PublicTipRouteDeps {
  tips: TipService;
  kv: KeyValue;
  /** Origins allowed to call from a browser (PUBLIC_TIP_ORIGINS). */
  origins: readonly string[];
  /** Largest photo, in bytes (PUBLIC_TIP_PHOTO_MAX_MB). */
  photoMaxBytes: number;
}

/** Room for the form's text fields beside nine photos. */
const FORM_OVERHEAD_BYTES = 256 * 1024;

/**
 * The public tip API, used by the WeChat mini-program and the H5 page, no account needed:
 * `GET /api/public/tip-categories`, `POST /api/public/tips` (multipart) → code and token, and
 * `GET /api/public/tips/:code?token=…` → the status. Rate-limited per address and per device;
 * nothing answered here names the tipster, a handler or a photo.
 */
export function publicTipRoutes(deps: PublicTipRouteDeps): Router {
  const router = new Router({ prefix: "/api/public" });
  const cors = publicCors(deps.origins);
  for (const path of ["/tip-categories", "/tips", "/tips/:code"]) router.options(path, cors);

  router.get("/tip-categories", cors, async (ctx) => {
    ctx.set("Cache-Control", "public, max-age=300");
    const categories = await deps.tips.categories({ activeOnly: true });
    ctx.body = { data: categories.map(({ code, name, hint }) => ({ code, name, hint })) };
  });

  router.post("/tips", cors, async (ctx) => {
    await hit(ctx, deps.kv, PUBLIC_LIMITS.submitPerIp, ctx.ip);
    const device = deviceOf(ctx);
    if (device) await hit(ctx, deps.kv, PUBLIC_LIMITS.submitPerDevice, device);
    const type = ctx.get("content-type");
    if (!/^multipart\/form-data/i.test(type)) throw Invalid("请以 multipart/form-data 表单提交举报", undefined, "multipart_required");
    const raw = await getRawBody(ctx.req, { limit: 9 * deps.photoMaxBytes + FORM_OVERHEAD_BYTES, length: ctx.get("content-length") || undefined });
    const form = parseMultipart(raw, type);
    const f = form.fields;
    const receipt = await deps.tips.reportPublic({
      category: f.category,
      description: f.description,
      ...coordinates(f.lat, f.lng),
      address: f.address,
      name: f.name,
      phone: f.phone,
      anonymous: /^(1|true|on|yes)$/i.test(f.anonymous ?? ""),
      photos: form.files.filter((p) => p.name === "photos" || p.name === "photos[]").map((p) => p.bytes),
    });
    ctx.status = 201;
    ctx.set("Cache-Control", "no-store");
    ctx.body = { data: { code: receipt.code, token: receipt.token } };
  });

  router.get("/tips/:code", cors, async (ctx) => {
    await hit(ctx, deps.kv, PUBLIC_LIMITS.lookupPerIp, ctx.ip);
    ctx.set("Cache-Control", "no-store");
    const token = typeof ctx.query.token === "string" ? ctx.query.token : "";
    ctx.body = { data: await deps.tips.publicStatus(ctx.params.code ?? "", token) };
  });

  return router;
}

/** `lat`/`lng` as numbers, both or neither; a half or a word is the form's mistake, said in Chinese. */
function coordinates(lat: string | undefined, lng: string | undefined): { latitude: number | null; longitude: number | null } {
  const given = (v: string | undefined) => v !== undefined && v.trim() !== "";
  if (!given(lat) && !given(lng)) return { latitude: null, longitude: null };
  const latitude = Number(lat);
  const longitude = Number(lng);
  if (!given(lat) || !given(lng) || !Number.isFinite(latitude) || !Number.isFinite(longitude)) {
    throw Invalid("位置坐标不正确", [{ where: "lat", message: "经纬度须成对填写且为数字" }], "tip_location_invalid");
  }
  return { latitude, longitude };
}
