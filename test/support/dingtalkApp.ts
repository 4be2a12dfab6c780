import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/app";
import type { Clock } from "../../src/clock";
import type { Config } from "../../src/config";
import { createLogger } from "../../src/log";
import { buildServices, type Services } from "../../src/services";
import { type DingtalkCallbackApp, FakeDingtalk } from "../fakes/fakeDingtalk";
import { dropTestDatabase, testConfig } from "./backend";

/** The test app's DingTalk settings, the same on both sides. */
export const DING = { appKey: "dingfakeappkey2026", appSecret: "fake-ding-secret-2026", agentId: 3100001, token: "AnshaoDingToken", aesKey: "4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij" };

export interface DingtalkApp {
  fake: FakeDingtalk;
  services: Services;
  config: Config;
  /** Where the fake delivers events and robot messages, with the settings it seals and signs with. */
  callbackApp: DingtalkCallbackApp;
  close(): Promise<void>;
}

/** The whole product wired as in production, with DingTalk as its messenger, against the loopback fake. */
export async function startDingtalkApp(clock: Clock, extraEnv: Record<string, string> = {}): Promise<DingtalkApp> {
  const fake = new FakeDingtalk({ appKey: DING.appKey, appSecret: DING.appSecret, agentId: DING.agentId, now: () => clock.now().getTime() });
  const fakeUrl = await fake.start();
  const config = await testConfig({
    DINGTALK_APP_KEY: DING.appKey,
    DINGTALK_APP_SECRET: DING.appSecret,
    DINGTALK_AGENT_ID: String(DING.agentId),
    DINGTALK_TOKEN: DING.token,
    DINGTALK_AES_KEY: DING.aesKey,
    DINGTALK_API_BASE: fakeUrl,
    DINGTALK_OAPI_BASE: fakeUrl,
    ...extraEnv,
  });
  const log = createLogger({ level: "silent" });
  const services = await buildServices(config, log, clock);
  const server: Server = createApp({ config, log, db: services.db, kv: services.kv, routers: services.routers }).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    fake,
    services,
    config,
    callbackApp: { url, appKey: DING.appKey, appSecret: DING.appSecret, token: DING.token, aesKey: DING.aesKey },
    async close() {
      await new Promise((r) => server.close(r));
      await services.close();
      await fake.stop();
      await dropTestDatabase(config);
    },
  };
}
