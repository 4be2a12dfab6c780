import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import Router from "@koa/router";
import pino from "pino";
import { createApp } from "../../src/app";
import { Conflict, Invalid } from "../../src/errors";
import { backend, openTestStores, type TestStores } from "../support/backend";

describe(`HTTP basics (${backend()})`, () => {
  let stores: TestStores;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    stores = await openTestStores({ BODY_LIMIT_KB: "4" });
    const probe = new Router();
    probe.post("/probe/conflict", () => {
      throw Conflict("该隐患已被他人复查", "hazard_already_verified");
    });
    probe.post("/probe/invalid", () => {
      throw Invalid("填写有误", [{ where: "deadline", message: "整改期限不能早于今天" }]);
    });
    probe.get("/probe/bug", () => {
      throw new Error("secret internals: password=hunter2");
    });
    probe.post("/probe/echo", (ctx) => {
      ctx.body = { received: ctx.request.body };
    });
    const app = createApp({ config: stores.config, log: pino({ level: "silent" }), db: stores.db, kv: stores.kv, routers: [probe] });
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await stores.close();
  });

  it("answers /healthz and /readyz when the database and kv are reachable", async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ok", checks: { database: "ok", kv: "ok" } });
  });

  it("gives every response a request id, keeping a sane one from the caller", async () => {
    const own = await fetch(`${base}/healthz`, { headers: { "X-Request-Id": "lb-7f3a" } });
    expect(own.headers.get("x-request-id")).toBe("lb-7f3a");
    const made = await fetch(`${base}/healthz`, { headers: { "X-Request-Id": "<script>" } });
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("maps typed domain errors to their status, stable code and Chinese message", async () => {
    const conflict = await fetch(`${base}/probe/conflict`, { method: "POST" });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ code: "hazard_already_verified", message: "该隐患已被他人复查" });
    const invalid = await fetch(`${base}/probe/invalid`, { method: "POST" });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ code: "invalid_input", details: { problems: [{ where: "deadline", message: "整改期限不能早于今天" }] } });
  });

  it("answers an unexpected error with a 500 that leaks nothing", async () => {
    const res = await fetch(`${base}/probe/bug`);
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body).toMatchObject({ code: "internal_error", message: "服务器内部错误，请稍后再试" });
    expect(JSON.stringify(body)).not.toContain("hunter2");
  });

  it("answers unknown routes and methods with a code", async () => {
    const missing = await fetch(`${base}/no/such/page`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: "route_not_found", message: "找不到该地址" });
    const wrongMethod = await fetch(`${base}/healthz`, { method: "DELETE" });
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toMatchObject({ code: "method_not_allowed" });
  });

  it("parses JSON bodies and refuses broken ones", async () => {
    const ok = await fetch(`${base}/probe/echo`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"text":"收到"}' });
    expect(await ok.json()).toEqual({ received: { text: "收到" } });
    const broken = await fetch(`${base}/probe/echo`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"text":' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ code: "invalid_json" });
  });

  it("refuses bodies over the limit with 413 and a clear message", async () => {
    const res = await fetch(`${base}/probe/echo`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: "隐".repeat(3000) }) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: "payload_too_large", message: "请求内容过大，上限为 4 KB" });
  });

  it("shows a Chinese home page with what the directory holds", async () => {
    const res = await fetch(`${base}/`);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain("安哨 正在运行");
    // The counts say what they count: people on duty (active) against the whole directory.
    expect(html).toContain('在岗 <span id="people">');
    expect(html).toContain("通讯录共");
  });

  it("reports not ready once the database is gone", async () => {
    await stores.db.dataSource.destroy();
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "unavailable", checks: { database: "down", kv: "ok" } });
  });
});
