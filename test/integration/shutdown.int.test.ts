import { setTimeout as sleep } from "node:timers/promises";
import Router from "@koa/router";
import pino from "pino";
import { startServer } from "../../src/server";
import { backend, dropTestDatabase, testConfig } from "../support/backend";

describe(`graceful shutdown (${backend()})`, () => {
  it("finishes the request in flight, then stops accepting new ones", async () => {
    const config = await testConfig({ PORT: "0", HOST: "127.0.0.1" });
    const slow = new Router();
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    slow.get("/slow", async (ctx) => {
      entered();
      await sleep(400);
      ctx.body = { done: true };
    });
    const server = await startServer(config, pino({ level: "silent" }), { routers: [slow] });
    try {
      const inFlight = fetch(`${server.url}/slow`);
      await inside;
      const stopped = server.stop();
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ done: true });
      await stopped;
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    } finally {
      await server.stop();
      await dropTestDatabase(config);
    }
  });
});
