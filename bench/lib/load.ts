import http from "node:http";
import autocannon from "autocannon";
import type { Cursor, Envelope } from "./envelopes";

/** A closed-loop round: `connections` keep-alive clients, each sending its next request on every answer. */
export interface SaturationResult {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  reqPerS: number;
  /** Milliseconds (autocannon's histogram, 1 ms resolution on small values). */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  statusCodes: Record<string, number>;
}

export async function saturate(o: { port: number; connections: number; durationS: number; source: Cursor | "hello" }): Promise<SaturationResult> {
  const source = o.source;
  const requests: autocannon.Request[] =
    source === "hello"
      ? [{ method: "GET", path: "/" }]
      : [
          {
            method: "POST",
            setupRequest: (req) => {
              const e = source.take();
              return { ...req, path: e.path, body: e.body, headers: { "content-type": "text/xml" } };
            },
          },
        ];
  const r = await autocannon({
    url: `http://127.0.0.1:${o.port}`,
    connections: o.connections,
    pipelining: 1,
    duration: o.durationS,
    timeout: 10,
    requests,
  });
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count ?? 0]));
  return {
    requests: r["2xx"] + r.non2xx,
    ok: r["2xx"],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    durationS: r.duration,
    reqPerS: r["2xx"] / r.duration,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    statusCodes,
  };
}

/**
 * An open-loop run at a fixed rate: request i is due at start + i/rate whatever happened to the
 * ones before, so a slow answer cannot hold back the next sends (no coordinated omission).
 * Latency is reported two ways: from when the request was due (what WeChat Work would see) and
 * from when it was written. autocannon's `overallRate` is not used: it sends each connection's
 * per-second quota back to back at the top of every second, which is a burst, not a rate.
 */
export interface PacedResult {
  rate: number;
  sent: number;
  ok: number;
  failed: number;
  statusCodes: Record<string, number>;
  durationS: number;
  achievedPerS: number;
  /** Milliseconds, measured from the scheduled send time. */
  fromDue: Percentiles;
  /** Milliseconds, measured from the actual send time. */
  fromSend: Percentiles;
  /** The largest lag between due and actual send (the generator's own jitter), ms. */
  maxSendLagMs: number;
  /** Answered 2xx within WeChat Work's 5-second window, counted from the scheduled send time. */
  within5s: number;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export async function paced(o: {
  port: number;
  rate: number;
  durationS: number;
  source: Cursor;
  maxSockets?: number;
  /** Several instances: request i goes to ports[i % length] (round-robin); `port` otherwise. */
  ports?: readonly number[];
  /** Called as each request is written, with Date.now() (to pair a callback with what it caused). */
  onSend?: (e: Envelope, atMs: number) => void;
}): Promise<PacedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.maxSockets ?? 256 });
  const total = Math.round(o.rate * o.durationS);
  const fromDue = new Float64Array(total);
  const fromSend = new Float64Array(total);
  const statusCodes: Record<string, number> = {};
  let ok = 0;
  let failed = 0;
  let done = 0;
  let within5s = 0;
  let sent = 0;
  let maxLag = 0;
  const intervalNs = 1e9 / o.rate;
  const start = process.hrtime.bigint() + 20_000_000n; // 20 ms to get going

  const fire = (due: bigint) => {
    const e = o.source.take();
    const port = o.ports ? (o.ports[sent % o.ports.length] as number) : o.port;
    o.onSend?.(e, Date.now());
    const wrote = process.hrtime.bigint();
    const lag = Number(wrote - due) / 1e6;
    if (lag > maxLag) maxLag = lag;
    let finished = false;
    const finish = (status: string) => {
      if (finished) return;
      finished = true;
      const end = process.hrtime.bigint();
      fromDue[done] = Number(end - due) / 1e6;
      fromSend[done] = Number(end - wrote) / 1e6;
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      if (status.startsWith("2")) {
        ok++;
        if (fromDue[done] < 5000) within5s++;
      } else failed++;
      done++;
    };
    const req = http.request(
      { agent, host: "127.0.0.1", port, method: "POST", path: e.path, headers: { "content-type": "text/xml", "content-length": e.body.length }, timeout: 10_000 },
      (res) => {
        res.resume();
        res.on("end", () => finish(String(res.statusCode)));
        res.on("error", () => finish("error"));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => finish("error"));
    req.end(e.body);
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = process.hrtime.bigint();
      while (sent < total) {
        const due = start + BigInt(Math.round(sent * intervalNs));
        if (due > now) break;
        fire(due);
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const deadline = Date.now() + 15_000;
  while (done < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const durationS = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  return {
    rate: o.rate,
    sent,
    ok,
    failed: failed + (total - done),
    statusCodes,
    durationS,
    // Completions per second from the first due time to the last answer: below `rate` when the server fell behind.
    achievedPerS: ok / durationS,
    fromDue: percentiles(fromDue.subarray(0, done)),
    fromSend: percentiles(fromSend.subarray(0, done)),
    maxSendLagMs: maxLag,
    within5s,
  };
}

export function percentiles(values: Float64Array): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: at(1) };
}
