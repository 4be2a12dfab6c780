import ExcelJS from "exceljs";
import { OutboxMessage, PublicTip } from "../../src/db/entities";
import { OutboxService } from "../../src/domain/outbox";
import { TipDeadlines } from "../../src/domain/tips";
import { backend } from "../support/backend";
import { jpegTakenAt } from "../support/photos";
import { OPEN311_KEY, type PublicTipApp, startPublicTipApp, tipForm } from "../support/publicTipApp";

type Json = { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

const NAME = "覃玉梅";
const PHONE = "13566667777";
const DAY = 86_400_000;

/**
 * A named public tip through its whole life — filed on the form, routed, verified late, fed back,
 * rewarded, approved, paid, exported, listed on Open311 — and then every log line, answer, notice
 * and export of the run is searched for the tipster's name and phone: only the audited reveal has them.
 */
describe(`a public tipster stays unnamed end to end (${backend()})`, () => {
  let app: PublicTipApp;

  beforeAll(async () => {
    app = await startPublicTipApp();
  }, 60_000);
  afterAll(() => app.close());

  async function call(as: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; text: string; json: Json; bytes: Buffer }> {
    const headers: Record<string, string> = { "x-forwarded-for": "10.55.0.1" };
    if (as) headers.authorization = `Bearer ${await app.token(as)}`;
    if (body !== undefined && !(body instanceof FormData)) headers["content-type"] = "application/json";
    const res = await fetch(`${app.base}${path}`, { method, headers, body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body) });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString("utf8");
    app.responses.push(text);
    let json: Json = {};
    try {
      json = JSON.parse(text) as Json;
    } catch {
      // a file
    }
    return { status: res.status, text, json, bytes };
  }

  it("leaves the name and phone only in the sealed tip and the audited reveal", async () => {
    const filed = await call(null, "POST", "/api/public/tips", tipForm({ category: "illegal_operation", description: "黑作坊在民房里生产烟花爆竹，晚上开工", address: "青禾镇柳湾村三组", anonymous: "false", name: NAME, phone: PHONE }, [jpegTakenAt(31.47, 104.6)]));
    expect(filed.status).toBe(201);
    const { code, token } = filed.json.data;
    const tipId = (await app.stores.db.manager.findOneByOrFail(PublicTip, { trackingCode: code })).tipId;

    // Staff work the tip over the API; the deadlines job runs as the days pass.
    const outbox = new OutboxService({ db: app.stores.db, clock: app.clock, quietHours: "21:00-08:00" });
    const deadlines = new TipDeadlines({ db: app.stores.db, outbox, clock: app.clock, channels: ["wecom"], settings: { feedbackDays: 10 } });
    expect((await call("刘洋", "GET", `/api/tips/${tipId}`)).json.data.reporter).toMatchObject({ pseudonym: expect.stringMatching(/^举报人-/), anonymous: false });
    expect((await call("刘洋", "POST", `/api/tips/${tipId}/accept`, { handlerId: (await app.person("张伟")).id })).status).toBe(200);
    app.clock.advance(16 * DAY);
    expect((await deadlines.runDue()).messages).toBe(1);
    expect((await call("张伟", "POST", `/api/tips/${tipId}/close`, { result: "substantiated", note: "现场查获非法生产烟花爆竹，已移送公安" })).status).toBe(200);
    expect((await call("张伟", "POST", `/api/tips/${tipId}/feedback`, { text: "经核查举报属实，已依法查处。感谢您的举报，奖励将按规定发放。" })).status).toBe(200);
    expect((await call("刘洋", "POST", `/api/tips/${tipId}/reward`, { amount: 2000 })).status).toBe(200);
    expect((await call("刘洋", "POST", `/api/tips/${tipId}/reward-paid`, { reference: "PZ-2026-118" })).json.code).toBe("tip_illegal_transition");
    expect((await call("李明", "POST", `/api/tips/${tipId}/reward-approve`, {})).status).toBe(200);
    app.clock.advance(DAY);
    const paid = await call("刘洋", "POST", `/api/tips/${tipId}/reward-paid`, { reference: "PZ-2026-118" });
    expect(paid.json.data.reward).toMatchObject({ state: { code: "paid", label: "已兑现" }, amount: 2000 });

    // The tipster sees the feedback and the reward by code and token.
    const status = await call(null, "GET", `/api/public/tips/${code}?token=${token}`);
    expect(status.json.data).toMatchObject({ status: "closed", statusLabel: "已办结", feedback: expect.stringContaining("已依法查处"), reward: { state: "paid", amount: 2000, paidAt: app.clock.now().toISOString() } });

    // The finance office's ledger: the number, the amount, the reference; 张伟 (an inspector) may not export it.
    const from = new Date(app.clock.now().getTime() - 30 * DAY).toISOString().slice(0, 10);
    const to = app.clock.now().toISOString().slice(0, 10);
    expect((await call("张伟", "GET", `/api/tips/rewards.xlsx?from=${from}&to=${to}`)).status).toBe(403);
    const ledger = await call("刘洋", "GET", `/api/tips/rewards.xlsx?from=${from}&to=${to}`);
    expect(ledger.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(ledger.bytes as unknown as ArrayBuffer);
    const rows = (workbook.worksheets[0]?.getSheetValues() ?? []).filter(Boolean).map((r) => (r as unknown[]).slice(1).map((v) => (v === undefined || v === null ? "" : String(v))));
    const number = (await call("刘洋", "GET", `/api/tips/${tipId}`)).json.data.number as string;
    const line = rows.find((r) => r[0] === number) ?? [];
    expect([line[1], line[2], line[3], line[5], line[6], line[8]]).toEqual(["群众", "举报表单", "非法违法生产经营", "2000", "已兑现", "PZ-2026-118"]);
    expect(line[7]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(rows.at(-1)?.filter(Boolean)).toEqual(["合计 1 笔", "2000", "已兑现 2000 元"]);
    const ledgerText = rows.map((r) => r.join("|")).join("\n");

    // Open311 with an API key sees everything but who tipped; the poster and the lists too.
    expect((await call(null, "GET", `/open311/v2/requests.json?api_key=${OPEN311_KEY}`)).status).toBe(200);
    expect((await call(null, "GET", `/open311/v2/requests.xml?api_key=${OPEN311_KEY}`)).status).toBe(200);
    expect((await call("刘洋", "GET", "/api/tips")).status).toBe(200);
    expect((await call("刘洋", "GET", "/api/tips/poster")).status).toBe(200);

    // The one way back to the person: the audited reveal.
    const revealed = await call("刘洋", "POST", `/api/tips/${tipId}/reveal`, { reason: "发放举报奖励需核对举报人身份" });
    expect(revealed.text).toContain(NAME);
    expect(revealed.text).toContain(PHONE);

    const notices = (await app.stores.db.manager.find(OutboxMessage)).map((m) => m.payload);
    expect(notices.length).toBeGreaterThanOrEqual(4);
    const everything = [...app.logs, ...app.responses.filter((r) => r !== revealed.text), ...notices, ledgerText];
    expect(everything.filter((t) => t.includes(NAME) || t.includes(PHONE))).toEqual([]);
    // Nor does any stored row hold them in plain text.
    const m = app.stores.db.manager;
    for (const meta of m.connection.entityMetadatas) {
      const text = JSON.stringify(await m.query(`SELECT * FROM ${meta.tableName}`));
      expect([meta.tableName, text.includes(NAME) || text.includes(PHONE)]).toEqual([meta.tableName, false]);
    }
  });
});
