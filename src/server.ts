import type { Server } from "node:http";
import type Router from "@koa/router";
import { createApp } from "./app";
import { answerClientErrors } from "./http/clientErrors";
import { systemClock } from "./clock";
import { type Config, ConfigError, loadConfig } from "./config";
import { loadDemoIfEmpty } from "./domain/demo/loadDemo";
import { buildServices } from "./services";
import { consoleOpenBeyondLoopback } from "./web/consoleAccess";
import { createLogger, type Logger } from "./log";
import { failoverJobLocks, kvJobLocks } from "../jobs/jobLocks";
import { startScheduler } from "../jobs/scheduler";
import { dbJobLocks } from "./db/jobLocks";
import { demoAdminSignInPath } from "./domain/access/demoLink";
import { SignInLinks } from "./domain/access/sessions";

export interface RunningServer {
  url: string;
  /** Graceful stop: no new connections, in-flight requests and job runs finish, pools close. */
  stop(): Promise<void>;
}

/** Main: config → database (+ migrations) → kv → demo data → HTTP + outbox worker + jobs. */
export async function startServer(config: Config, log: Logger, extra: { routers?: Router[] } = {}): Promise<RunningServer> {
  const services = await buildServices(config, log, systemClock);
  const { db, kv, outboxWorker } = services;
  if (config.demo) {
    const demo = await loadDemoIfEmpty(db, systemClock);
    if (demo.loaded) log.info({ units: demo.units, people: demo.people, enterprises: demo.enterprises }, "demo county loaded");
  }
  const app = createApp({ config, log, db, kv, routers: [...services.routers, ...(extra.routers ?? [])] });
  const server: Server = await new Promise((resolve, reject) => {
    const s = answerClientErrors(app.listen(config.http.port, config.http.host, () => resolve(s))).on("error", reject);
  });
  if (consoleOpenBeyondLoopback({ host: config.http.host, consoleEnabled: config.console.enabled, requireLogin: config.console.requireLogin })) {
    log.warn({ host: config.http.host }, "the console needs no sign-in and listens beyond this machine: anyone who reaches it acts as anyone; set HOST=127.0.0.1 unless that is meant");
  }
  outboxWorker.start();
  const connections = services.connectChannels();
  const jobLocks = failoverJobLocks(kvJobLocks(kv), dbJobLocks(db, systemClock), log);
  const scheduler = config.jobs.enabled ? startScheduler(services.jobs, services.jobContext, jobLocks, config.instanceId) : undefined;
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.http.port;
  const host = config.http.host;
  const url = `http://${host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host}:${port}`;
  log.info(
    { url, host, database: config.db.kind, kv: config.kv.kind, wecom: Boolean(config.wecom), jobs: config.jobs.enabled ? services.jobs.length : 0 },
    "anshao listening",
  );
  if (config.demo && config.db.kind === "sqlite") {
    const link = await demoAdminSignInPath(db, new SignInLinks({ kv }));
    // To the terminal, never to the log: the link signs its holder in as the administrator.
    if (link) process.stdout.write(`管理后台一次性登录链接（${link.name}，管理员，24 小时内有效，只能用一次）：${url}${link.path}\n`);
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections turn idle as their last response ends; close each as soon as it does.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      await Promise.all([closed.finally(() => clearInterval(sweep)), scheduler?.stop(), outboxWorker.stop(), connections.stop()]);
      await services.close();
    })());
  return { url, stop };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n请对照 .env.example 修改后重新启动。\n`);
    process.exit(1);
  }
  const log = createLogger({ level: config.log.level });
  let running: RunningServer;
  try {
    running = await startServer(config, log);
  } catch (err) {
    log.fatal({ code: (err as { code?: string }).code }, (err as Error).message);
    process.stderr.write(`启动失败：${(err as Error).message}\n`);
    process.exit(1);
  }
  // One line for the person who just typed `npm start` (stderr: stdout stays JSON for log shippers).
  process.stderr.write(`${startLine(running.url, config.console.enabled)}\n`);
  const shutdown = (signal: string) => {
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      log.error({ timeoutMs: config.shutdownTimeoutMs }, "shutdown timed out; exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    running.stop().then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (err: Error) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

/** `安哨已启动：首页 http://127.0.0.1:3000/ ，模拟聊天控制台 http://127.0.0.1:3000/console（Ctrl+C 停止）` */
export function startLine(url: string, consoleEnabled: boolean): string {
  return `安哨已启动：首页 ${url}/${consoleEnabled ? ` ，模拟聊天控制台 ${url}/console` : ""}（Ctrl+C 停止）`;
}

if (require.main === module) void main();
