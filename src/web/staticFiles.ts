import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { dirname, extname, join, sep } from "node:path";
import type Router from "@koa/router";
import type { Context } from "koa";
import { NotFound } from "../errors";

/** The pages that ship as files, each a folder under src/web/. */
export type WebPage = "home" | "console" | "board" | "tip";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

// One plain name, no folders, no dot files: `..`, `/` and `\` can never reach the disk.
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)+$/;

/**
 * The folder holding the page folders. The files are not compiled, so they are read from the
 * project's src/web/ both under ts-jest (this file is src/web/staticFiles.ts) and from any tsc
 * output (dist/src/web/, .test-build/…/src/web/): walk up to the first folder that holds them.
 */
function findWebRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    for (const candidate of [dir, join(dir, "src", "web")]) {
      if (existsSync(join(candidate, "home", "index.html"))) return candidate;
    }
    if (dirname(dir) === dir) throw new Error(`page files not found above ${__dirname} (expected src/web/home/index.html)`);
  }
}

let webRoot: string | undefined;

/** How a file may be kept: pages that show names are never stored; the rest is revalidated each time (names carry no version). */
export type CachePolicy = "no-store" | "no-cache";

/**
 * Answers with one file of a page folder: its content type, an ETag (304 when the browser has it),
 * the cache policy, nosniff; `status` other than 200 (a refusal page) skips the ETag. A name that is not a plain file name, an unknown type or a missing
 * file is a 404.
 */
export async function sendPageFile(ctx: Context, page: WebPage, file: string, cache: CachePolicy, status = 200): Promise<void> {
  const type = TYPES[extname(file).toLowerCase()];
  if (!FILE_NAME.test(file) || !type) throw NotFound("该文件", "web_file_not_found");
  const folder = join((webRoot ??= findWebRoot()), page);
  const path = join(folder, file);
  if (!path.startsWith(folder + sep)) throw NotFound("该文件", "web_file_not_found");
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw NotFound("该文件", "web_file_not_found");
  ctx.set("Cache-Control", cache);
  ctx.set("X-Content-Type-Options", "nosniff");
  ctx.status = status;
  ctx.type = type;
  if (status === 200) {
    ctx.etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
  }
  ctx.body = await readFile(path);
}

/** Adds `GET /web/<page>/<file>` to `router`: the page's stylesheet, script and pictures. */
export function servePageAssets(router: Router, page: WebPage): void {
  router.get(`/web/${page}/:file`, (ctx) => sendPageFile(ctx, page, String(ctx.params.file), "no-cache"));
}
