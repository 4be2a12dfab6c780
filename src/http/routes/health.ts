import Router from "@koa/router";
import type { Database } from "../../db/Database";
import type { KeyValue } from "../../kv";

const CHECK_TIMEOUT_MS = 2000;

/** `/healthz`: the process answers. `/readyz`: it can also reach its database and kv store. */
export function healthRoutes(deps: { db: Database; kv: KeyValue }): Router {
  const router = new Router();
  router.get("/healthz", (ctx) => {
    ctx.body = { status: "ok" };
  });
  router.get("/readyz", async (ctx) => {
    const [database, kv] = await Promise.all([probe(() => deps.db.ping()), probe(() => deps.kv.ping())]);
    const ready = database === "ok" && kv === "ok";
    ctx.status = ready ? 200 : 503;
    ctx.body = ready
      ? { status: "ok", checks: { database, kv } }
      : { status: "unavailable", code: "not_ready", message: "服务暂不可用：数据库或缓存无法连接", checks: { database, kv } };
  });
  return router;
}

async function probe(check: () => Promise<void>): Promise<"ok" | "down"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return "ok";
  } catch {
    return "down";
  } finally {
    clearTimeout(timer);
  }
}
