import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The process's own metrics: counters and histograms updated where things happen (a callback
 * answered, a send call made, a token fetched, a job run). Labels are closed vocabularies —
 * channels, lanes, route templates, platform error codes — never an id, a path or a person.
 * Figures that live in the database (queue depths, lags, 叫应 answer rates) are read at scrape
 * time instead (src/metrics/database.ts).
 */
export const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry, prefix: "anshao_" });

const httpDuration = new Histogram({
  name: "anshao_http_request_duration_seconds",
  help: "HTTP request latency by route template (no ids), method and status class",
  labelNames: ["route", "method", "status"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [processRegistry],
});

const callbacks = new Counter({
  name: "anshao_callbacks_total",
  help: "Platform callbacks by channel and result (ok, refused, unavailable, error)",
  labelNames: ["channel", "result"] as const,
  registers: [processRegistry],
});

const sends = new Counter({
  name: "anshao_outbox_sends_total",
  help: "Outbox send calls by channel, lane, result and platform error code (none when it succeeded)",
  labelNames: ["channel", "lane", "result", "code"] as const,
  registers: [processRegistry],
});

const tokenRefreshes = new Counter({
  name: "anshao_token_refreshes_total",
  help: "Access-token fetches from a platform by channel and result",
  labelNames: ["channel", "result"] as const,
  registers: [processRegistry],
});

const jobRuns = new Counter({
  name: "anshao_job_runs_total",
  help: "Scheduled job runs by job and status (ok, failed, skipped)",
  labelNames: ["job", "status"] as const,
  registers: [processRegistry],
});

const jobDuration = new Histogram({
  name: "anshao_job_duration_seconds",
  help: "Duration of the job runs this instance made",
  labelNames: ["job", "status"] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
  registers: [processRegistry],
});

const databaseUp = new Gauge({
  name: "anshao_database_up",
  help: "1 when the database answered this scrape's queries, 0 when it could not (its figures are then left out)",
  registers: [processRegistry],
});

/** Where a channel's callbacks arrive, by route template; their answers are counted per channel. */
const CALLBACK_ROUTE = /^\/(?:channels\/)?([a-z]+)\/callback/;

/** One HTTP request answered. `route` is the matched template (`/api/hazards/:id`), or undefined for no route. */
export function observeHttp(route: string | undefined, method: string, status: number, seconds: number): void {
  const template = route ?? "unmatched";
  httpDuration.observe({ route: template, method, status: `${Math.floor(status / 100)}xx` }, seconds);
  const callback = CALLBACK_ROUTE.exec(template);
  if (callback) {
    const result = status < 300 ? "ok" : status === 503 ? "unavailable" : status < 500 ? "refused" : "error";
    callbacks.inc({ channel: callback[1] as string, result });
  }
}

/** One send call to a platform. */
export function countSend(channel: string, lane: string, result: string, code: string | undefined): void {
  sends.inc({ channel, lane, result, code: code ?? "none" });
}

export function countTokenRefresh(channel: string, ok: boolean): void {
  tokenRefreshes.inc({ channel, result: ok ? "ok" : "failed" });
}

export function observeJobRun(job: string, status: "ok" | "failed" | "skipped", ms?: number): void {
  jobRuns.inc({ job, status });
  if (ms !== undefined) jobDuration.observe({ job, status }, ms / 1000);
}

export function setDatabaseUp(up: boolean): void {
  databaseUp.set(up ? 1 : 0);
}
