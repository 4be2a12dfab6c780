import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import Router from "@koa/router";
import Koa from "koa";
import pino from "pino";
import { requestContext } from "../../src/http/middleware/requestContext";
import type { Logger } from "../../src/log";

/** An app with requestContext in front of `handler`, logging JSON lines into `lines`. */
async function serve(handler: Koa.Middleware) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const log = pino({ level: "info", redact: { paths: ["*.password"], censor: "***" } }, sink);
  const app = new Koa();
  app.use(requestContext(log));
  app.use(handler);
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { lines, base, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe("requestContext", () => {
  it("gives every request an id, answers it in X-Request-Id and writes one request line with it", async () => {
    const app = await serve((ctx) => {
      ctx.body = "ok";
    });
    try {
      const res = await fetch(`${app.base}/wecom/callback?msg_signature=secret`);
      const id = res.headers.get("x-request-id");
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(app.lines).toEqual([expect.objectContaining({ msg: "request", requestId: id, method: "GET", route: null, status: 200, ms: expect.any(Number) })]);
      // Neither the path nor the query string (callback signatures) is logged.
      expect(JSON.stringify(app.lines)).not.toContain("secret");
      expect(JSON.stringify(app.lines)).not.toContain("/wecom/callback");
      const sane = await fetch(`${app.base}/x`, { headers: { "X-Request-Id": "upstream-1.a" } });
      expect(sane.headers.get("x-request-id")).toBe("upstream-1.a");
      const insane = await fetch(`${app.base}/x`, { headers: { "X-Request-Id": "a b<script>" } });
      expect(insane.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      expect(app.lines.map((l) => l.requestId)).toEqual([id, "upstream-1.a", insane.headers.get("x-request-id")]);
    } finally {
      await app.close();
    }
  });

  it("hands handlers a logger that carries the request id and redacts, and the request line follows", async () => {
    const app = await serve((ctx) => {
      (ctx.state.log as Logger).warn({ account: { password: "hunter2" } }, "refused");
      ctx.status = 401;
    });
    try {
      const res = await fetch(`${app.base}/x`);
      const id = res.headers.get("x-request-id");
      expect(app.lines).toEqual([
        expect.objectContaining({ msg: "refused", requestId: id, account: { password: "***" } }),
        expect.objectContaining({ msg: "request", requestId: id, status: 401 }),
      ]);
    } finally {
      await app.close();
    }
  });

  it("names the matched route's template, never the person's id in the path", async () => {
    const router = new Router();
    router.post("/console/api/people/:id/messages", (ctx) => {
      ctx.status = 204;
    });
    const app = await serve(router.routes() as unknown as Koa.Middleware);
    try {
      await fetch(`${app.base}/console/api/people/4711/messages`, { method: "POST" });
      await fetch(`${app.base}/console/api/people/4712/unknown`);
      expect(app.lines).toEqual([
        expect.objectContaining({ msg: "request", method: "POST", route: "/console/api/people/:id/messages", status: 204 }),
        expect.objectContaining({ msg: "request", method: "GET", route: null, status: 404 }),
      ]);
      expect(JSON.stringify(app.lines)).not.toMatch(/4711|4712/);
    } finally {
      await app.close();
    }
  });
});
