import Router from "@koa/router";
import type { Database } from "../db/Database";
import { summarizeDirectory } from "../domain/org/directorySummary";
import { riskLevels, unitKinds } from "../domain/org/vocabulary";
import { sendPageFile, servePageAssets } from "./staticFiles";

const PAGE_POLICY = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * `/`: a landing page that tells a newcomer the system is alive and what it holds. The page is
 * src/web/home/; its counts come from `GET /api/home` (no names, no numbers of people).
 */
export function homeRoutes(deps: { db: Database }): Router {
  const router = new Router();
  router.get("/", async (ctx) => {
    ctx.set("Content-Security-Policy", PAGE_POLICY);
    await sendPageFile(ctx, "home", "index.html", "no-cache");
  });
  router.get("/api/home", async (ctx) => {
    const s = await summarizeDirectory(deps.db);
    ctx.set("Cache-Control", "no-store");
    ctx.body = {
      data: {
        units: unitKinds.codes.map((code) => ({ code, label: unitKinds.label(code), count: s.units[code] })),
        activePeople: s.activePeople,
        allPeople: s.allPeople,
        enterprises: riskLevels.codes.map((code) => ({ code, label: riskLevels.label(code), count: s.enterprises[code] })),
      },
    };
  });
  servePageAssets(router, "home");
  return router;
}
