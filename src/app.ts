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
import { homeRoutes } from "./web/home";

/** What the HTTP layer needs; built once by the server (or a test) and handed in. */
export interface AppDeps {
  config: Pick<Config, "http" | "env">;
  log: Logger;
  db: Database;
  kv: KeyValue;
  /** Routers added by features (channels, admin API); mounted after the built-in ones. */
  routers?: Router[];
}

/** Builds the Koa app without listening, so the server and the tests use the same one. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: true });
  // Errors are answered by errorHandler; keep Koa's own stderr printer quiet.
  app.silent = true;
  app.use(requestContext(deps.log));
  app.use(errorHandler());
  app.use(body(deps.config.http.bodyLimitBytes));
  for (const router of [healthRoutes(deps), homeRoutes(deps), ...(deps.routers ?? [])]) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  return app;
}
