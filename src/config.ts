import { randomBytes } from "node:crypto";
import { z } from "zod";

/**
 * The one typed configuration, parsed from the environment. This is the only module that reads
 * `process.env`; every other module receives the parsed `Config`.
 */

const booleanFlag = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off"], {
    message: "应为 true/false 或 1/0",
  })
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

const port = z.coerce
  .number({ message: "应为数字" })
  .int("应为整数")
  .min(0, "应在 0–65535 之间")
  .max(65535, "应在 0–65535 之间");

const positiveInt = z.coerce.number({ message: "应为数字" }).int("应为整数").positive("应大于 0");

const mysqlUrl = z
  .string()
  .url("应为 mysql://用户:密码@主机:端口/库名 形式的地址")
  .refine((v) => /^(mysql|mariadb):\/\//.test(v), {
    message: "只支持 mysql:// 或 mariadb:// 开头的地址（不设置则使用内置 SQLite）",
  })
  .refine((v) => new URL(v).pathname.replace(/^\//, "").length > 0, { message: "地址中缺少数据库名" });

const redisUrl = z
  .string()
  .url("应为 redis://主机:端口 形式的地址")
  .refine((v) => /^rediss?:\/\//.test(v), { message: "只支持 redis:// 或 rediss:// 开头的地址（不设置则使用内存存储）" });

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"], { message: "应为 development、production 或 test" }).default("development"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: port.default(3000),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { message: "应为 fatal/error/warn/info/debug/trace/silent" })
    .default("info"),
  DATABASE_URL: optionalString.pipe(mysqlUrl.optional()),
  SQLITE_PATH: z.string().min(1).default("./data/anshao.sqlite"),
  REDIS_URL: optionalString.pipe(redisUrl.optional()),
  KV_PREFIX: z.string().regex(/^[a-z0-9:_-]*$/i, "只能包含字母、数字、冒号、下划线和连字符").default("as:"),
  DEMO: booleanFlag.optional(),
  JOBS_ENABLED: booleanFlag.default(true),
  BODY_LIMIT_KB: positiveInt.default(1024),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(15000),
  INSTANCE_ID: optionalString,
  WECOM_CORP_ID: optionalString,
  WECOM_AGENT_ID: optionalString.pipe(z.string().regex(/^\d+$/, "应为数字（应用的 AgentId）").optional()),
  WECOM_SECRET: optionalString,
  WECOM_TOKEN: optionalString,
  WECOM_ENCODING_AES_KEY: optionalString.pipe(z.string().regex(/^[A-Za-z0-9]{43}$/, "应为 43 位字母数字（应用“接收消息”设置中的 EncodingAESKey）").optional()),
  WECOM_API_BASE: z.string().url("应为 http(s):// 开头的地址").default("https://qyapi.weixin.qq.com"),
  WECOM_REPLAY_WINDOW_S: z.coerce.number({ message: "应为数字" }).int("应为整数").min(0, "不能为负数").default(3600),
  WECOM_DAILY_QUOTA: positiveInt.default(200_000),
  MEDIA_DIR: z.string().min(1).default("./data/media"),
  MEDIA_MAX_MB: positiveInt.default(20),
  OUTBOX_ENABLED: booleanFlag.default(true),
  OUTBOX_POLL_MS: positiveInt.default(500),
  OUTBOX_BATCH: positiveInt.default(50),
  OUTBOX_MAX_ATTEMPTS: positiveInt.default(8),
  HAZARD_REPEAT_WINDOW_DAYS: positiveInt.default(365),
  HAZARD_LADDER_DAYS: z
    .string()
    .regex(/^-?\d+,-?\d+,-?\d+,-?\d+$/, "应为四个以逗号分隔的天数（提醒、提醒单、督办单、挂牌督办），例如 -1,0,3,7")
    .default("-1,0,3,7"),
  BOARD_LINK_SECRET: optionalString.pipe(z.string().min(32, "至少 32 个字符").optional()),
  QUIET_HOURS: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, "应为 HH:MM-HH:MM，例如 21:00-08:00").default("21:00-08:00"),
});

const WECOM_KEYS = ["WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET", "WECOM_TOKEN", "WECOM_ENCODING_AES_KEY"] as const;

export type Env = Record<string, string | undefined>;

/** Every setting the process reads; `.env.example` documents each of them. */
export const settingNames = Object.keys(envSchema.shape);

/** Thrown with every problem found, so an operator fixes them all in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置有误（${problems.length} 处）：\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function loadConfig(env: Env = process.env) {
  // Treat empty strings as unset, as docker-compose and systemd files often leave `KEY=`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = issue.path.join(".");
        const value = key && cleaned[key] !== undefined ? `（当前值：${redactValue(key, cleaned[key])}）` : "";
        return `${key}: ${issue.message}${value}`;
      }),
    );
  }
  const e = parsed.data;
  const wecomSet = WECOM_KEYS.filter((k) => e[k] !== undefined);
  if (wecomSet.length > 0 && wecomSet.length < WECOM_KEYS.length) {
    const missing = WECOM_KEYS.filter((k) => e[k] === undefined);
    throw new ConfigError(missing.map((k) => `${k}: 启用企业微信需同时设置 ${WECOM_KEYS.join("、")}，此项缺失`));
  }
  const embedded = e.DATABASE_URL === undefined;
  return Object.freeze({
    env: e.NODE_ENV,
    instanceId: e.INSTANCE_ID ?? `${process.pid}`,
    http: Object.freeze({ host: e.HOST, port: e.PORT, bodyLimitBytes: e.BODY_LIMIT_KB * 1024 }),
    log: Object.freeze({ level: e.LOG_LEVEL }),
    db: Object.freeze(
      embedded
        ? { kind: "sqlite" as const, path: e.SQLITE_PATH }
        : { kind: "mysql" as const, url: e.DATABASE_URL as string },
    ),
    kv: Object.freeze(
      e.REDIS_URL ? { kind: "redis" as const, url: e.REDIS_URL, prefix: e.KV_PREFIX } : { kind: "memory" as const, prefix: e.KV_PREFIX },
    ),
    /** Demo data loads on an empty database; on by default only in the embedded mode. */
    demo: e.DEMO ?? embedded,
    jobs: Object.freeze({ enabled: e.JOBS_ENABLED }),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    /** WeChat Work is enabled only when all five credentials are set; otherwise its routes answer 404. */
    wecom: wecomSet.length
      ? Object.freeze({
          corpId: e.WECOM_CORP_ID as string,
          agentId: Number(e.WECOM_AGENT_ID),
          secret: e.WECOM_SECRET as string,
          token: e.WECOM_TOKEN as string,
          encodingAesKey: e.WECOM_ENCODING_AES_KEY as string,
          apiBase: e.WECOM_API_BASE.replace(/\/+$/, ""),
          replayWindowS: e.WECOM_REPLAY_WINDOW_S,
          dailyQuota: e.WECOM_DAILY_QUOTA,
        })
      : undefined,
    hazards: Object.freeze({
      repeatWindowDays: e.HAZARD_REPEAT_WINDOW_DAYS,
      /** Days from the deadline for: reminder, 提醒单, 督办单, 挂牌督办. */
      ladderDays: e.HAZARD_LADDER_DAYS.split(",").map(Number) as [number, number, number, number],
    }),
    callouts: Object.freeze({
      /**
       * Signs the 叫应 board links. Unset: a random key for this process, so links die with a
       * restart and do not work across instances — set it in production.
       */
      boardLinkSecret: e.BOARD_LINK_SECRET ?? randomBytes(32).toString("hex"),
    }),
    media: Object.freeze({ dir: e.MEDIA_DIR, maxBytes: e.MEDIA_MAX_MB * 1024 * 1024 }),
    outbox: Object.freeze({
      enabled: e.OUTBOX_ENABLED,
      pollMs: e.OUTBOX_POLL_MS,
      batch: e.OUTBOX_BATCH,
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      quietHours: e.QUIET_HOURS,
    }),
  });
}

export type Config = ReturnType<typeof loadConfig>;

/** Connection URLs may carry passwords: never echo them back in an error. */
function redactValue(key: string, value: string | undefined): string {
  if (value === undefined) return "";
  if (/URL$/.test(key)) return value.replace(/\/\/([^:@/]*):([^@/]*)@/, "//$1:***@");
  if (/SECRET|TOKEN|KEY|PASSWORD/.test(key)) return "***";
  return JSON.stringify(value);
}

/** A URL safe to log: the password replaced. */
export function redactUrl(url: string): string {
  return redactValue("URL", url);
}
