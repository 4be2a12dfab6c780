import http from "node:http";
import type { FakeMessage } from "../../src/dev/fakeWecom";
import { cardClick, encryptedPost } from "../../test/support/wecomCallbacks";
import { BENCH_APP, CALLBACK_PATH, type Envelope, EnvelopePool } from "./envelopes";
import { type Percentiles, percentiles } from "./load";

/**
 * Encrypted 「收到」 clicks, one per person, made before anything is measured: for each person, a
 * click on the card the fake WeChat Work delivered to them (its task id) with a fresh click-time
 * response code, sealed exactly as WeChat Work seals callbacks (@wecom/crypto).
 */
export function clickEnvelopes(cards: readonly FakeMessage[], people: readonly string[], responseCode: (msgid: string) => string): EnvelopePool {
  const cardOf = new Map<string, FakeMessage>();
  for (const m of cards) for (const u of m.delivered) cardOf.set(u.toLowerCase(), m);
  const pool = new EnvelopePool();
  const nowS = Math.floor(Date.now() / 1000);
  for (const person of people) {
    const card = cardOf.get(person.toLowerCase());
    if (!card?.taskId) throw new Error(`no card was delivered to ${person}`);
    const inner = cardClick({ from: person, taskId: card.taskId, key: "ack", responseCode: responseCode(card.msgid), createTime: nowS });
    const post = encryptedPost(BENCH_APP, inner, { timestamp: nowS });
    pool.items.push({ path: `${CALLBACK_PATH}?${post.query}`, body: Buffer.from(post.body, "utf8"), eventKey: `${person}:${nowS}` });
  }
  return pool;
}

export interface ClosedLoopResult {
  sent: number;
  ok: number;
  failed: number;
  statusCodes: Record<string, number>;
  durationS: number;
  perS: number;
  latencyMs: Percentiles;
}

/** Sends every envelope once over `connections` keep-alive connections, each sending its next on every answer. */
export async function closedLoop(o: {
  port: number;
  envelopes: readonly Envelope[];
  connections: number;
  fired?: { sent: number };
  /** Several instances: envelope i goes to ports[i % length] (round-robin); `port` otherwise. */
  ports?: readonly number[];
}): Promise<ClosedLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  const latencies = new Float64Array(o.envelopes.length);
  const statusCodes: Record<string, number> = {};
  let next = 0;
  let ok = 0;
  let failed = 0;
  const t0 = process.hrtime.bigint();
  const one = (e: Envelope, port: number): Promise<string> =>
    new Promise((done) => {
      const req = http.request({ agent, host: "127.0.0.1", port, method: "POST", path: e.path, headers: { "content-type": "text/xml", "content-length": e.body.length }, timeout: 10_000 }, (res) => {
        res.resume();
        res.on("end", () => done(String(res.statusCode)));
        res.on("error", () => done("error"));
      });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", () => done("error"));
      req.end(e.body);
    });
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= o.envelopes.length) return;
      const started = process.hrtime.bigint();
      if (o.fired) o.fired.sent++;
      const status = await one(o.envelopes[i] as Envelope, o.ports ? (o.ports[i % o.ports.length] as number) : o.port);
      latencies[i] = Number(process.hrtime.bigint() - started) / 1e6;
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      if (status.startsWith("2")) ok++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: o.connections }, worker));
  const durationS = Number(process.hrtime.bigint() - t0) / 1e9;
  agent.destroy();
  return { sent: o.envelopes.length, ok, failed, statusCodes, durationS, perS: ok / durationS, latencyMs: percentiles(latencies) };
}
