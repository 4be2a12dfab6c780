import { dirname, join } from "node:path";
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

type CalloutLevel = "red" | "orange" | "yellow" | "blue";
const CALLOUT_LEVEL_WORDS: Record<string, CalloutLevel> = { red: "red", 红: "red", orange: "orange", 橙: "orange", yellow: "yellow", 黄: "yellow", blue: "blue", 蓝: "blue" };

/** `red:15,orange:30,yellow:60,blue:120` (or 红:15,…): minutes to answer a 叫应 by warning level; unnamed levels keep their default. */
const calloutAnswerMinutes = z
  .string()
  .default("red:15,orange:30,yellow:60,blue:120")
  .transform((v, ctx) => {
    const minutes: Partial<Record<CalloutLevel, number>> = {};
    for (const part of v.split(/[,，]/).map((s) => s.trim()).filter(Boolean)) {
      const m = /^([a-z]+|[红橙黄蓝])色?\s*[:：=]\s*(\d{1,4})$/i.exec(part);
      const level = m ? CALLOUT_LEVEL_WORDS[(m[1] as string).toLowerCase()] : undefined;
      const n = m ? Number(m[2]) : NaN;
      const problem = !level
        ? `叫应回复时限“${part}”无法识别，应为 等级:分钟 并以逗号分隔，例如 red:15,orange:30,yellow:60,blue:120（等级也可写 红/橙/黄/蓝）`
        : n < 1 || n > 1440
          ? `叫应回复时限“${part}”应在 1–1440 分钟之间`
          : minutes[level] !== undefined
            ? `叫应回复时限的等级“${m?.[1]}”重复设置`
            : undefined;
      if (problem) {
        ctx.addIssue({ code: "custom", message: problem });
        return z.NEVER;
      }
      minutes[level as CalloutLevel] = n;
    }
    return minutes;
  });

/** `13900000001,13900000002`: people named by mobile (the directory's key). */
const mobileList = z
  .string()
  .default("")
  .transform((v) => v.split(/[,，\s]+/).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^1\d{10}$/, "应为以逗号分隔的 11 位手机号")));

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"], { message: "应为 development、production 或 test" }).default("development"),
  HOST: optionalString,
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
  API_TIMEOUT_MS: positiveInt.default(30000),
  API_MAX_IN_FLIGHT: positiveInt.default(64),
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
  DINGTALK_APP_KEY: optionalString,
  DINGTALK_APP_SECRET: optionalString,
  DINGTALK_AGENT_ID: optionalString.pipe(z.string().regex(/^\d+$/, "应为数字（应用的 AgentId）").optional()),
  DINGTALK_TOKEN: optionalString,
  DINGTALK_AES_KEY: optionalString.pipe(z.string().regex(/^[A-Za-z0-9]{43}$/, "应为 43 位字母数字（事件订阅中的加密 aes_key）").optional()),
  DINGTALK_ROBOT_CODE: optionalString,
  DINGTALK_MODE: z.enum(["http", "stream"], { message: "应为 http 或 stream" }).default("http"),
  DINGTALK_API_BASE: z.string().url("应为 http(s):// 开头的地址").default("https://api.dingtalk.com"),
  DINGTALK_OAPI_BASE: z.string().url("应为 http(s):// 开头的地址").default("https://oapi.dingtalk.com"),
  DINGTALK_REPLAY_WINDOW_S: z.coerce.number({ message: "应为数字" }).int("应为整数").min(0, "不能为负数").default(3600),
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
  INSPECTION_FAR_METRES: positiveInt.default(500),
  CALLOUT_ANSWER_MINUTES: calloutAnswerMinutes,
  BOARD_LINK_SECRET: optionalString.pipe(z.string().min(32, "至少 32 个字符").optional()),
  TIP_IDENTITY_KEY: optionalString.pipe(z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "应为 32 字节密钥的 base64 编码（44 个字符），可用 openssl rand -base64 32 生成").optional()),
  PUBLIC_TIP_ORIGINS: z.string().default("").transform((v) => v.split(/[,\s]+/).filter(Boolean)).pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, "应为以逗号分隔的来源，如 https://servicewechat.com"))),
  OPEN311_API_KEYS: z.string().default("").transform((v) => v.split(/[,\s]+/).filter(Boolean)).pipe(z.array(z.string().min(16, "每个密钥至少 16 个字符"))),
  PUBLIC_TIP_VERIFY_DAYS: positiveInt.default(15),
  PUBLIC_TIP_FEEDBACK_DAYS: positiveInt.default(10),
  PUBLIC_TIP_PHOTO_MAX_MB: positiveInt.default(10),
  QUIET_HOURS: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, "应为 HH:MM-HH:MM，例如 21:00-08:00").default("21:00-08:00"),
  CONSOLE_ENABLED: booleanFlag.optional(),
  DIGEST_HOUR: z.coerce.number({ message: "应为数字" }).int("应为整数").min(0, "应在 0–23 之间").max(23, "应在 0–23 之间").default(8),
  DIGEST_RECIPIENTS: mobileList,
  REPORT_RECIPIENTS: mobileList,
  PUBLIC_BASE_URL: optionalString.pipe(z.string().url("应为 http(s):// 开头的地址，例如 https://anshao.example.gov.cn").optional()),
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, "至少 16 个字符").optional()),
  RETENTION_DAYS: positiveInt.default(30),
});

const WECOM_KEYS = ["WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET", "WECOM_TOKEN", "WECOM_ENCODING_AES_KEY"] as const;
const DINGTALK_KEYS = ["DINGTALK_APP_KEY", "DINGTALK_APP_SECRET", "DINGTALK_AGENT_ID", "DINGTALK_TOKEN", "DINGTALK_AES_KEY"] as const;
/** Stream mode has no callback URL, so no token and no AES key. */
const DINGTALK_STREAM_KEYS = ["DINGTALK_APP_KEY", "DINGTALK_APP_SECRET", "DINGTALK_AGENT_ID"] as const;

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
  const dingtalkKeys: readonly (typeof DINGTALK_KEYS)[number][] = e.DINGTALK_MODE === "stream" ? DINGTALK_STREAM_KEYS : DINGTALK_KEYS;
  const dingtalkSet = DINGTALK_KEYS.filter((k) => e[k] !== undefined);
  if (dingtalkSet.length > 0 && dingtalkKeys.some((k) => e[k] === undefined)) {
    const missing = dingtalkKeys.filter((k) => e[k] === undefined);
    throw new ConfigError(missing.map((k) => `${k}: 启用钉钉（${e.DINGTALK_MODE} 模式）需同时设置 ${dingtalkKeys.join("、")}，此项缺失`));
  }
  // A messenger is configured: the console is then no longer the only channel.
  const messengers = wecomSet.length + dingtalkSet.length;
  const embedded = e.DATABASE_URL === undefined;
  // A generated key is fine next to an embedded SQLite file; a production database must not
  // depend on a file that a redeploy loses.
  const serverKeys: string[] = [];
  if (!embedded && e.TIP_IDENTITY_KEY === undefined) {
    serverKeys.push("TIP_IDENTITY_KEY: 使用 DATABASE_URL（生产部署）时必须设置举报人身份加密密钥（32 字节的 base64，可用 openssl rand -base64 32 生成），并另行妥善备份");
  }
  // Links handed out before a restart, or by another instance, must still open the board.
  if (!embedded && e.BOARD_LINK_SECRET === undefined) {
    serverKeys.push("BOARD_LINK_SECRET: 使用 DATABASE_URL（生产部署）时必须设置叫应看板链接的签名密钥（至少 32 个字符，可用 openssl rand -hex 32 生成），各实例须相同");
  }
  if (serverKeys.length > 0) throw new ConfigError(serverKeys);
  const consoleEnabled = e.CONSOLE_ENABLED ?? (embedded && messengers === 0);
  // The demo on a laptop: SQLite, no messenger, not production. Only there is the console open to anyone who reaches it.
  const consoleOpen = embedded && messengers === 0 && e.NODE_ENV !== "production";
  return Object.freeze({
    env: e.NODE_ENV,
    instanceId: e.INSTANCE_ID ?? `${process.pid}`,
    http: Object.freeze({
      /** Embedded mode: loopback only, as its console may need no sign-in; a server deployment listens on every interface. */
      host: e.HOST ?? (embedded ? "127.0.0.1" : "0.0.0.0"),
      port: e.PORT,
      bodyLimitBytes: e.BODY_LIMIT_KB * 1024,
      /** An `/api` request unfinished after this is answered 503 (a hanging database); see middleware/apiGuard.ts. */
      apiTimeoutMs: e.API_TIMEOUT_MS,
      /** `/api` requests running at once before further ones are answered 503 without waiting. */
      apiMaxInFlight: e.API_MAX_IN_FLIGHT,
    }),
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
    /** METRICS_TOKEN: the bearer token /metrics asks for; unset, /metrics answers this machine only. */
    metrics: Object.freeze({ token: e.METRICS_TOKEN }),
    /** Days inbound payloads and console message texts are kept (RETENTION_DAYS); what they produced stays. */
    retention: Object.freeze({ days: e.RETENTION_DAYS }),
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
    /** DingTalk (钉钉) is enabled only when all five credentials are set; otherwise /dingtalk/* answers 404. */
    dingtalk: dingtalkSet.length
      ? Object.freeze({
          appKey: e.DINGTALK_APP_KEY as string,
          appSecret: e.DINGTALK_APP_SECRET as string,
          agentId: Number(e.DINGTALK_AGENT_ID),
          /** Empty in stream mode, where nothing is sealed (the callback routes are then not mounted). */
          token: e.DINGTALK_TOKEN ?? "",
          aesKey: e.DINGTALK_AES_KEY ?? "",
          /** An enterprise internal app's robot code is its app key unless set otherwise. */
          robotCode: e.DINGTALK_ROBOT_CODE ?? (e.DINGTALK_APP_KEY as string),
          mode: e.DINGTALK_MODE,
          /** The `v1.0` host (accessToken, robot messages, files, cards); the loopback fake in tests. */
          apiBase: e.DINGTALK_API_BASE.replace(/\/+$/, ""),
          /** The `oapi` host (gettoken, work notifications, address book). */
          oapiBase: e.DINGTALK_OAPI_BASE.replace(/\/+$/, ""),
          /** Events further off than this many seconds are refused; 0 turns it off. */
          replayWindowS: e.DINGTALK_REPLAY_WINDOW_S,
        })
      : undefined,
    hazards: Object.freeze({
      repeatWindowDays: e.HAZARD_REPEAT_WINDOW_DAYS,
      /** Days from the deadline for: reminder, 提醒单, 督办单, 挂牌督办. */
      ladderDays: e.HAZARD_LADDER_DAYS.split(",").map(Number) as [number, number, number, number],
    }),
    /** A check-in further than this from the enterprise is flagged (never refused). */
    inspections: Object.freeze({ farMetres: e.INSPECTION_FAR_METRES }),
    tips: Object.freeze({
      /** TIP_IDENTITY_KEY (base64): seals tipsters' identities. */
      identityKey: e.TIP_IDENTITY_KEY,
      /** Embedded mode without the setting: a key generated once and kept next to the SQLite file (0600). */
      keyFile: embedded && e.TIP_IDENTITY_KEY === undefined && e.SQLITE_PATH !== ":memory:" ? join(dirname(e.SQLITE_PATH), "tip-identity.key") : undefined,
      /** Public tips (H5 form, mini-program, Open311): allowed origins (CORS), deadlines in days, photo size, Open311 API keys (OPEN311_API_KEYS). */
      public: Object.freeze({ origins: Object.freeze(e.PUBLIC_TIP_ORIGINS), verifyDays: e.PUBLIC_TIP_VERIFY_DAYS, feedbackDays: e.PUBLIC_TIP_FEEDBACK_DAYS, photoMaxBytes: e.PUBLIC_TIP_PHOTO_MAX_MB * 1024 * 1024, open311ApiKeys: Object.freeze(e.OPEN311_API_KEYS) }),
    }),
    callouts: Object.freeze({
      /** BOARD_LINK_SECRET: signs the 叫应 board links; required with DATABASE_URL. */
      boardLinkSecret: e.BOARD_LINK_SECRET,
      /** Embedded mode without the setting: a key generated once and kept next to the SQLite file (0600), so links outlive a restart. */
      boardLinkKeyFile: embedded && e.BOARD_LINK_SECRET === undefined && e.SQLITE_PATH !== ":memory:" ? join(dirname(e.SQLITE_PATH), "board-link.key") : undefined,
      /** Minutes to answer by warning level (CALLOUT_ANSWER_MINUTES); levels not named keep 红 15, 橙 30, 黄 60, 蓝 120. */
      answerMinutes: Object.freeze(e.CALLOUT_ANSWER_MINUTES),
    }),
    media: Object.freeze({ dir: e.MEDIA_DIR, maxBytes: e.MEDIA_MAX_MB * 1024 * 1024 }),
    outbox: Object.freeze({
      enabled: e.OUTBOX_ENABLED,
      pollMs: e.OUTBOX_POLL_MS,
      batch: e.OUTBOX_BATCH,
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      quietHours: e.QUIET_HOURS,
    }),
    /** 每日简报 (DIGEST_HOUR, DIGEST_RECIPIENTS) and the monthly report's recipients (REPORT_RECIPIENTS). */
    digest: Object.freeze({
      hour: e.DIGEST_HOUR,
      recipients: Object.freeze(e.DIGEST_RECIPIENTS),
      reportRecipients: Object.freeze(e.REPORT_RECIPIENTS),
      /** PUBLIC_BASE_URL: where people reach the server; the digest links to its admin dashboard. */
      dashboardUrl: e.PUBLIC_BASE_URL ? `${e.PUBLIC_BASE_URL.replace(/\/+$/, "")}/admin/` : null,
    }),
    console: Object.freeze({
      /**
       * The local console messenger (/console). On by default in the embedded mode without WeChat
       * Work, where it is the only channel; elsewhere only with CONSOLE_ENABLED=true, because as a
       * channel it also receives the messages of everyone without a messenger account.
       */
      enabled: consoleEnabled,
      /**
       * Outside the laptop demo (a database server, NODE_ENV=production, or WeChat Work configured)
       * an administrator must sign in, and the console then acts only as that administrator or for
       * people without a messenger account (test accounts), each use audited.
       */
      requireLogin: !consoleOpen,
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
