import type { Middleware } from "koa";
import getRawBody from "raw-body";
import { Invalid } from "../../errors";

declare module "koa" {
  interface Request {
    /** The exact bytes received: callbacks verify signatures over them. */
    rawBody?: Buffer;
    /** The parsed JSON body, when the request declared JSON. */
    body?: unknown;
  }
}

/** Where multipart bodies are left for the route to read (see src/http/routes/publicTips.ts). */
export const PUBLIC_UPLOADS = "/api/public/";
/** Console photo uploads, likewise read by their route under the media store's limit (src/http/routes/hazardPhotos.ts). */
const PHOTO_UPLOADS = /^\/api\/hazards\/\d+\/photos$/;

/**
 * Reads request bodies up to `limitBytes` (413 past that, without reading the rest into memory),
 * keeps the raw bytes and parses JSON. Everything else is left for the route to interpret.
 */
export function body(limitBytes: number): Middleware {
  return async (ctx, next) => {
    if (!["POST", "PUT", "PATCH"].includes(ctx.method)) return next();
    // A public upload (a tip's photos) is read by its route, under that route's own limit.
    if ((ctx.path.startsWith(PUBLIC_UPLOADS) || PHOTO_UPLOADS.test(ctx.path)) && /multipart\/form-data/i.test(ctx.get("content-type"))) return next();
    const raw = await getRawBody(ctx.req, { limit: limitBytes, length: ctx.get("content-length") || undefined });
    ctx.request.rawBody = raw;
    // The header test first: ctx.is parses the header, and most bodies here are callback XML.
    if (raw.length > 0 && /json/i.test(ctx.get("content-type")) && ctx.is("application/json")) {
      try {
        ctx.request.body = JSON.parse(raw.toString("utf8"));
      } catch {
        throw Invalid("请求内容不是有效的 JSON", undefined, "invalid_json");
      }
    }
    return next();
  };
}
