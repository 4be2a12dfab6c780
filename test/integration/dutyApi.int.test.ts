import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/app";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { rosterTemplate } from "../../src/domain/duty";
import { dutyRoutes } from "../../src/http/routes/duty";
import { createLogger } from "../../src/log";
import { backend } from "../support/backend";
import { type DutyHarness, openDutyHarness } from "../support/dutyHarness";

// The duty API as the admin console will call it, and the iCalendar feed read back by a parser.
jest.setTimeout(120_000);

type Json = { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The part of ical.js (an ES module; the tests run as CommonJS) the feed test reads with. */
interface IcalTime {
  toString(): string;
  toJSDate(): Date;
}
interface IcalComponent {
  getAllSubcomponents(name: string): IcalComponent[];
  getFirstProperty(name: string): { getParameter(name: string): string | undefined } | null;
}
interface IcalEvent {
  uid: string;
  summary: string;
  startDate: IcalTime;
  endDate: IcalTime;
  component: IcalComponent;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ICAL = require("ical.js") as { parse(text: string): unknown[]; Component: new (jcal: unknown[]) => IcalComponent; Event: new (c: IcalComponent) => IcalEvent };

describe(`duty API (${backend()})`, () => {
  let h: DutyHarness;
  let server: Server;
  let base: string;
  const tokens = new Map<string, string>();

  async function call(as: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json; text: string }> {
    const all: Record<string, string> = { ...(body !== undefined && !(body instanceof Uint8Array) ? { "content-type": "application/json" } : {}), ...headers };
    if (as) all.authorization = `Bearer ${tokens.get(as)}`;
    const res = await fetch(`${base}${path}`, { method, headers: all, body: body === undefined ? undefined : body instanceof Uint8Array ? body : JSON.stringify(body) });
    const text = await res.text();
    let json: Json = {};
    try {
      json = JSON.parse(text) as Json;
    } catch {
      /* not JSON: a feed or an empty 204 */
    }
    return { status: res.status, json, text };
  }

  beforeEach(async () => {
    h = await openDutyHarness("2026-04-29 10:00");
    for (const name of ["陈静", "赵磊", "韩雪", "宋志刚"]) tokens.set(name, (await issueApiToken(h.db, h.clock, (await h.person(name)).mobile, "测试")).token);
    server = createApp({ config: h.stores.config, log: createLogger({ level: "silent" }), db: h.db, kv: h.stores.kv, routers: [dutyRoutes({ db: h.db, clock: h.clock, duty: h.duty })] }).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((r) => server.close(r));
    await h.close();
  });

  it("creates, lists, edits and deletes shifts; answers who is on duty now with the leaders above", async () => {
    const made = await call("陈静", "POST", "/api/duty/shifts", { unit: "QH-DL-01", person: "13900000024", role: "officer", start: "2026-04-29T08:00:00+08:00", end: "2026-04-30T08:00:00+08:00" });
    expect(made.status).toBe(201);
    const id = made.json.data.id as number;
    expect((await call("宋志刚", "POST", "/api/duty/shifts", { unit: "QH-DL", person: (await h.person("宋志刚")).id, role: "leader", start: "2026-04-29 08:00", end: "2026-04-30 08:00" })).status).toBe(201);
    const now = await call("赵磊", "GET", "/api/duty/now?unit=QH-DL-01&withParents=1");
    expect(now.json.data.map((r: Json) => [r.person.name, r.role.label])).toEqual([["韩雪", "值班员"], ["宋志刚", "带班领导"]]);
    // Each line names its shift, for a 查岗 started from the list.
    expect(now.json.data[0].shift).toBe(id);
    expect((await call("赵磊", "GET", "/api/duty/now?unit=QH-DL-01")).json.data).toHaveLength(1);
    const list = await call("赵磊", "GET", "/api/duty/shifts?unit=QH-DL-01&from=2026-04-29T00:00:00%2B08:00&to=2026-05-01T00:00:00%2B08:00");
    expect(list.json.data[0]).toMatchObject({ id, person: { name: "韩雪" }, role: { code: "officer", label: "值班员" }, start: "2026-04-29T00:00:00.000Z", end: "2026-04-30T00:00:00.000Z", checkedInAt: null });
    // A grid member may read but not write a roster.
    const denied = await call("韩雪", "PATCH", `/api/duty/shifts/${id}`, { end: "2026-04-29T20:00:00+08:00" });
    expect([denied.status, denied.json.code]).toEqual([403, "duty_not_roster_writer"]);
    const edited = await call("陈静", "PATCH", `/api/duty/shifts/${id}`, { end: "2026-04-29T20:00:00+08:00" });
    expect(edited.json.data.end).toBe("2026-04-29T12:00:00.000Z");
    const bad = await call("陈静", "POST", "/api/duty/shifts", { unit: "QH-DL-01", person: "13900000024", role: "officer", start: "2026-04-29T08:00:00+08:00", end: "2026-04-29T07:00:00+08:00" });
    expect([bad.status, bad.json.code, bad.json.message]).toEqual([400, "duty_bad_span", "结束时间应晚于开始时间"]);
    // A spot check by the town's duty leader lands in the log, which duty staff read and a grid member may not.
    const check = await call("宋志刚", "POST", "/api/duty/spot-checks", { shift: id });
    expect(check.status).toBe(201);
    const log = await call("赵磊", "GET", "/api/duty/log?unit=QH-DL&from=2026-04-29T00:00:00%2B08:00&to=2026-04-30T00:00:00%2B08:00");
    expect(log.json.data.map((l: Json) => [l.kind, l.kindLabel, l.person?.name])).toEqual([["spot_check", "查岗", "宋志刚"]]);
    expect((await call("韩雪", "GET", "/api/duty/log?unit=QH-DL")).status).toBe(403);
    expect((await call("陈静", "DELETE", `/api/duty/shifts/${id}`)).status).toBe(204);
    expect((await call("陈静", "DELETE", `/api/duty/shifts/${id}`)).json.code).toBe("duty_shift_not_found");
  });

  it("imports the roster workbook as a multipart upload and reports its problems in Chinese", async () => {
    const book = await rosterTemplate([
      ["QH-BGS", "赵磊", "13900000006", "值班员", "2026-04-30 08:00", "2026-05-01 08:00"],
      ["QH-BGS", "孙丽", "13900000007", "值班员", "2026-05-01 08:00", "2026-05-01 07:00"],
    ]);
    const form = (bytes: Buffer) => {
      const boundary = "----anshao-test";
      const head = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="排班.xlsx"\r\ncontent-type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n`;
      return { body: new Uint8Array(Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)])), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
    };
    const bad = form(book);
    const refused = await call("陈静", "POST", "/api/duty/rosters", bad.body, bad.headers);
    expect(refused.status).toBe(400);
    expect(refused.json.details.problems).toEqual([{ where: "排班!第3行:结束时间", message: "结束时间应晚于开始时间" }]);
    const good = form(await rosterTemplate([["QH-BGS", "赵磊", "13900000006", "值班员", "2026-04-30 08:00", "2026-05-01 08:00"]]));
    const done = await call("陈静", "POST", "/api/duty/rosters", good.body, good.headers);
    expect(done.json.data).toEqual({ added: 1, removed: 0, unchanged: 0, told: 1 });
    const template = await fetch(`${base}/api/duty/roster-template`, { headers: { authorization: `Bearer ${tokens.get("陈静")}` } });
    expect(template.headers.get("content-type")).toContain("spreadsheetml");
  });

  it("gives each person a secret iCalendar address: RFC 5545, Asia/Shanghai, a stable UID per shift, updated with the roster, revocable", async () => {
    const admin = await h.person("陈静");
    const shift = await h.duty.create(admin, { unit: "QH-BGS", person: "13900000006", role: "officer", start: new Date("2026-04-30T08:00:00+08:00"), end: new Date("2026-05-01T08:00:00+08:00") });
    const link = await call("赵磊", "GET", "/api/duty/calendar-link");
    expect(link.json.data.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/duty\/calendar\/[A-Za-z0-9_-]+\.ics$/);
    expect((await call("赵磊", "GET", "/api/duty/calendar-link")).json.data.path).toBe(link.json.data.path);
    const read = async () => {
      const res = await fetch(`${base}${link.json.data.path}`);
      expect(res.headers.get("content-type")).toContain("text/calendar");
      const vcal = new ICAL.Component(ICAL.parse(await res.text()));
      return vcal.getAllSubcomponents("vevent").map((c) => new ICAL.Event(c));
    };
    const [event] = await read();
    expect(event?.uid).toBe(`duty-shift-${shift.id}@anshao`);
    expect(event?.component.getFirstProperty("dtstart")?.getParameter("tzid")).toBe("Asia/Shanghai");
    expect(event?.startDate.toString()).toBe("2026-04-30T08:00:00");
    expect(event?.endDate.toJSDate().toISOString()).toBe("2026-05-01T00:00:00.000Z");
    expect(event?.summary).toBe("值班：办公室（值班员）");
    // Moved by the roster: the same UID at the new time.
    await h.duty.edit(admin, shift.id, { start: new Date("2026-04-30T12:00:00+08:00") });
    const moved = await read();
    expect(moved.map((e) => [e.uid, e.startDate.toString()])).toEqual([[`duty-shift-${shift.id}@anshao`, "2026-04-30T12:00:00"]]);
    expect((await call("赵磊", "DELETE", "/api/duty/calendar-link")).status).toBe(204);
    expect((await fetch(`${base}${link.json.data.path}`)).status).toBe(404);
  });
});
