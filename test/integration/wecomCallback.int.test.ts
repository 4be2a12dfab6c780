import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { encrypt, getSignature } from "@wecom/crypto";
import pino from "pino";
import { createApp } from "../../src/app";
import type { InboundEvent } from "../../src/channels/channel";
import { wecomCallbackRouter } from "../../src/channels/wecom/callback";
import { parseMessageXml } from "../../src/channels/wecom/xml";
import { ManualClock } from "../../src/clock";
import { InboundEventRow } from "../../src/db/entities";
import { InboxService } from "../../src/domain/inbox";
import { backend, openTestStores, type TestStores } from "../support/backend";
import { cardClick, encryptedPost, openPassiveReply, SEALED_AT, TEST_APP, textMessage, verificationQuery, wecomEnv } from "../support/wecomCallbacks";

const PATH = "/wecom/callback";
const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><Encrypt>&lol3;</Encrypt></xml>`;

describe(`WeChat Work callback (${backend()})`, () => {
  // The app and the envelopes agree on the time: the real date never enters.
  const clock = new ManualClock(SEALED_AT);
  let stores: TestStores;
  let server: Server;
  let base: string;
  const handled: InboundEvent[] = [];
  const logLines: string[] = [];

  beforeAll(async () => {
    stores = await openTestStores(wecomEnv());
    const log = pino({ level: "info" }, { write: (line: string) => void logLines.push(line) });
    const inbox = new InboxService({ db: stores.db, kv: stores.kv, clock, log, handler: { handle: async (e) => void handled.push(e) } });
    const router = wecomCallbackRouter({ settings: stores.config.wecom, sink: inbox, clock });
    const app = createApp({ config: stores.config, log, db: stores.db, kv: stores.kv, routers: [router] });
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await stores.close();
  });

  const post = (query: string, body: string | Buffer) => fetch(`${base}${PATH}?${query}`, { method: "POST", headers: { "content-type": "text/xml" }, body });
  const rows = () => stores.db.manager.find(InboundEventRow, { order: { id: "ASC" } });
  const rowFor = (eventKey: string) => stores.db.manager.findOneBy(InboundEventRow, { eventKey });
  async function until<T>(probe: () => Promise<T | null | undefined | false>): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const value = await probe();
      if (value) return value;
      await sleep(20);
    }
    throw new Error("condition not reached in 2 s");
  }

  it("answers URL verification with exactly the decrypted echostr as text/plain", async () => {
    const res = await fetch(`${base}${PATH}?${verificationQuery(TEST_APP, "1616140317555161061")}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toBe("1616140317555161061");
  });

  it("still verifies when a proxy has turned the echostr's '+' into spaces", async () => {
    let echostr = "";
    while (!echostr.includes("+")) echostr = encrypt(TEST_APP.encodingAesKey, "5927782489442352469", TEST_APP.corpId);
    const timestamp = String(Math.floor(SEALED_AT.getTime() / 1000));
    const query = `msg_signature=${getSignature(TEST_APP.token, timestamp, "42", echostr)}&timestamp=${timestamp}&nonce=42&echostr=${echostr.replace(/\//g, "%2F").replace(/=/g, "%3D")}`;
    const res = await fetch(`${base}${PATH}?${query}`);
    expect(await res.text()).toBe("5927782489442352469");
  });

  it("stores a message once and processes it once, though WeChat Work delivers it 4 times", async () => {
    const inner = textMessage({ from: "zhangsan", content: "隐患：东门消防通道堵塞", msgId: "7290001234567890123" });
    // Each delivery is sealed afresh (new random, nonce and timestamp), as retries may be.
    for (let i = 0; i < 4; i++) {
      const { query, body } = encryptedPost(TEST_APP, inner, { nonce: `retry${i}`, timestamp: Math.floor(SEALED_AT.getTime() / 1000) - i });
      const res = await post(query, body);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("");
    }
    const row = await until(async () => {
      const r = await rowFor("1000002:7290001234567890123");
      return r?.status === "done" && r;
    });
    expect(row).toMatchObject({ channel: "wecom", kind: "text", senderId: "zhangsan", attempts: 1 });
    await sleep(100);
    expect(handled.filter((e) => e.eventId === "1000002:7290001234567890123")).toEqual([
      expect.objectContaining({ kind: "text", text: "隐患：东门消防通道堵塞", senderId: "zhangsan" }),
    ]);
    expect((await rows()).filter((r) => r.eventKey === row.eventKey)).toHaveLength(1);
  });

  it("answers a card click with an encrypted update_button reply that WeChat Work can open", async () => {
    const inner = cardClick({ from: "lisi", taskId: "callout-20261127-0001", key: "ack", responseCode: "rc-123" });
    const { query, body } = encryptedPost(TEST_APP, inner);
    const res = await post(query, body);
    expect(res.status).toBe(200);
    const reply = openPassiveReply(TEST_APP, await res.text());
    expect(reply.signatureValid).toBe(true);
    expect(reply.receiverId).toBe(TEST_APP.corpId);
    expect(parseMessageXml(reply.inner)).toMatchObject({ ToUserName: "lisi", FromUserName: TEST_APP.corpId, MsgType: "update_button", Button: { ReplaceName: "已确认" } });
    await until(async () => handled.find((e) => e.kind === "card_click" && e.taskId === "callout-20261127-0001"));
  });

  it("refuses a stale timestamp (401) and stores nothing", async () => {
    const before = (await rows()).length;
    const { query, body } = encryptedPost(TEST_APP, textMessage({ from: "zhangsan", content: "旧消息", msgId: "1" }), { timestamp: Math.floor(SEALED_AT.getTime() / 1000) - 7200 });
    const res = await post(query, body);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "wecom_stale_timestamp" });
    expect(await rows()).toHaveLength(before);
  });

  it("refuses a bad signature (401) and a message for another corp (401)", async () => {
    const { query, body } = encryptedPost(TEST_APP, textMessage({ from: "zhangsan", content: "x", msgId: "2" }));
    const forged = query.replace(/msg_signature=[0-9a-f]+/, `msg_signature=${"0".repeat(40)}`);
    const bad = await post(forged, body);
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ code: "wecom_bad_signature", message: "企业微信回调签名校验失败" });
    const other = encryptedPost(TEST_APP, textMessage({ from: "zhangsan", content: "x", msgId: "3" }), { receiverId: "ww0000000000000000" });
    const wrong = await post(other.query, other.body);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: "wecom_wrong_receiver" });
    expect(await rowFor("1000002:2")).toBeNull();
    expect(await rowFor("1000002:3")).toBeNull();
  });

  it("refuses garbage, XXE bodies and missing parameters (400)", async () => {
    const { query } = encryptedPost(TEST_APP, "<xml/>");
    for (const body of ["garbage", '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Encrypt>&x;</Encrypt></xml>', BILLION_LAUGHS]) {
      const res = await post(query, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: "wecom_malformed" });
    }
    // Correctly signed, but not base64 inside.
    const timestamp = String(Math.floor(SEALED_AT.getTime() / 1000));
    const notBase64 = await post(`msg_signature=${getSignature(TEST_APP.token, timestamp, "7", "!!!!")}&timestamp=${timestamp}&nonce=7`, "<xml><Encrypt>!!!!</Encrypt></xml>");
    expect(notBase64.status).toBe(400);
    const missing = await post("timestamp=1", encryptedPost(TEST_APP, "<xml/>").body);
    expect(missing.status).toBe(400);
    // Validly sealed, but not XML inside.
    const sealedGarbage = encryptedPost(TEST_APP, "this is not xml");
    expect((await post(sealedGarbage.query, sealedGarbage.body)).status).toBe(400);
  });

  it("refuses a 2 MB body (413)", async () => {
    const res = await post(encryptedPost(TEST_APP, "<xml/>").query, Buffer.alloc(2 * 1024 * 1024, "a")).catch((err: Error) => err);
    expect(res instanceof Error ? res.message : res.status).toBe(413);
  });

  it("does not decrypt a signed POST replayed as a URL verification", async () => {
    const { query, body } = encryptedPost(TEST_APP, textMessage({ from: "zhangsan", content: "机密", msgId: "4" }));
    const ciphertext = /<Encrypt><!\[CDATA\[([^\]]+)\]\]>/.exec(body)?.[1] ?? "";
    const res = await fetch(`${base}${PATH}?${query}&echostr=${encodeURIComponent(ciphertext)}`);
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain("机密");
  });

  it("acknowledges unknown types with an empty 200 and stores nothing", async () => {
    const before = (await rows()).length;
    const inner = `<xml><ToUserName>${TEST_APP.corpId}</ToUserName><FromUserName>zhangsan</FromUserName><CreateTime>1</CreateTime><MsgType>video</MsgType><MediaId>m</MediaId><MsgId>5</MsgId><AgentID>1000002</AgentID></xml>`;
    const { query, body } = encryptedPost(TEST_APP, inner);
    const res = await post(query, body);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    expect(await rows()).toHaveLength(before);
  });

  it("never logs ciphertext or message content", async () => {
    // Its own callbacks, not what earlier tests left: this test must stand (and fail) alone.
    logLines.length = 0;
    const taken = encryptedPost(TEST_APP, textMessage({ from: "zhangsan", content: "隐患：北门安全出口上锁", msgId: "8" }));
    expect((await post(taken.query, taken.body)).status).toBe(200);
    await until(async () => (await rowFor("1000002:8"))?.status === "done");
    const stale = encryptedPost(TEST_APP, textMessage({ from: "zhangsan", content: "旧消息", msgId: "9" }), { timestamp: Math.floor(SEALED_AT.getTime() / 1000) - 7200 });
    expect((await post(stale.query, stale.body)).status).toBe(401);
    const replayed = encryptedPost(TEST_APP, textMessage({ from: "zhangsan", content: "机密", msgId: "10" }));
    await post(replayed.query.replace(/msg_signature=[0-9a-f]+/, `msg_signature=${"0".repeat(40)}`), replayed.body);
    const ciphertext = /<Encrypt><!\[CDATA\[([^\]]+)\]\]>/.exec(replayed.body)?.[1] ?? "";
    expect((await fetch(`${base}${PATH}?${replayed.query}&echostr=${encodeURIComponent(ciphertext)}`)).status).toBe(400);
    const all = logLines.join("\n");
    expect(all).toContain("wecom callback refused");
    for (const secret of ["隐患：北门安全出口上锁", "机密", "旧消息", TEST_APP.token, TEST_APP.encodingAesKey]) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/[A-Za-z0-9+/]{64,}/);
  });

  it("is not mounted when the channel is disabled (404)", async () => {
    const disabled = await openTestStores();
    expect(disabled.config.wecom).toBeUndefined();
    const inbox = new InboxService({ db: disabled.db, kv: disabled.kv, clock, log: pino({ level: "silent" }), handler: { handle: async () => undefined } });
    const app = createApp({ config: disabled.config, log: pino({ level: "silent" }), db: disabled.db, kv: disabled.kv, routers: [wecomCallbackRouter({ settings: disabled.config.wecom, sink: inbox, clock })] });
    const other = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => other.once("listening", resolve));
    try {
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}${PATH}`;
      expect((await fetch(`${url}?${verificationQuery(TEST_APP, "1")}`)).status).toBe(404);
      const { query, body } = encryptedPost(TEST_APP, textMessage({ from: "zhangsan", content: "x", msgId: "6" }));
      expect((await fetch(`${url}?${query}`, { method: "POST", body })).status).toBe(404);
    } finally {
      await new Promise((resolve) => other.close(resolve));
      await disabled.close();
    }
  });
});
