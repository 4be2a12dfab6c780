import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { dirname, extname, join, sep } from "node:path";
import Router from "@koa/router";
import type { Context } from "koa";
import { NotFound } from "../errors";

/**
 * `/admin/…`: the admin console, a Vue app Vite builds from admin/ into dist/admin (`npm run build`).
 * Files under /admin/assets/ carry a content hash in their names and are cached for good; every
 * other path is a page of the app's router and gets index.html (history fallback), never cached.
 */
const POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".ico": "image/x-icon",
};
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*\.[A-Za-z0-9]+$/;

/** dist/admin above this file: from src/web (ts-jest) or dist/src/web (the built server). */
function findBuild(): string | null {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, "dist", "admin");
    if (existsSync(join(candidate, "index.html"))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

export function adminRoutes(): Router {
  const router = new Router();
  let root: string | null = null;
  const buildRoot = () => (root ??= findBuild());

  const index = async (ctx: Context) => {
    const dir = buildRoot();
    ctx.set("Cache-Control", "no-cache");
    ctx.set("X-Content-Type-Options", "nosniff");
    if (!dir) {
      ctx.status = 503;
      ctx.type = "text/html; charset=utf-8";
      ctx.body = "<!doctype html><meta charset=utf-8><title>管理后台</title><p>管理后台尚未构建，请先运行 <code>npm run build</code>。</p>";
      return;
    }
    ctx.set("Content-Security-Policy", POLICY);
    ctx.type = "text/html; charset=utf-8";
    ctx.body = await readFile(join(dir, "index.html"));
  };

  router.get("/admin/assets/:file", async (ctx) => {
    const dir = buildRoot();
    const file = String(ctx.params.file);
    const type = TYPES[extname(file).toLowerCase()];
    if (!dir || !ASSET_NAME.test(file) || !type) throw NotFound("该文件", "web_file_not_found");
    const folder = join(dir, "assets");
    const path = join(folder, file);
    if (!path.startsWith(folder + sep) || !(await stat(path).catch(() => null))?.isFile()) throw NotFound("该文件", "web_file_not_found");
    ctx.set("Cache-Control", "public, max-age=31536000, immutable");
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.type = type;
    ctx.body = await readFile(path);
  });
  // The router is not strict about a trailing slash, so /admin and /admin/ meet here.
  router.get("/admin", (ctx) => (ctx.path === "/admin" ? ctx.redirect("/admin/") : index(ctx)));
  router.get("/admin/*page", index);
  return router;
}
