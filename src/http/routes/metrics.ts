import { timingSafeEqual, createHash } from "node:crypto";
import Router from "@koa/router";
import type { Context } from "koa";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { AppError } from "../../errors";
import { databaseRegistry } from "../../metrics/database";
import { processRegistry, setDatabaseUp } from "../../metrics/metrics";

/** How long a scrape waits for the database's figures before answering without them. */
const DATABASE_FIGURES_TIMEOUT_MS = 3_000;

export interface MetricsRouteDeps {
  db: Database;
  clock: Clock;
  /** METRICS_TOKEN: when set, scrapers send `Authorization: Bearer <token>`; unset, only this machine may scrape. */
  token?: string;
}

/**
 * `GET /metrics` in Prometheus text format: this process's counters and histograms plus the
 * fleet-wide figures read from the database at scrape time. While the database cannot answer,
 * the process's own metrics are still served, with `anshao_database_up 0`: an outage shows up in
 * the figures instead of as a failed scrape that hides them all.
 */
export function metricsRoutes(deps: MetricsRouteDeps): Router {
  const router = new Router();
  const fromDatabase = databaseRegistry(deps.db, deps.clock);
  router.get("/metrics", async (ctx) => {
    allowScraper(ctx, deps.token);
    let fleet = "";
    try {
      fleet = await withTimeout(fromDatabase.metrics(), DATABASE_FIGURES_TIMEOUT_MS);
      setDatabaseUp(true);
    } catch {
      setDatabaseUp(false);
    }
    ctx.type = processRegistry.contentType;
    ctx.body = `${await processRegistry.metrics()}\n${fleet}`;
  });
  return router;
}

function allowScraper(ctx: Context, token: string | undefined): void {
  if (token) {
    const given = /^Bearer (.+)$/i.exec(ctx.get("authorization"))?.[1] ?? "";
    // Hashes of equal length, so the comparison takes the same time whatever was sent.
    const digest = (s: string) => createHash("sha256").update(s).digest();
    if (!timingSafeEqual(digest(given), digest(token))) {
      ctx.set("WWW-Authenticate", 'Bearer realm="metrics"');
      throw new AppError("metrics_unauthorized", "请在 Authorization 头中提供指标令牌（METRICS_TOKEN）", 401);
    }
    return;
  }
  // Without a token only this machine may scrape. The socket's own peer, not X-Forwarded-For:
  // a request relayed by a proxy on this machine comes from elsewhere.
  const peer = ctx.req.socket.remoteAddress ?? "";
  const loopback = peer === "::1" || peer.startsWith("127.") || peer.startsWith("::ffff:127.");
  if (!loopback || ctx.get("x-forwarded-for") || ctx.get("x-real-ip")) {
    throw new AppError("metrics_forbidden", "未设置 METRICS_TOKEN 时，指标只允许本机访问", 403);
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), ms);
  });
  work.catch(() => undefined); // a late failure after the timeout is not an unhandled rejection
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
