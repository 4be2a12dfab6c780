import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decrypt, getSignature } from "@wecom/crypto";
import Koa from "koa";
import getRawBody from "raw-body";
import { createApp } from "../../src/app";
import type { InboundEvent } from "../../src/channels/channel";
import { wecomCallbackRouter } from "../../src/channels/wecom/callback";
import { ManualClock } from "../../src/clock";
import { createLogger } from "../../src/log";
import { cardClickXml, contactChangeXml, FakeWecom, textMessageXml } from "../fakes/fakeWecom";
import { openTestStores, type TestStores } from "../support/backend";

const APP = { corpId: "ww5c2f1e8d7a6b3c90", token: "AnshaoToken2026", encodingAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C" };

const listen = (app: Koa) =>
  new Promise<{ server: Server; url: string }>((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });

describe("the fake WeChat Work delivers callbacks sealed as the platform does", () => {
  // The fake and the app read one test clock: the seals agree on any day.
  const clock = new ManualClock("2026-11-27T02:00:00Z");
  const fake = new FakeWecom({ corpId: APP.corpId, token: APP.token, encodingAesKey: APP.encodingAesKey, now: () => clock.now().getTime() });

  it("signs the ciphertext with the app's token and seals it for the CorpID (checked independently)", async () => {
    const seen: { query: Record<string, string>; body: string }[] = [];
    const receiver = new Koa().use(async (ctx) => {
      seen.push({ query: ctx.query as Record<string, string>, body: ctx.method === "POST" ? (await getRawBody(ctx.req)).toString("utf8") : "" });
      ctx.body = ctx.method === "GET" ? decrypt(APP.encodingAesKey, String(ctx.query.echostr)).message : "";
    });
    const { server, url } = await listen(receiver);
    try {
      const xml = textMessageXml({ ...fake.stamp(), from: "ZhangWei", content: "东关村加油站有隐患", msgId: "7345678901234567890" });
      expect(await fake.deliverCallback(url, xml)).toMatchObject({ status: 200 });
      const { query, body } = seen[0];
      const encrypt = /<Encrypt><!\[CDATA\[(.+?)\]\]><\/Encrypt>/.exec(body)?.[1] as string;
      expect(body).toContain(`<ToUserName><![CDATA[${APP.corpId}]]></ToUserName>`);
      expect(query.msg_signature).toBe(getSignature(APP.token, query.timestamp, query.nonce, encrypt));
      expect(decrypt(APP.encodingAesKey, encrypt)).toMatchObject({ message: xml, id: APP.corpId });
      expect(await fake.verifyCallbackUrl(url, "1616140317555161061")).toMatchObject({ status: 200, body: "1616140317555161061" });
    } finally {
      server.close();
    }
  });

  describe("and the app's own callback route accepts them", () => {
    let stores: TestStores;
    let app: { server: Server; url: string };
    const events: InboundEvent[] = [];

    beforeAll(async () => {
      stores = await openTestStores();
      const sink = { accept: async (e: InboundEvent) => (events.push(e), "new" as const), dispatchSoon: () => undefined };
      const router = wecomCallbackRouter({ settings: { ...APP, replayWindowS: 3600 }, sink, clock });
      const log = createLogger({ level: "silent" });
      app = await listen(createApp({ config: stores.config, log, db: stores.db, kv: stores.kv, routers: [router] }));
    });
    afterAll(async () => {
      app.server.close();
      await stores.close();
    });

    it("URL verification, a text message, a card click and a contact change", async () => {
      expect(await fake.verifyCallbackUrl(app.url, "4242")).toMatchObject({ status: 200, body: "4242" });
      const text = textMessageXml({ ...fake.stamp(), from: "LiNa", content: "隐患" });
      expect((await fake.deliverCallback(app.url, text)).status).toBe(200);
      const click = cardClickXml({ ...fake.stamp(), from: "LiNa", taskId: "callout-1", key: "ack", responseCode: "RC-1" });
      const answer = await fake.deliverCallback(app.url, click);
      expect(answer.status).toBe(200);
      expect(answer.body).toContain("<Encrypt>");
      expect((await fake.deliverCallback(app.url, contactChangeXml({ ...fake.stamp(), changeType: "create_user", userId: "ZhaoLei" }))).status).toBe(200);
      expect(events.map((e) => e.kind)).toEqual(["text", "card_click", "contact_change"]);
      expect(events[1]).toMatchObject({ taskId: "callout-1", buttonKey: "ack", responseCode: "RC-1", senderId: "LiNa" });
      expect(events[2]).toMatchObject({ change: "create_user", userId: "ZhaoLei" });
    });
  });
});
