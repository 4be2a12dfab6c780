import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/app";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { calloutRoutes } from "../../src/http/routes/callouts";
import { createLogger } from "../../src/log";
import type { BoardView } from "../../src/web/boardView";
import { calloutBoardRoutes } from "../../src/web/calloutBoard";
import { backend } from "../support/backend";
import { sseEvents, type SseEvent as Frame } from "../support/sseEvents";
import { type CalloutHarness, draft, openCalloutHarness } from "../support/calloutHarness";

type SseEvent = Frame<BoardView>;

const sse = (res: Response) => sseEvents<BoardView>(res);

describe(`live 叫应 board (${backend()})`, () => {
  let h: CalloutHarness;
  let server: Server;
  let base: string;
  let officer: string;
  let inspector: string;
  let calloutId: number;
  let taskId: string;

  beforeAll(async () => {
    h = await openCalloutHarness();
    const { db, kv, config } = h.stores;
    const board = calloutBoardRoutes({ db, clock: h.clock, callouts: h.callouts, linkSecret: "test-board-secret-0123456789abcdef", pollMs: 50 });
    const routers = [calloutRoutes({ db, clock: h.clock, callouts: h.callouts }), board];
    server = createApp({ config, log: createLogger({ level: "silent" }), db, kv, routers }).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const zhao = await h.person("赵磊");
    officer = (await issueApiToken(db, h.clock, zhao.mobile, "值班")).token;
    inspector = (await issueApiToken(db, h.clock, (await h.person("高鹏")).mobile, "巡查")).token;
    calloutId = (await h.callouts.create(zhao, draft({ title: "暴雨红色预警叫应", level: "red" }))).id;
    await h.callouts.send(zhao, calloutId);
    await h.drain();
    taskId = h.sender.calls.map((c) => (c.message.kind === "card" ? c.message.card.taskId : "")).find(Boolean) as string;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await h.close();
  });

  const link = async (token = officer, id = calloutId) => {
    const res = await fetch(`${base}/api/callouts/${id}/board-link`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as { data: { path: string; url: string; expiresAt: string } } };
  };

  it("serves the page and the campaign with its counts from a signed link", async () => {
    const { status, body } = await link();
    expect(status).toBe(200);
    expect(body.data.url).toBe(`${base}${body.data.path}`);
    const res = await fetch(`${base}${body.data.path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain("叫应看板");
    expect(html).toContain('src="/web/board/board.js"');

    const t = new URL(body.data.url).searchParams.get("t") as string;
    const data = await fetch(`${base}/api/callouts/${calloutId}/board?t=${t}`);
    expect(data.headers.get("cache-control")).toBe("no-store");
    const view = ((await data.json()) as { data: BoardView }).data;
    expect(view).toMatchObject({ title: "暴雨红色预警叫应", levelLabel: "红色预警", counts: { answered: 0, notYet: 8 }, rate: 0 });
    expect(view.people.map((p) => p.name)).toContain("曾国平");
    expect(JSON.stringify(view)).not.toMatch(/1390000\d{4}/); // no mobiles
  });

  it("streams the board and a new answer as it arrives", async () => {
    const { body } = await link();
    const t = new URL(body.data.url).searchParams.get("t") as string;
    const abort = new AbortController();
    const res = await fetch(`${base}/api/callouts/${calloutId}/board/stream?t=${t}`, { signal: abort.signal });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = sse(res);
    const first = (await events.next()).value as SseEvent;
    expect(first.event).toBe("board");
    const answeredBefore = first.data?.counts.answered ?? -1;

    await h.click(await h.person("吕红梅"), taskId);
    const next = (await events.next()).value as SseEvent;
    expect(next.data?.counts.answered).toBe(answeredBefore + 1);
    expect(next.data?.people.find((p) => p.name === "吕红梅")?.group).toBe("answered");
    expect(next.data?.rate).toBe(Math.round(((answeredBefore + 1) / 8) * 1000) / 10);
    expect(JSON.stringify(next.data)).not.toMatch(/personId|mobile|reportText/);
    abort.abort();
    await events.return(undefined).catch(() => undefined);
  });

  it("refuses forged, foreign and expired links with 401", async () => {
    const { body } = await link();
    const t = new URL(body.data.url).searchParams.get("t") as string;
    const forged = `${t.slice(0, -2)}${t.endsWith("AA") ? "BB" : "AA"}`;
    const longer = `${Number(t.split(".")[0]) + 3600}.${t.split(".")[1]}`;
    for (const bad of [forged, longer, "", "123.abc"]) {
      expect((await fetch(`${base}/callouts/${calloutId}/board?t=${bad}`)).status).toBe(401);
      expect((await fetch(`${base}/api/callouts/${calloutId}/board?t=${bad}`)).status).toBe(401);
      expect((await fetch(`${base}/api/callouts/${calloutId}/board/stream?t=${bad}`)).status).toBe(401);
    }
    expect((await fetch(`${base}/callouts/${calloutId + 1}/board?t=${t}`)).status).toBe(401);

    h.clock.advance(3 * 60 * 60_000 + 1000);
    const expired = await fetch(`${base}/callouts/${calloutId}/board?t=${t}`);
    expect(expired.status).toBe(401);
    expect(await expired.text()).toContain("看板链接无效或已过期");
    const stream = await fetch(`${base}/api/callouts/${calloutId}/board/stream?t=${t}`);
    expect(stream.status).toBe(401);
    expect(((await stream.json()) as { code: string }).code).toBe("board_link_invalid");
  });

  it("issues links only to duty staff and leaders", async () => {
    expect((await link(inspector)).status).toBe(403);
    expect((await fetch(`${base}/api/callouts/${calloutId}/board-link`)).status).toBe(401);
    expect((await link(officer, 99999)).status).toBe(404);
  });
});
