import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/app";
import type { Clock } from "../../src/clock";
import type { Config } from "../../src/config";
import { createLogger } from "../../src/log";
import { buildServices, type Services } from "../../src/services";
import { FakeWecom } from "../fakes/fakeWecom";
import { dropTestDatabase, testConfig } from "./backend";

/** The test corp: the app's settings and the fake WeChat Work's, the same on both sides. */
export const CORP = { corpId: "ww5c2f1e8d7a6b3c90", agentId: 1000002, secret: "fake-secret-2026", token: "AnshaoToken2026", encodingAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C" };

export interface WecomApp {
  fake: FakeWecom;
  services: Services;
  config: Config;
  /** The app's own base URL, where the fake delivers callbacks. */
  url: string;
  close(): Promise<void>;
}

/**
 * The whole product wired as in production — services, routers, outbox worker (driven by the
 * test with drainOnce) — against a fake WeChat Work on loopback, on this project's backend.
 */
export async function startWecomApp(clock: Clock): Promise<WecomApp> {
  // The fake shares the test's clock: what it stamps and seals agrees with the app on any day.
  const fake = new FakeWecom({ ...CORP, now: () => clock.now().getTime() });
  const config = await testConfig({
    WECOM_CORP_ID: CORP.corpId,
    WECOM_AGENT_ID: String(CORP.agentId),
    WECOM_SECRET: CORP.secret,
    WECOM_TOKEN: CORP.token,
    WECOM_ENCODING_AES_KEY: CORP.encodingAesKey,
    WECOM_API_BASE: await fake.start(),
  });
  const log = createLogger({ level: "silent" });
  const services = await buildServices(config, log, clock);
  const server: Server = createApp({ config, log, db: services.db, kv: services.kv, routers: services.routers }).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return {
    fake,
    services,
    config,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise((r) => server.close(r));
      await services.close();
      await fake.stop();
      await dropTestDatabase(config);
    },
  };
}
