import { createServer, type AddressInfo } from "node:net";
import { Writable } from "node:stream";
import Koa from "koa";
import { createPool } from "mysql2/promise";
import pino from "pino";
import { isDbUnavailable } from "../../src/db/unavailable";
import { errorHandler } from "../../src/http/middleware/errorHandler";

/** A loopback port nothing listens on (taken, then freed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** What mysql2 really throws for a query on a pool whose server is not there. */
async function refusedQueryError(): Promise<unknown> {
  const pool = createPool({ host: "127.0.0.1", port: await closedPort(), user: "root", connectTimeout: 2_000 });
  try {
    await pool.query("SELECT 1");
    throw new Error("the query should have failed");
  } catch (err) {
    return err;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

const driver = (code: string, errno?: number) => Object.assign(new Error("Query failed: INSERT … '张三'"), { driverError: { code, errno } });

describe("a database outage", () => {
  it("is recognised from the driver's errors, and a bad statement is not", async () => {
    expect(isDbUnavailable(await refusedQueryError())).toBe(true);
    for (const err of [driver("PROTOCOL_CONNECTION_LOST"), driver("ER_CONNECTION_KILLED", 1927), driver("", 1053), new Error("Can't add new command when connection is in closed state")]) {
      expect(isDbUnavailable(err)).toBe(true);
    }
    for (const err of [driver("ER_PARSE_ERROR", 1064), driver("ER_DUP_ENTRY", 1062), new TypeError("x"), null, undefined, "ECONNREFUSED"]) {
      expect(isDbUnavailable(err)).toBe(false);
    }
  });

  it("answers a request 503 db_unavailable in Chinese and logs only the driver's code", async () => {
    const refused = await refusedQueryError();
    const lines: string[] = [];
    const log = pino({ level: "info" }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    const app = new Koa();
    app.use(async (ctx, next) => {
      ctx.state.log = log;
      ctx.state.requestId = "r1";
      await next();
    });
    app.use(errorHandler());
    app.use(() => Promise.reject(refused));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/hazards`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).toBe("db_unavailable");
      expect(body.message).toMatch(/数据库暂时无法连接.*请稍后重试/);
      expect(lines.join("")).toContain('"code":"ECONNREFUSED"');
      expect(lines.join("")).not.toContain("127.0.0.1");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
