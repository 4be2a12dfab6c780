import { ConsoleSender } from "../../src/channels/console/ConsoleSender";
import { ConsoleStore } from "../../src/channels/console/store";
import { loadConfig } from "../../src/config";
import { AuditEntry, InboundEventRow, type Person } from "../../src/db/entities";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { backend } from "../support/backend";
import { type ConsoleApp, clientId, readStream, setMessengerAccounts, startConsoleApp, type StreamLine, tinyPng, until } from "../support/consoleApp";

/** Opens a person's chat stream; `lastEventId` resumes as the page does after a reconnect. */
async function stream(app: ConsoleApp, person: Person, lastEventId?: number): Promise<Response> {
  const res = await app.fetch(`/console/api/people/${person.id}/stream`, { headers: lastEventId === undefined ? {} : { "last-event-id": String(lastEventId) } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  return res;
}

const postJson = (app: ConsoleApp, person: Person, body: unknown, token?: string | null) =>
  app.fetch(`/console/api/people/${person.id}/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), token });

const upload = (app: ConsoleApp, person: Person, kind: string, bytes: Buffer, contentType: string, eventId = clientId()) =>
  app.fetch(`/console/api/people/${person.id}/media?kind=${kind}&eventId=${eventId}`, { method: "POST", headers: { "content-type": contentType }, body: new Uint8Array(bytes) });

const texts = (lines: StreamLine[], direction: "in" | "out") => lines.filter((l) => l.direction === direction && l.kind === "text").map((l) => String(l.body?.text));

describe(`console channel API (${backend()})`, () => {
  let app: ConsoleApp;
  let zhang: Person;
  let gao: Person;

  beforeAll(async () => {
    app = await startConsoleApp();
    zhang = await app.person("张伟");
    gao = await app.person("高鹏");
  });
  afterAll(() => app.close());

  it("lists the directory for the picker, searchable by name, unit or role", async () => {
    const res = await app.fetch(`/console/api/people?q=${encodeURIComponent("张伟")}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { id: number; name: string; unit: string; roles: string[] }[] };
    expect(body.data).toContainEqual({ id: zhang.id, name: "张伟", unit: "综合协调科", roles: ["监管人员", "行业部门监管负责人"], active: true });
    const byRole = (await (await app.fetch(`/console/api/people?q=${encodeURIComponent("网格员")}`)).json()) as { data: { roles: string[] }[] };
    expect(byRole.data.length).toBeGreaterThan(0);
    expect(byRole.data.every((p) => p.roles.includes("网格员"))).toBe(true);
  });

  it("takes a double-submitted message (same client event id) as one event and one bubble, and answers it", async () => {
    const eventId = clientId();
    const first = await postJson(app, zhang, { kind: "text", eventId, text: "你好，重复提交测试" });
    const second = await postJson(app, zhang, { kind: "text", eventId, text: "你好，重复提交测试" });
    expect(first.status).toBe(201);
    expect(((await first.json()) as { data: { duplicate: boolean } }).data.duplicate).toBe(false);
    expect(second.status).toBe(200);
    expect(((await second.json()) as { data: { duplicate: boolean } }).data.duplicate).toBe(true);
    expect(await app.services.db.manager.countBy(InboundEventRow, { channel: "console", eventKey: `${zhang.id}-${eventId}` })).toBe(1);
    // Handled by the bot like any messenger's message (a failure would name its error here).
    const handled = await until(async () => {
      const r = await app.services.db.manager.findOneByOrFail(InboundEventRow, { channel: "console", eventKey: `${zhang.id}-${eventId}` });
      return r.status === "done" || r.lastError !== null ? r : null;
    });
    expect({ status: handled.status, lastError: handled.lastError }).toEqual({ status: "done", lastError: null });

    // The bot's answer arrives in the chat through the outbox, after the person's own bubble.
    const lines = await readStream(await stream(app, zhang), (ls) => ls.some((l) => l.direction === "out" && l.id > (ls.find((m) => m.direction === "in")?.id ?? Infinity)));
    expect(texts(lines, "in").filter((t) => t === "你好，重复提交测试")).toHaveLength(1);
    const row = await app.services.db.manager.findOneByOrFail(InboundEventRow, { eventKey: `${zhang.id}-${eventId}` });
    expect(row.senderId).toBe(String(zhang.id));
  });

  it("stores photos in the media store and serves them only in the sender's chat", async () => {
    const res = await upload(app, zhang, "image", tinyPng(), "image/png");
    expect(res.status).toBe(201);
    const lines = await readStream(await stream(app, zhang), (ls) => ls.some((l) => l.kind === "image"));
    const photo = lines.find((l) => l.kind === "image") as StreamLine;
    const key = String(photo.body?.mediaKey);
    expect(key).toMatch(/^\d{8}-[0-9a-f]{32}\.png$/);
    const own = await app.fetch(`/console/api/people/${zhang.id}/media/${key}`);
    expect(own.status).toBe(200);
    expect(own.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await own.arrayBuffer()).equals(tinyPng())).toBe(true);
    expect((await app.fetch(`/console/api/people/${gao.id}/media/${key}`)).status).toBe(404);
  });

  it("refuses what is not a photo by saying what to send, never naming a MIME type", async () => {
    const text = await upload(app, zhang, "image", Buffer.from("这不是图片"), "text/plain");
    expect(text.status).toBe(400);
    const said = ((await text.json()) as { message: string }).message;
    expect(said).toContain("请选择图片文件");
    expect(said).not.toContain("text/plain");
    const pdf = await upload(app, zhang, "image", Buffer.from("%PDF-1.4\n"), "application/pdf");
    expect(pdf.status).toBe(400);
    expect(((await pdf.json()) as { message: string }).message).toContain("请选择图片文件");
    const fake = await upload(app, zhang, "image", Buffer.from("<html></html>"), "image/jpeg");
    expect(fake.status).toBe(400);
    expect(((await fake.json()) as { message: string }).message).toContain("这个文件打不开或已损坏");
  });

  it("takes a PDF through the file upload, shown in the chat as a file, and refuses a photo there", async () => {
    const pdf = await upload(app, zhang, "file", Buffer.from("%PDF-1.4\n%%EOF\n"), "application/pdf");
    expect(pdf.status).toBe(201);
    const seen = await readStream(await stream(app, zhang), (ls) => ls.some((l) => l.kind === "file" && l.direction === "in"));
    const line = seen.find((l) => l.kind === "file" && l.direction === "in") as StreamLine;
    expect(line).toBeDefined();
    expect(String(line.body?.storageKey)).toMatch(/^\d{8}-[0-9a-f]{32}\.pdf$/);
    const photo = await upload(app, zhang, "file", tinyPng(), "image/png");
    expect(photo.status).toBe(400);
    expect(((await photo.json()) as { message: string }).message).toContain("请选择 PDF 文件");
  });

  it("refuses malformed input in Chinese and unknown people with 404", async () => {
    const bad = await postJson(app, zhang, { kind: "text", eventId: "x", text: "" });
    expect(bad.status).toBe(400);
    const message = ((await bad.json()) as { message: string }).message;
    expect(message).toContain("消息编号");
    expect(message).toContain("请输入消息内容");
    expect((await postJson(app, { id: 999_999 } as Person, { kind: "text", eventId: clientId(), text: "在吗" })).status).toBe(404);
    const far = await postJson(app, zhang, { kind: "location", eventId: clientId(), latitude: 91, longitude: 120 });
    expect(((await far.json()) as { message: string }).message).toContain("纬度应在 -90 到 90 之间");
  });

  it("shows a sent card with its buttons; a click greys it out once, a second click is refused", async () => {
    const sender = new ConsoleSender(new ConsoleStore(app.services.db, app.clock), app.clock);
    const card = { taskId: "test_card_1", title: "请确认今日巡查安排", description: "共 3 家企业", fields: [{ label: "片区", value: "大岭镇" }], buttons: [{ key: "ok", label: "确认" }, { key: "later", label: "稍后" }] };
    const result = await sender.send([String(gao.id), "999999", "abc"], { kind: "card", card });
    expect(result.invalidUsers).toEqual(["999999", "abc"]);
    expect(result.responseCode).toMatch(/^rc-/);
    const lines = await readStream(await stream(app, gao), (ls) => ls.some((l) => l.kind === "card"));
    const shown = lines.find((l) => l.kind === "card") as StreamLine;
    expect(shown.responseCode).toBe(result.responseCode);
    expect(shown.body).toMatchObject({ card: { title: "请确认今日巡查安排", buttons: card.buttons } });

    const eventId = clientId();
    const click = { kind: "card_click", eventId, messageId: shown.id, buttonKey: "ok" };
    expect((await postJson(app, gao, click)).status).toBe(201);
    expect((await postJson(app, gao, click)).status).toBe(200); // the same click again: one event
    const again = await postJson(app, gao, { ...click, eventId: clientId(), buttonKey: "later" });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { message: string }).message).toContain("该卡片已处理");
    const row = await app.services.db.manager.findOneByOrFail(InboundEventRow, { eventKey: `${gao.id}-${eventId}` });
    expect(JSON.parse(row.payload)).toMatchObject({ kind: "card_click", taskId: "test_card_1", buttonKey: "ok", responseCode: result.responseCode });

    const after = await readStream(await stream(app, gao), (ls) => ls.some((l) => l.id === shown.id && l.answered !== undefined));
    expect(after.find((l) => l.id === shown.id)?.answered).toBe("已选：确认"); // what was chosen stays in sight
    expect((await postJson(app, gao, { ...click, eventId: clientId(), buttonKey: "nope" })).status).toBe(400);
  });

  it("applies card updates and recalls to lines already shown, and resumes after the Last-Event-ID", async () => {
    const sender = new ConsoleSender(new ConsoleStore(app.services.db, app.clock), app.clock);
    const card = await sender.send([String(gao.id)], { kind: "card", card: { taskId: "test_card_2", title: "值班确认", buttons: [{ key: "ok", label: "确认" }] } });
    const note = await sender.send([String(gao.id)], { kind: "text", text: "这条消息将被撤回" });
    const res = await stream(app, gao);
    const seen = await readStream(res, (ls) => ls.some((l) => l.body?.text === "这条消息将被撤回"));
    const lastId = Math.max(...seen.map((l) => l.id));
    await sender.send([String(gao.id)], { kind: "card_update", responseCode: card.responseCode as string, replaceText: "已由他人处理" });
    await sender.send([], { kind: "recall", platformMessageId: note.platformMessageId as string });
    const changes = await readStream(await stream(app, gao, lastId), (ls) => ls.filter((l) => l.kind === "update" && l.id > lastId).length >= 2);
    const updates = changes.filter((l) => l.kind === "update" && l.id > lastId).map((l) => l.change);
    const cardLine = seen.find((l) => l.kind === "card" && (l.body?.card as { taskId: string }).taskId === "test_card_2") as StreamLine;
    const noteLine = seen.find((l) => l.body?.text === "这条消息将被撤回") as StreamLine;
    expect(updates).toEqual([
      { messageId: cardLine.id, answered: "已由他人处理" },
      { messageId: noteLine.id, recalled: true },
    ]);
    // Resumed after lastId: nothing at or before it comes with an id again.
    expect(changes.filter((l) => l.eventId !== undefined).every((l) => (l.eventId as number) > lastId)).toBe(true);
  });

  it("does not show a resent message twice", async () => {
    const sender = new ConsoleSender(new ConsoleStore(app.services.db, app.clock), app.clock);
    const message = { kind: "text" as const, text: `重发测试 ${clientId()}` };
    const first = await sender.send([String(gao.id)], message);
    const resent = await sender.send([String(gao.id)], message, { resend: true });
    expect(resent.platformMessageId).toBe(first.platformMessageId);
    const lines = await readStream(await stream(app, gao), (ls) => ls.some((l) => l.body?.text === message.text));
    expect(lines.filter((l) => l.body?.text === message.text)).toHaveLength(1);
  });
});

describe(`console login (${backend()})`, () => {
  let app: ConsoleApp;

  // The embedded mode asks for a login in production; with DATABASE_URL the console always does.
  beforeAll(async () => {
    app = await startConsoleApp(backend() === "embedded" ? { NODE_ENV: "production" } : {});
  });
  afterAll(() => app.close());

  it("serves the page, which asks for the token, but no data without an administrator's token", async () => {
    const page = await app.fetch("/console", { token: null });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("管理员的访问令牌");
    const zhang = await app.person("张伟");
    const anonymous = await app.fetch("/console/api/people", { token: null });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { message: string }).message).toContain("请先登录");
    expect((await postJson(app, zhang, { kind: "text", eventId: clientId(), text: "冒充测试" }, null)).status).toBe(401);
    expect((await app.fetch(`/console/api/people/${zhang.id}/stream`, { token: null })).status).toBe(401);

    const inspector = (await issueApiToken(app.services.db, app.clock, zhang.mobile, "巡查")).token;
    expect((await app.fetch("/console/api/people", { token: inspector })).status).toBe(403);

    const admin = await app.fetch("/console/api/people", { token: app.adminToken });
    expect(admin.status).toBe(200);
    expect((await postJson(app, zhang, { kind: "text", eventId: clientId(), text: "管理员代为测试" }, app.adminToken)).status).toBe(201);
  });

  it("acts only as the administrator or for test accounts: never reads another's 我的举报 or answers their 叫应, and audits every use", async () => {
    const [zhang, gao, chen] = await Promise.all([app.person("张伟"), app.person("高鹏"), app.person("陈静")]);
    // 张伟 and the administrator 陈静 are on WeChat Work; 高鹏 is a test account.
    await setMessengerAccounts(app.services.db, [zhang.id, chen.id]);
    const admin = { token: app.adminToken };

    const list = (await (await app.fetch("/console/api/people", admin)).json()) as { data: { id: number }[]; restricted: boolean };
    expect(list.restricted).toBe(true);
    expect(list.data.map((p) => p.id)).toEqual(expect.arrayContaining([gao.id, chen.id]));
    expect(list.data.map((p) => p.id)).not.toContain(zhang.id);

    const refusals = [
      await app.fetch(`/console/api/people/${zhang.id}`, admin),
      await app.fetch(`/console/api/people/${zhang.id}/stream`, admin),
      await postJson(app, zhang, { kind: "text", eventId: clientId(), text: "我的举报" }, app.adminToken),
      await postJson(app, zhang, { kind: "card_click", eventId: clientId(), messageId: 1, buttonKey: "ack" }, app.adminToken),
    ];
    for (const res of refusals) {
      expect(res.status).toBe(403);
      expect((await res.json()) as { code: string; message: string }).toMatchObject({ code: "console_person_not_allowed", message: expect.stringContaining("没有企业微信、钉钉账号的测试人员") });
    }
    expect((await postJson(app, gao, { kind: "text", eventId: clientId(), text: "测试账号在吗" }, app.adminToken)).status).toBe(201);
    expect((await postJson(app, chen, { kind: "text", eventId: clientId(), text: "本人在吗" }, app.adminToken)).status).toBe(201);

    const lines = await app.services.db.manager.find(AuditEntry, { where: { actor: `person:${chen.id}` }, order: { id: "ASC" } });
    const of = (action: string, entityId: number | string) => lines.filter((l) => l.action === action && l.entityId === String(entityId));
    expect(of("console.list_people", "directory").length).toBeGreaterThan(0);
    expect(of("console.refused", zhang.id)).toHaveLength(4);
    expect(of("console.send", gao.id).map((l) => JSON.parse(l.after ?? "{}"))).toContainEqual({ what: "console.send", kind: "text" });
    expect(of("console.send", chen.id)).not.toHaveLength(0);
    expect(lines.map((l) => l.after ?? "").join()).not.toContain("在吗"); // what was typed stays out of the log
  });
});

describe(`console disabled (${backend()})`, () => {
  let app: ConsoleApp;

  beforeAll(async () => {
    app = await startConsoleApp({ CONSOLE_ENABLED: "false" });
  });
  afterAll(() => app.close());

  it("answers 404 for the page and its API", async () => {
    expect((await app.fetch("/console", { token: null })).status).toBe(404);
    expect((await app.fetch("/console/api/people", { token: app.adminToken })).status).toBe(404);
    const zhang = await app.person("张伟");
    expect((await postJson(app, zhang, { kind: "text", eventId: clientId(), text: "在吗" }, app.adminToken)).status).toBe(404);
  });
});

describe(`console replies (${backend()})`, () => {
  it("answers a message at once, though the outbox polls only once an hour", async () => {
    // The turn's commit tells the outbox worker; without that the reply would wait for the poll.
    const hourly = await startConsoleApp({ OUTBOX_POLL_MS: String(3_600_000) });
    try {
      const zhang = await hourly.person("张伟");
      // The worker's first drain (at start) is over before the message is written.
      await new Promise((r) => setTimeout(r, 300));
      const res = await stream(hourly, zhang);
      expect((await postJson(hourly, zhang, { kind: "text", eventId: clientId(), text: "帮助" })).status).toBe(201);
      const lines = await readStream(res, (ls) => ls.some((l) => l.direction === "out"));
      expect(lines.filter((l) => l.direction === "out").length).toBeGreaterThan(0);
    } finally {
      await hourly.close();
    }
  });
});

describe("console enablement", () => {
  const wecom = { WECOM_CORP_ID: "ww1234567890abcdef", WECOM_AGENT_ID: "1000002", WECOM_SECRET: "s", WECOM_TOKEN: "t", WECOM_ENCODING_AES_KEY: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C" };
  const mysql = { DATABASE_URL: "mysql://u:p@db:3306/anshao", TIP_IDENTITY_KEY: "DC6sAZfh92/8MBhZ9WkMqjH0nJacfqzgopgpF6j9XjI=", BOARD_LINK_SECRET: "b".repeat(64) };

  it("is on without a login in the embedded mode, and off with WeChat Work or a database server unless asked for", () => {
    expect(loadConfig({}).console).toEqual({ enabled: true, requireLogin: false });
    expect(loadConfig({ NODE_ENV: "production" }).console).toEqual({ enabled: true, requireLogin: true });
    expect(loadConfig(wecom).console.enabled).toBe(false);
    expect(loadConfig({ ...wecom, CONSOLE_ENABLED: "true" }).console).toEqual({ enabled: true, requireLogin: true });
    expect(loadConfig(mysql).console).toEqual({ enabled: false, requireLogin: true });
    expect(loadConfig({ ...mysql, CONSOLE_ENABLED: "true" }).console).toEqual({ enabled: true, requireLogin: true });
    expect(loadConfig({ CONSOLE_ENABLED: "false" }).console.enabled).toBe(false);
  });

  it("asks for an administrator's token when WeChat Work is configured, even on SQLite", async () => {
    const app = await startConsoleApp(wecom);
    try {
      expect(app.config.console.requireLogin).toBe(true);
      expect(((await (await app.fetch("/console/api/settings", { token: null })).json()) as { data: unknown }).data).toEqual({ requireLogin: true });
      expect((await app.fetch("/console/api/people", { token: null })).status).toBe(401);
      expect((await app.fetch("/console/api/people", { token: app.adminToken })).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
