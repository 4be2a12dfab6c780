import { randomBytes } from "node:crypto";
import { backend } from "../support/backend";
import { type AdminApp, type AdminClient, json, startAdminApp } from "../support/adminApp";
import { setMessengerAccounts } from "../support/consoleApp";
import { type SseEvent, sseEvents } from "../support/sseEvents";

jest.setTimeout(90_000);

interface BoardData {
  state: { code: string };
  counts: { total: number; answered: number };
  people: { name: string; state: { label: string } }[];
}

/**
 * The admin console's live 叫应 board as server-sent events (`GET /api/callouts/:id/stream`): the
 * board at once, an answer typed in the console channel as it lands, the end of the campaign, and
 * the access gate's data scope in front of it.
 */
describe(`live 叫应 board stream for the console (${backend()})`, () => {
  let app: AdminApp;
  let duty: AdminClient;
  let calloutId: number;
  let consoleToken: string;

  beforeAll(async () => {
    app = await startAdminApp("2026-11-26T02:00:00Z", { CONSOLE_ENABLED: "true" });
    // Outside the embedded mode the console asks for an administrator's token and acts only for
    // people without a messenger account: the demo county's people become such trial users.
    await setMessengerAccounts(app.services.db, "none");
    consoleToken = await app.token("陈静");
    duty = await app.signIn("林晓燕");
    const drafted = await duty.call("POST", "/api/callouts", { title: "暴雨橙色预警叫应", text: "请立即组织巡查", warningType: "rainstorm", level: "orange", rules: [{ units: ["东岭镇"], roles: ["duty_leader"] }] });
    expect(drafted.status).toBe(201);
    calloutId = (await json(drafted)).data.id;
    expect((await duty.call("POST", `/api/callouts/${calloutId}/send`)).status).toBe(200);
  });
  afterAll(async () => app?.close());

  const open = async (client: AdminClient, abort: AbortController) => {
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    return fetch(`${app.url}/api/callouts/${calloutId}/stream`, { headers: { cookie }, signal: abort.signal });
  };

  /** 宋志刚 types 收到 in the console channel, as he would in WeChat Work. */
  const answerInConsole = async (name: string) => {
    const person = await app.person(name);
    const res = await fetch(`${app.url}/console/api/people/${person.id}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${consoleToken}` },
      body: JSON.stringify({ kind: "text", eventId: randomBytes(8).toString("hex"), text: "收到" }),
    });
    expect(res.status).toBeLessThan(300);
  };

  it("sends the board at once and again when an answer arrives from the console channel, then ends with the campaign", async () => {
    const abort = new AbortController();
    const res = await open(duty, abort);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const events = sseEvents<BoardData>(res);
    const nextEvent = async () => (await events.next()).value as SseEvent<BoardData> | undefined;
    const first = await nextEvent();
    expect(first?.event).toBe("board");
    expect(first?.data?.state.code).toBe("sent");
    expect(first?.data?.counts.answered).toBe(0);
    expect(first?.data?.people.map((p) => p.name)).toContain("宋志刚");

    await answerInConsole("宋志刚");
    const next = await nextEvent();
    expect(next?.event).toBe("board");
    expect(next?.data?.counts.answered).toBe(1);
    expect(next?.data?.people.find((p) => p.name === "宋志刚")?.state.label).toBe("已收到");

    // Cancelled: the last board, then `end`, then the server closes the stream (no reconnect loop).
    expect((await duty.call("POST", `/api/callouts/${calloutId}/cancel`)).status).toBe(200);
    const last = await nextEvent();
    expect(last?.data?.state.code).toBe("cancelled");
    expect((await nextEvent())?.event).toBe("end");
    expect((await events.next()).done).toBe(true);
    abort.abort();
  });

  it("refuses a caller who is not signed in, and one whose scope does not hold the campaign", async () => {
    expect((await open(app.anonymous(), new AbortController())).status).toBe(401);
    // 东岭镇's duty leader: the county's campaign is outside his town.
    const town = await open(await app.signIn("宋志刚"), new AbortController());
    expect(town.status).toBe(403);
    expect(((await town.json()) as { code: string }).code).toBe("out_of_scope");
    const unknown = await fetch(`${app.url}/api/callouts/999999/stream`, { headers: { cookie: [...duty.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } });
    expect(unknown.status).toBe(404);
  });
});
