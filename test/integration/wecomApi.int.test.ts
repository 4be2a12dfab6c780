import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { ChannelError } from "../../src/channels/channel";
import { WecomApi } from "../../src/channels/wecom/api";
import { downloadMedia } from "../../src/channels/wecom/media";
import { WecomSender } from "../../src/channels/wecom/WecomSender";
import { LocalMediaStore } from "../../src/media/localMediaStore";
import { FakeWecom } from "../fakes/fakeWecom";
import { backend, openTestStores, type TestStores } from "../support/backend";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 7)]);
const text = (t: string) => ({ kind: "text" as const, text: t });

describe(`WeChat Work API client against the fake (${backend()})`, () => {
  let stores: TestStores;
  let fake: FakeWecom;
  let mediaDir: string;

  beforeAll(async () => {
    stores = await openTestStores();
  });
  afterAll(() => stores.close());

  beforeEach(async () => {
    // A corp of its own per test, so the token cached in the shared kv starts empty.
    fake = new FakeWecom({ corpId: `ww${Math.random().toString(16).slice(2, 14)}`, secret: "s3cret" });
    await fake.start();
    mediaDir = mkdtempSync(join(tmpdir(), "anshao-media-"));
  });
  afterEach(async () => {
    await fake.stop();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  const client = (overrides: Partial<{ secret: string; timeoutMs: number; apiBase: string }> = {}) =>
    new WecomApi({ corpId: fake.config.corpId, agentId: fake.config.agentId, secret: "s3cret", apiBase: fake.url, kv: stores.kv, timeoutMs: 2000, ...overrides });
  const sender = (api = client(), media = new LocalMediaStore({ dir: mediaDir, maxBytes: 1 << 20 })) => new WecomSender({ api, media, kv: stores.kv });

  describe("access token", () => {
    it("is cached in the kv and shared by two instances: one gettoken for both", async () => {
      await sender().send(["ZhangWei"], text("一"));
      await sender().send(["LiNa"], text("二"));
      expect(fake.calls("gettoken")).toHaveLength(1);
      const cached = await stores.kv.get(`wecom:token:${fake.config.corpId}:${fake.config.agentId}`);
      expect(cached).toContain(fake.calls("message/send")[0].query.access_token);
      expect(cached).not.toContain("s3cret");
    });

    it("concurrent first calls from two instances fetch it once", async () => {
      const [a, b] = [sender(), sender()];
      await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).send(["ZhangWei"], text(`第 ${i} 条`))));
      expect(fake.calls("gettoken")).toHaveLength(1);
      expect(fake.calls("message/send")).toHaveLength(12);
    });

    it("42001 (expired): refreshed once and the call retried once", async () => {
      const s = sender();
      await s.send(["ZhangWei"], text("一"));
      fake.expireTokens();
      const result = await s.send(["ZhangWei"], text("二"));
      expect(result.platformMessageId).toBeTruthy();
      expect(fake.calls("gettoken")).toHaveLength(2);
      expect(fake.calls("message/send").map((r) => r.errcode)).toEqual([0, 42001, 0]);
    });

    it("a token expiring just before a call (switched on in the fake) is handled the same way", async () => {
      const s = sender();
      await s.send(["ZhangWei"], text("一"));
      fake.failNext({ expireToken: true }, { api: "message/send" });
      await expect(s.send(["ZhangWei"], text("二"))).resolves.toMatchObject({ platformMessageId: expect.any(String) });
      expect(fake.calls("message/send").map((r) => r.errcode)).toEqual([0, 42001, 0]);
    });

    it("40014 (invalid) likewise; a token refused again is not retried a third time", async () => {
      const s = sender();
      fake.failNext({ errcode: 40014 }, { api: "message/send" });
      await expect(s.send(["ZhangWei"], text("一"))).resolves.toMatchObject({ invalidUsers: [] });
      fake.failNext({ errcode: 42001 }, { api: "message/send", times: 5 });
      await expect(s.send(["ZhangWei"], text("二"))).rejects.toMatchObject({ code: "wecom_42001", retryable: true });
      expect(fake.calls("message/send").map((r) => r.errcode)).toEqual([40014, 0, 42001, 42001]);
    });

    it("40001 from gettoken is a configuration error in Chinese, never a loop", async () => {
      const s = sender(client({ secret: "wrong" }));
      const err = await s.send(["ZhangWei"], text("一")).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ChannelError);
      expect(err).toMatchObject({ code: "wecom_40001", retryable: false, configProblem: true });
      expect((err as Error).message).toContain("Secret");
      expect(fake.calls("gettoken")).toHaveLength(1);
      expect(fake.calls("message/send")).toHaveLength(0);
    });
  });

  it("logs each call as {api, ms, errcode}: never the token, the secret or the message", async () => {
    const lines: string[] = [];
    const log = pino({ level: "info" }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const api = new WecomApi({ corpId: fake.config.corpId, agentId: fake.config.agentId, secret: "s3cret", apiBase: fake.url, kv: stores.kv, log });
    fake.failNext({ errcode: 45009 }, { api: "message/send" });
    await sender(api).send(["ZhangWei"], text("机密内容")).catch(() => undefined);
    await sender(api).send(["ZhangWei"], text("机密内容"));
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => [r.api, r.errcode])).toEqual([["gettoken", 0], ["message/send", 45009], ["message/send", 0]]);
    expect(records.every((r) => typeof r.ms === "number")).toBe(true);
    const all = lines.join("");
    for (const secret of ["s3cret", "机密内容", fake.calls("message/send")[0].query.access_token]) expect(all).not.toContain(secret);
  });

  describe("platform failures", () => {
    it.each([
      [{ errcode: 45009 }, "wecom_45009"],
      [{ errcode: -1 }, "wecom_-1"],
      [{ errcode: 45033 }, "wecom_45033"],
      [{ httpStatus: 500 }, "wecom_http_500"],
      [{ httpStatus: 502 }, "wecom_http_502"],
    ])("%j is a retryable ChannelError", async (mode, code) => {
      fake.failNext(mode, { api: "message/send" });
      await expect(sender().send(["ZhangWei"], text("一"))).rejects.toMatchObject({ channel: "wecom", code, retryable: true });
    });

    it("45009 asks for at least a minute's pause", async () => {
      fake.failNext({ errcode: 45009 }, { api: "message/send" });
      await expect(sender().send(["ZhangWei"], text("一"))).rejects.toMatchObject({ retryAfterMs: 60_000 });
    });

    it("a slow answer times out as a retryable error", async () => {
      fake.failNext({ delayMs: 800 }, { api: "message/send" });
      await expect(sender(client({ timeoutMs: 200 })).send(["ZhangWei"], text("一"))).rejects.toMatchObject({ code: "wecom_timeout", retryable: true });
    });

    it("an unreachable host is a retryable network error", async () => {
      const url = fake.url;
      await fake.stop();
      await expect(sender(client({ apiBase: url })).send(["ZhangWei"], text("一"))).rejects.toMatchObject({ code: "wecom_network", retryable: true });
    });

    it("all recipients unknown (81013) marks each of them unreachable rather than failing the message", async () => {
      await expect(sender().send(["ghost", "phantom"], text("一"))).resolves.toEqual({ invalidUsers: ["ghost", "phantom"] });
    });
  });

  describe("sending", () => {
    it("returns the msgid and the unknown recipients (split on |)", async () => {
      const result = await sender().send(["ZhangWei", "Ghost1", "ghost2"], text("今日请打卡"));
      expect(result.platformMessageId).toEqual(fake.messages[0].msgid);
      expect(result.invalidUsers).toEqual(["ghost1", "ghost2"]);
      expect(fake.messages[0].delivered).toEqual(["ZhangWei"]);
    });

    it("a button card returns a response_code that updates the card exactly once", async () => {
      const s = sender();
      const card = { taskId: "callout-1", title: "暴雨预警 叫应", buttons: [{ key: "ack", label: "收到" }] };
      const sent = await s.send(["ZhangWei", "LiNa"], { kind: "card", card });
      expect(sent.responseCode).toBeTruthy();
      await expect(s.send([], { kind: "card_update", responseCode: sent.responseCode as string, replaceText: "已确认" })).resolves.toEqual({ invalidUsers: [] });
      expect(fake.messages[0].updates).toEqual([{ atall: 1, agentid: fake.config.agentId, response_code: sent.responseCode, button: { replace_name: "已确认" } }]);
      await expect(s.send([], { kind: "card_update", responseCode: sent.responseCode as string, replaceText: "已确认" })).rejects.toMatchObject({ retryable: false });
      // A click brings a fresh code, good for one more update.
      await expect(s.send(["ZhangWei"], { kind: "card_update", responseCode: fake.clickCard(sent.platformMessageId as string), replaceText: "已由张伟确认" })).resolves.toBeTruthy();
    });

    it("a card sent in several calls gets a task_id per recipient group; a resend of a group repeats its own", async () => {
      const s = sender();
      const card = { taskId: "co7-100", title: "暴雨预警 叫应", buttons: [{ key: "ack", label: "收到" }] };
      const first = await s.send(["ZhangWei", "LiNa"], { kind: "card", card });
      const second = await s.send(["WangQiang"], { kind: "card", card });
      const again = await s.send(["ZhangWei", "LiNa"], { kind: "card", card }, { resend: true });
      const ids = fake.messages.map((m) => m.taskId);
      expect(ids[0]).toMatch(/^co7-100-[0-9a-f]{8}$/);
      expect(ids[1]).toMatch(/^co7-100-[0-9a-f]{8}$/);
      expect(ids[1]).not.toBe(ids[0]);
      expect(second.platformMessageId).not.toBe(first.platformMessageId);
      // The resend is the first request again, so the platform drops it instead of refusing its task_id.
      expect(again.platformMessageId).toBe(first.platformMessageId);
      expect(fake.messages[2].duplicateOf).toBe(first.platformMessageId);
    });

    it("recalls a message by its msgid", async () => {
      const s = sender();
      const sent = await s.send(["ZhangWei"], text("发错了"));
      await s.send([], { kind: "recall", platformMessageId: sent.platformMessageId as string });
      expect(fake.messages[0].recalled).toBe(true);
    });

    it("a file is uploaded from media storage once, then sent by media_id in every batch", async () => {
      const store = new LocalMediaStore({ dir: mediaDir, maxBytes: 1 << 20 });
      const { key } = await store.save(PDF, "application/pdf");
      const s = sender(client(), store);
      await s.send(["ZhangWei"], { kind: "file", storageKey: key });
      await s.send(["LiNa"], { kind: "file", storageKey: key });
      expect(fake.calls("media/upload")).toHaveLength(1);
      const [uploaded] = [...fake.state.media.values()];
      expect(uploaded.bytes.equals(PDF)).toBe(true);
      expect(uploaded.contentType).toBe("application/pdf");
      expect(fake.messages.map((m) => m.body.file)).toEqual([{ media_id: expect.any(String) }, fake.messages[0].body.file]);
    });

    it("a resend lets the platform drop a request it already accepted", async () => {
      const s = sender();
      const first = await s.send(["ZhangWei"], text("隐患已交办"), { resend: true });
      const again = await s.send(["ZhangWei"], text("隐患已交办"), { resend: true });
      expect(again.platformMessageId).toBe(first.platformMessageId);
      expect(fake.messages[1].duplicateOf).toBe(first.platformMessageId);
      expect(fake.messages[0].body).toMatchObject({ enable_duplicate_check: 1, duplicate_check_interval: 14_400 });
    });

    it("the fake drops, silently, what exceeds 30 messages a minute to one member", async () => {
      const s = sender();
      for (let i = 0; i < 31; i += 1) await s.send(["WangQiang"], text(`第 ${i} 条`));
      expect(fake.messages.filter((m) => m.delivered.length === 1)).toHaveLength(30);
      expect(fake.messages[30].dropped).toEqual(["WangQiang"]);
    });

    it("a message over the byte limit is refused before any call", async () => {
      await expect(sender().send(["ZhangWei"], text("安".repeat(683)))).rejects.toMatchObject({ code: "wecom_invalid_message", retryable: false });
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe("media download and storage", () => {
    it("saves a member's photo with the type the platform declared", async () => {
      const store = new LocalMediaStore({ dir: mediaDir, maxBytes: 1 << 20 });
      const mediaId = fake.addMedia({ bytes: JPEG, contentType: "image/jpeg", filename: "现场.jpg" });
      const saved = await downloadMedia(client(), mediaId, store);
      expect(saved).toMatchObject({ contentType: "image/jpeg", size: JPEG.length, key: expect.stringMatching(/^\d{8}-[0-9a-f]{32}\.jpg$/) });
      const back = await store.read(saved.key);
      expect(back.bytes.equals(JPEG)).toBe(true);
      expect(back.contentType).toBe("image/jpeg");
    });

    it("a JSON answer is an error, and nothing is saved", async () => {
      const store = new LocalMediaStore({ dir: mediaDir, maxBytes: 1 << 20 });
      await expect(downloadMedia(client(), "no-such-media", store)).rejects.toMatchObject({ code: "wecom_40007", retryable: false });
      expect(readdirSync(mediaDir)).toEqual([]);
    });

    it("refuses a download of a type we do not keep, or larger than the limit", async () => {
      const store = new LocalMediaStore({ dir: mediaDir, maxBytes: 1024 });
      const html = fake.addMedia({ bytes: Buffer.from("<html><script>alert(1)</script></html>"), contentType: "text/html", filename: "a.html" });
      await expect(downloadMedia(client(), html, store)).rejects.toMatchObject({ code: "wecom_media_type" });
      const big = fake.addMedia({ bytes: Buffer.concat([JPEG, Buffer.alloc(4096)]), contentType: "image/jpeg", filename: "big.jpg" });
      await expect(downloadMedia(client(), big, store)).rejects.toMatchObject({ code: "wecom_media_too_large" });
      expect(readdirSync(mediaDir)).toEqual([]);
    });

    it("storage refuses over-size files, other types, lying bytes and any key it did not make", async () => {
      const store = new LocalMediaStore({ dir: mediaDir, maxBytes: 100 });
      await expect(store.save(Buffer.concat([JPEG, Buffer.alloc(100)]), "image/jpeg")).rejects.toMatchObject({ code: "media_too_large", status: 413 });
      await expect(store.save(Buffer.from("<html></html>"), "text/html")).rejects.toMatchObject({ code: "media_type_not_allowed" });
      await expect(store.save(Buffer.from("<html></html>"), "image/png")).rejects.toMatchObject({ code: "media_content_mismatch" });
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(16)]);
      await expect(store.save(png, "image/jpeg")).resolves.toMatchObject({ contentType: "image/png", key: expect.stringMatching(/\.png$/) });
      await expect(store.save(PDF, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")).resolves.toMatchObject({ contentType: "application/pdf" });
      const { key } = await store.save(JPEG, "image/jpeg");
      for (const bad of ["../etc/passwd", `202611/${key}`, `${key}/..`, "..", key.replace(".jpg", ".html"), `${key}\n`, "a.jpg"]) {
        await expect(store.read(bad)).rejects.toMatchObject({ code: "media_key_invalid" });
      }
      await expect(store.read(`${key.slice(0, 9)}${"0".repeat(32)}.jpg`)).rejects.toMatchObject({ code: "media_not_found", status: 404 });
    });
  });
});
