import Koa from "koa";
import type Router from "@koa/router";
import type { Config } from "./config";
import type { Database } from "./db/Database";
import type { KeyValue } from "./kv";
import type { Logger } from "./log";
import { body } from "./http/middleware/body";
import { errorHandler } from "./http/middleware/errorHandler";
import { requestContext } from "./http/middleware/requestContext";
import { healthRoutes } from "./http/routes/health";
import { metricsRoutes } from "./http/routes/metrics";
import { observeHttp } from "./metrics/metrics";
import { type Clock, systemClock } from "./clock";
import { adminRoutes } from "./web/admin";
import { homeRoutes } from "./web/home";

/** What the HTTP layer needs; built once by the server (or a test) and handed in. */
export interface AppDeps {
  config: Pick<Config, "http" | "env"> & Partial<Pick<Config, "metrics">>;
  log: Logger;
  db: Database;
  kv: KeyValue;
  /** The clock /metrics measures ages with; the system clock unless a test sets its own. */
  clock?: Clock;
  /** Routers added by features (channels, admin API); mounted after the built-in ones. */
  routers?: Router[];
}

/** Builds the Koa app without listening, so the server and the tests use the same one. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: true });
  // Errors are answered by errorHandler; keep Koa's own stderr printer quiet.
  app.silent = true;
  app.use(async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      // The route's template (`/api/hazards/:id`), never the raw path: no ids in label values.
      const route = (ctx as { _matchedRoute?: string })._matchedRoute;
      observeHttp(typeof route === "string" ? route : undefined, ctx.method, ctx.status, Number(process.hrtime.bigint() - started) / 1e9);
    }
  });
  app.use(requestContext(deps.log));
  app.use(errorHandler());
  app.use(body(deps.config.http.bodyLimitBytes));
  for (const router of [healthRoutes(deps), metricsRoutes({ db: deps.db, clock: deps.clock ?? systemClock, token: deps.config.metrics?.token }), homeRoutes(deps), adminRoutes(), ...(deps.routers ?? [])]) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  return app;
}
