import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import Router from "@koa/router";
import pino from "pino";
import { createApp } from "../../src/app";
import { ManualClock } from "../../src/clock";
import { InboundEventRow } from "../../src/db/entities";
import { OutboxService } from "../../src/domain/outbox";
import { kvJobLocks } from "../../jobs/jobLocks";
import { runJob } from "../../jobs/runJob";
import { backend, openTestStores, type TestStores } from "../support/backend";

const TOKEN = "metrics-token-0123456789";

describe(`GET /metrics (${backend()})`, () => {
  const clock = new ManualClock("2026-07-12T02:00:00Z");
  let stores: TestStores;
  const servers: Server[] = [];

  /** An app on loopback, with or without METRICS_TOKEN, and a route with an id in its path. */
  async function start(token?: string): Promise<string> {
    const things = new Router()
      .get("/api/things/:id", (ctx) => {
        ctx.body = { id: ctx.params.id };
      })
      // Where WeChat Work's callbacks arrive: answered per channel and result.
      .post("/wecom/callback", (ctx) => {
        ctx.status = ctx.query.msg_signature === "good" ? 200 : 400;
        ctx.body = ctx.status === 200 ? "" : { code: "wecom_signature", message: "签名无效" };
      });
    const config = { ...stores.config, metrics: { token } };
    const server = createApp({ config, log: pino({ level: "silent" }), db: stores.db, kv: stores.kv, clock, routers: [things] }).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    stores = await openTestStores();
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await stores.close();
  });

  it("answers this machine without a token, and refuses a request relayed by a proxy", async () => {
    const base = await start();
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const relayed = await fetch(`${base}/metrics`, { headers: { "x-forwarded-for": "203.0.113.7" } });
    expect(relayed.status).toBe(403);
    expect(await relayed.json()).toMatchObject({ code: "metrics_forbidden", message: expect.stringContaining("METRICS_TOKEN") });
  });

  it("asks for the bearer token when METRICS_TOKEN is set", async () => {
    const base = await start(TOKEN);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: "metrics_unauthorized" });
    expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it("reports latency by route template, job runs, the outbox's depth and age and the inbox's lag", async () => {
    const base = await start();
    await fetch(`${base}/api/things/4711`);
    await fetch(`${base}/no/such/page/4711`);
    await fetch(`${base}/wecom/callback?msg_signature=good`, { method: "POST" });
    await fetch(`${base}/wecom/callback?msg_signature=bad`, { method: "POST" });
    await runJob({ name: "metricsProbe", cron: "* * * * *", run: async () => "done" }, { clock, log: pino({ level: "silent" }) }, { locks: kvJobLocks(stores.kv), owner: "test" });
    const outbox = new OutboxService({ db: stores.db, clock, quietHours: "21:00-08:00" });
    await stores.db.transaction((tx) =>
      outbox.enqueue(tx, { idempotencyKey: "metrics:1", lane: "callout", message: { kind: "text", text: "请回复收到" }, recipients: [{ channel: "wecom", userId: "zhangsan" }, { channel: "wecom", userId: "lisi" }] }),
    );
    await stores.db.manager.insert(InboundEventRow, { channel: "wecom", eventKey: "metrics-1", kind: "text", senderId: "zhangsan", payload: "{}", status: "pending", attempts: 0, receivedAt: clock.now(), processedAt: null, nextAttemptAt: clock.now(), lastError: null });
    clock.advance(90_000);

    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('anshao_http_request_duration_seconds_count{route="/api/things/:id",method="GET",status="2xx"}');
    expect(text).toContain('route="unmatched"');
    expect(text).not.toContain("4711");
    expect(text).toMatch(/anshao_callbacks_total\{channel="wecom",result="ok"\} 1/);
    expect(text).toMatch(/anshao_callbacks_total\{channel="wecom",result="refused"\} 1/);
    expect(text).toMatch(/anshao_job_runs_total\{job="metricsProbe",status="ok"\} 1/);
    expect(text).toMatch(/anshao_outbox_depth\{lane="callout",channel="wecom"\} 2/);
    expect(text).toMatch(/anshao_outbox_oldest_age_seconds\{lane="callout",channel="wecom"\} 90/);
    expect(text).toMatch(/anshao_inbox_lag_seconds\{channel="wecom"\} 90/);
    expect(text).toMatch(/anshao_callout_answer_ratio 1/);
    expect(text).toMatch(/^anshao_database_up 1$/m);
  });
});
