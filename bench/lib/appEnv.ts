import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { BENCH_APP } from "./envelopes";

/** What every benchmark's app process is started with besides its own settings. */
export interface BenchAppEnv {
  logLevel: string;
  dbUrl: string;
  redisUrl: string;
  kvPrefix: string;
  jobs: boolean;
  /** The fake WeChat Work's address, when the app is to send (callbacks alone need none). */
  fakeUrl?: string;
}

/**
 * A clean environment for an app process under benchmark: nothing from the caller's shell (a stray
 * DATABASE_URL, say) leaks in; the WeChat Work app is the benchmark's own, the secrets fresh ones.
 */
export function benchAppEnv(e: BenchAppEnv, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: e.logLevel,
    DATABASE_URL: e.dbUrl,
    REDIS_URL: e.redisUrl,
    KV_PREFIX: e.kvPrefix,
    JOBS_ENABLED: String(e.jobs),
    DEMO: "false",
    // Required with DATABASE_URL.
    TIP_IDENTITY_KEY: randomBytes(32).toString("base64"),
    BOARD_LINK_SECRET: randomBytes(32).toString("hex"),
    WECOM_CORP_ID: BENCH_APP.corpId,
    WECOM_AGENT_ID: BENCH_APP.agentId,
    WECOM_SECRET: BENCH_APP.secret,
    WECOM_TOKEN: BENCH_APP.token,
    WECOM_ENCODING_AES_KEY: BENCH_APP.encodingAesKey,
    ...(e.fakeUrl ? { WECOM_API_BASE: e.fakeUrl } : {}),
    ...extra,
  };
}

/** The port an app process under benchmark reports (`{ ready: port }` over IPC) once it listens. */
export function readyPort(proc: ChildProcess, name: string): Promise<number> {
  return new Promise<number>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s`)), 60_000);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} while starting`));
    });
    proc.on("message", (m: { ready?: number }) => {
      if (typeof m?.ready === "number") {
        clearTimeout(timer);
        resolveReady(m.ready);
      }
    });
  });
}
