import Router from "@koa/router";
import type { Context } from "koa";
import QRCode from "qrcode";
import type { Clock } from "../clock";
import type { Database } from "../db/Database";
import { TIP_OFFICER } from "../domain/tips";
import { authenticate, requireRole } from "../http/middleware/auth";
import { sendPageFile, servePageAssets } from "./staticFiles";

// Photos are previewed from blob: URLs; geolocation is the page's own; nothing from elsewhere.
const PAGE_POLICY =
  "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The public tip page (src/web/tip/): `GET /tip` (the form) and `GET /tip/status` (the lookup),
 * static files on the public API; and for staff `GET /api/tips/poster` — a printable poster (SVG)
 * with the page's QR code, or `?format=png` for the bare code, for 张贴 in towns and enterprises.
 */
export function tipPageRoutes(deps: { db: Database; clock: Clock }): Router {
  const router = new Router();
  const page = (file: string) => async (ctx: Context) => {
    ctx.set("Content-Security-Policy", PAGE_POLICY);
    ctx.set("Referrer-Policy", "no-referrer");
    await sendPageFile(ctx, "tip", file, "no-cache");
  };
  router.get("/tip", page("index.html"));
  router.get("/tip/status", page("status.html"));
  servePageAssets(router, "tip");

  router.get("/api/tips/poster", authenticate(deps), requireRole(TIP_OFFICER, "admin"), async (ctx) => {
    const url = `${ctx.protocol}://${ctx.host}/tip`;
    if (ctx.query.format === "png") {
      ctx.type = "image/png";
      ctx.body = await QRCode.toBuffer(url, { errorCorrectionLevel: "M", margin: 2, width: 600 });
      return;
    }
    const qr = await QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
    ctx.type = "image/svg+xml";
    ctx.set("Content-Disposition", 'inline; filename="tip-poster.svg"');
    ctx.body = poster(qr, url);
  });
  return router;
}

/** An A4 portrait poster: title, the QR code, what to report and the promise of confidentiality. */
function poster(qrSvg: string, url: string): string {
  const inner = qrSvg.replace(/^<svg[^>]*>/, "").replace(/<\/svg>\s*$/, "");
  const viewBox = /viewBox="([^"]+)"/.exec(qrSvg)?.[1] ?? "0 0 33 33";
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
  const text = (y: number, size: number, s: string, weight = 400) => `<text x="105" y="${y}" font-size="${size}" font-weight="${weight}" text-anchor="middle">${esc(s)}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297" font-family="sans-serif">`,
    `<rect width="210" height="297" fill="#fff"/>`,
    `<rect width="210" height="40" fill="#c62828"/>`,
    `<text x="105" y="26" font-size="15" font-weight="700" fill="#fff" text-anchor="middle">安全生产举报</text>`,
    text(58, 8, "发现非法违法生产经营、事故隐患，请扫码举报"),
    `<svg x="45" y="70" width="120" height="120" viewBox="${viewBox}">${inner}</svg>`,
    text(205, 6, "可匿名举报 · 身份信息加密保存 · 仅举报受理人员可见"),
    text(217, 6, "核查属实的，按规定给予奖励"),
    text(235, 6, "提交后请保存查询码和密钥，凭其查询办理进度"),
    text(255, 7, "举报热线：12350", 700),
    text(280, 4, url),
    `</svg>`,
  ].join("\n");
}
