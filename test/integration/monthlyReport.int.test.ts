import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { createApp } from "../../src/app";
import { formatLocal } from "../../src/clock";
import { Enterprise, OutboxMessage, Person } from "../../src/db/entities";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { HazardService } from "../../src/domain/hazards";
import { InspectionService } from "../../src/domain/inspections";
import { OutboxService } from "../../src/domain/outbox";
import { QuotaService } from "../../src/domain/quotas";
import { ReportService } from "../../src/domain/reports";
import { hazardRoutes } from "../../src/http/routes/hazards";
import { inspectionRoutes } from "../../src/http/routes/inspections";
import { quotaRoutes } from "../../src/http/routes/quotas";
import { reportRoutes } from "../../src/http/routes/reports";
import { createLogger } from "../../src/log";
import { LocalMediaStore } from "../../src/media/localMediaStore";
import { backend, openTestStores, type TestStores } from "../support/backend";
import { type DigestCounty, prepareCounty } from "../support/digestCounty";

type Json = { paging?: { total: number }; data?: Record<string, unknown>[] & Record<string, unknown>; items?: unknown[]; [k: string]: unknown };

const SHEETS = ["汇总", "排查清单", "隐患清单", "整改清单", "责任清单"];

describe(`monthly report, seed 004's 四个清单 (${backend()})`, () => {
  let stores: TestStores;
  let county: DigestCounty;
  let server: Server;
  let base: string;
  let token: string;
  let reports: ReportService;
  let outbox: OutboxService;
  let media: LocalMediaStore;
  const mediaDir = mkdtempSync(join(tmpdir(), "anshao-report-"));

  async function api(path: string): Promise<Json> {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  }
  async function workbook(unit: string, month: string): Promise<ExcelJS.Workbook> {
    const res = await fetch(`${base}/api/reports/monthly?unit=${unit}&month=${month}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("spreadsheetml");
    expect(decodeURIComponent(res.headers.get("content-disposition") ?? "")).toContain(`${month}`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    return book;
  }
  const summaryOf = (book: ExcelJS.Workbook) => {
    const out = new Map<string, unknown>();
    book.getWorksheet("汇总")?.eachRow((row) => out.set(String(row.getCell(1).value), row.getCell(2).value));
    return out;
  };
  const rowsOf = (book: ExcelJS.Workbook, name: string) => {
    const rows: unknown[][] = [];
    book.getWorksheet(name)?.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return rows;
  };

  beforeAll(async () => {
    stores = await openTestStores();
    county = await prepareCounty(stores.db);
    // Found and rectified in March: 已整改销号.
    await county.hazard({ enterprise: "东岭农贸市场", level: "general", state: "closed", reportedAt: "2026-03-05T02:00:00Z", deadline: "2026-03-12T00:00:00Z", closedAt: "2026-03-06T02:00:00Z" });
    county.clock.set("2026-04-01T00:30:00Z");
    const { db } = stores;
    const clock = county.clock;
    outbox = new OutboxService({ db, clock, quietHours: "21:00-08:00" });
    media = new LocalMediaStore({ dir: mediaDir, maxBytes: 20 * 1024 * 1024, now: () => clock.now() });
    token = (await issueApiToken(db, clock, (await county.person("陈静")).mobile, "测试")).token;
    reports = new ReportService({ db, clock, media, outbox, channels: ["wecom"], recipients: [(await county.person("宋志刚")).mobile] });
    const log = createLogger({ level: "silent" });
    const routers = [
      reportRoutes({ db, clock, log, reports }),
      quotaRoutes({ db, clock, quotas: new QuotaService({ db, clock }) }),
      hazardRoutes({ db, clock, hazards: new HazardService({ db, outbox, clock, config: { repeatWindowDays: 365 }, channels: ["wecom"] }) }),
      inspectionRoutes({ db, clock, inspections: new InspectionService({ db, clock, config: { farMetres: 500 } }) }),
    ];
    const app = createApp({ config: stores.config, log, db, kv: stores.kv, routers });
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await stores.close();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  it.each([
    ["QH", "2026-03"],
    ["QH", "2026-02"],
    ["QH-DL", "2026-03"],
  ])("gives %s's %s summary the same numbers as the hazard and inspection APIs", async (code, month) => {
    const unitId = (await county.unit(code)).id;
    const last = month === "2026-02" ? "2026-02-28" : "2026-03-31";
    const range = `unitId=${unitId}&from=${month}-01&to=${last}`;
    const total = async (path: string) => (await api(`${path}&pageSize=1`)).paging?.total;
    const summary = summaryOf(await workbook(code, month));
    expect(summary.get("检查次数")).toBe(await total(`/api/inspections?${range}`));
    expect(summary.get("发现隐患问题")).toBe(await total(`/api/hazards?${range}`));
    expect(summary.get("其中重大隐患")).toBe(await total(`/api/hazards?${range}&level=major`));
    expect(summary.get("其中一般隐患")).toBe(await total(`/api/hazards?${range}&level=general`));
    expect(summary.get("已整改销号")).toBe(await total(`/api/hazards?${range}&state=verified,closed`));
    expect(summary.get("逾期未整改")).toBe(await total(`/api/hazards?${range}&overdue=true`));
  });

  it("has the summary's 监管对象底数 and figures, and the four sheets with Chinese headers, Shanghai times and readable widths", async () => {
    const book = await workbook("QH", "2026-03");
    expect(book.worksheets.map((s) => s.name)).toEqual(SHEETS);
    const summary = summaryOf(book);
    expect([...summary.entries()].slice(1)).toEqual([
      ["单位", "青禾县应急管理局"],
      ["月份", "2026-03"],
      ["生成时间", "2026-04-01 08:30"],
      ["监管对象底数（在册企业、场所）", 39],
      ["辖区村（社区）数", 12],
      ["检查企业（场所）数", 2],
      ["开展检查的单位（镇街、村社区等）数", 2],
      ["检查次数", 2],
      ["发现隐患问题", 3],
      ["其中重大隐患", 1],
      ["其中一般隐患", 2],
      ["已整改销号", 1],
      ["逾期未整改", 2], // by 04-01 both open March hazards are past their deadlines
      ["分级监管超期未检企业（截至生成时）", (await api("/api/quotas/overdue-enterprises?unit=QH")).data?.length],
    ]);

    // 6 红 overdue since February, 11 橙 since 03-01 (the two inspected in March are not), and the 黄 ones due 04-01 08:00.
    expect(summary.get("分级监管超期未检企业（截至生成时）")).toBeGreaterThan(17);
    expect(rowsOf(book, "排查清单")).toEqual([
      ["序号", "检查时间", "排查单位", "检查人员", "被检查企业（场所）", "检查方式", "检查结果", "备注"],
      [1, "2026-03-02 09:00", "东岭镇", "唐亮", "石桥加油站", "执法检查", "无问题"],
      [2, "2026-03-02 10:00", "南川镇", "彭飞", "南川商贸城", "日常巡查", "无问题"],
    ]);
    const hazards = rowsOf(book, "隐患清单");
    expect(hazards[0]).toEqual(["序号", "隐患编号", "发现时间", "所属单位", "企业（场所）或地点", "隐患类别", "隐患等级", "隐患问题", "来源", "挂牌督办"]);
    // Cell by cell against the hazard API, oldest first.
    const listed = ((await api(`/api/hazards?unitId=${(await county.unit("QH")).id}&from=2026-03-01&to=2026-03-31`)).data ?? []) as { number: string; level: { label: string }; state: { label: string }; reportedAt: string; unit: { name: string }; enterprise: { name: string } | null }[];
    const byNumber = [...listed].sort((a, b) => a.number.localeCompare(b.number));
    expect(hazards.slice(1).map((r) => r[1])).toEqual(byNumber.map((h) => h.number));
    hazards.slice(1).forEach((row, i) => {
      const h = byNumber[i]!;
      expect(row[0]).toBe(i + 1);
      expect(row[2]).toBe(formatLocal(new Date(h.reportedAt)));
      expect(row[3]).toBe(h.unit.name);
      expect(row[4]).toBe(h.enterprise?.name);
      expect(row[6]).toBe(h.level.label);
    });
    const rectification = rowsOf(book, "整改清单");
    expect(rectification[0]).toEqual(["序号", "隐患编号", "整改措施", "整改资金", "整改时限", "整改状态", "销号时间", "是否逾期"]);
    expect(rectification.slice(1).map((r) => [r[1], r[4], r[5], r[6] ?? null, r[7]])).toEqual(
      byNumber.map((h) => [h.number, expect.any(String), h.state.label, h.state.label === "已销号" ? "2026-03-06 10:00" : null, h.state.label === "已销号" ? "否" : "是"]),
    );
    const responsibility = rowsOf(book, "责任清单");
    expect(responsibility[0]).toEqual(["序号", "隐患编号", "企业（场所）或地点", "整改责任人", "行业部门监管负责人", "行政负责人", "复查人", "上报人"]);
    expect(responsibility[1]).toEqual([1, "YH-2026-000003", "南川商贸城", "范伟", "吴敏", "曹建华", undefined, "唐亮"]);

    expect(book.getWorksheet("隐患清单")?.getColumn(8).width).toBeGreaterThanOrEqual(30);
    expect(book.getWorksheet("排查清单")?.getColumn(2).width).toBeGreaterThanOrEqual(16);
  });

  it.each([
    ["QH", "2026-03"],
    ["QH-DL", "2026-03"],
  ])("has in %s's %s 清单 every cell equal to what the hazard and inspection APIs say of the same record", async (code, month) => {
    const book = await workbook(code, month);
    const unitId = (await county.unit(code)).id;
    const range = `unitId=${unitId}&from=${month}-01&to=${month}-31&pageSize=100`;
    type Ref = { id: number; name: string } | null;
    type Label = { code: string; label: string };
    type HazardJson = {
      id: number; number: string; category: string; description: string; reportedAt: string; closedAt: string | null; overdue: boolean; listedForSupervision: boolean;
      unit: Ref; enterprise: Ref; location: { text: string | null }; level: Label; state: Label; source: Label;
      owner: Ref; supervisor: Ref; verifier: Ref; reporter: Ref; fivePoints: { measures: string | null; funds: string | null; deadline: string | null };
    };
    type InspectionJson = { id: number; checkedInAt: string; unit: Ref; inspector: Ref; enterprise: Ref; kind: Label; result: Label; note: string | null };
    const hazards = ((await api(`/api/hazards?${range}`)).data as unknown as HazardJson[]).sort((a, b) => a.id - b.id);
    const inspections = ((await api(`/api/inspections?${range}`)).data as unknown as InspectionJson[]).sort((a, b) => a.id - b.id);
    expect(hazards.length).toBeGreaterThan(0);
    expect(inspections.length).toBeGreaterThan(0);
    const at = (iso: string | null) => (iso ? formatLocal(new Date(iso)) : "");
    const name = (r: Ref) => r?.name ?? "";
    const place = (h: HazardJson) => h.enterprise?.name ?? h.location.text ?? "";
    // 行政负责人 is the enterprise's, which the hazard API does not carry: read from the directory.
    const adminOwner = async (h: HazardJson) => {
      if (!h.enterprise) return "";
      const e = await stores.db.manager.findOneByOrFail(Enterprise, { id: h.enterprise.id });
      return e.adminOwnerId === null ? "" : (await stores.db.manager.findOneByOrFail(Person, { id: e.adminOwnerId })).name;
    };
    // Blank cells read back as nothing; the sheets' rows are compared whole, header length each.
    const cells = (sheet: string) => {
      const rows = rowsOf(book, sheet);
      const width = (rows[0] as unknown[]).length;
      return rows.slice(1).map((r) => Array.from({ length: width }, (_, i) => (r[i] === undefined || r[i] === null ? "" : r[i])));
    };
    expect(cells("排查清单")).toEqual(inspections.map((i, n) => [n + 1, at(i.checkedInAt), name(i.unit), name(i.inspector), name(i.enterprise), i.kind.label, i.result.label, i.note ?? ""]));
    expect(cells("隐患清单")).toEqual(
      hazards.map((h, n) => [n + 1, h.number, at(h.reportedAt), name(h.unit), place(h), h.category, h.level.label, h.description, h.source.label, h.listedForSupervision ? "是" : "否"]),
    );
    expect(cells("整改清单")).toEqual(
      hazards.map((h, n) => [n + 1, h.number, h.fivePoints.measures ?? "", h.fivePoints.funds ?? "", at(h.fivePoints.deadline), h.state.label, at(h.closedAt), h.overdue ? "是" : "否"]),
    );
    const owners = await Promise.all(hazards.map(adminOwner));
    expect(cells("责任清单")).toEqual(hazards.map((h, n) => [n + 1, h.number, place(h), name(h.owner), name(h.supervisor), owners[n], name(h.verifier), name(h.reporter)]));
  });

  it("refuses a malformed month (400) and an unknown unit (404) before writing anything", async () => {
    const bad = await fetch(`${base}/api/reports/monthly?unit=QH&month=2026-3`, { headers: { authorization: `Bearer ${token}` } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain("月份应为 YYYY-MM");
    expect((await fetch(`${base}/api/reports/monthly?unit=NOPE&month=2026-03`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });

  it("sends last month's report on the 1st as a file to each configured recipient, once, and not after the 5th", async () => {
    expect(await reports.sendDue()).toBe(1);
    expect(await reports.sendDue()).toBe(0);
    const leader = await county.person("宋志刚");
    const message = await outbox.messageByKey(`report:monthly:${leader.id}:2026-03`);
    const payload = JSON.parse(message?.payload ?? "{}") as { kind: string; storageKey: string };
    expect(payload.kind).toBe("file");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await media.read(payload.storageKey)).bytes as unknown as ArrayBuffer);
    expect(summaryOf(book).get("单位")).toBe("东岭镇");
    expect(rowsOf(book, "隐患清单").map((r) => r[1])).toEqual(["隐患编号", "YH-2026-000006"]);
    county.clock.set("2026-05-06T00:30:00Z");
    expect(await reports.sendDue()).toBe(0);
    expect(await stores.db.manager.count(OutboxMessage, { where: { source: "report:2026-04" } })).toBe(0);
  });
});
