import { randomInt } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import pino from "pino";
import { createApp } from "../../src/app";
import { ManualClock } from "../../src/clock";
import type { Config } from "../../src/config";
import { Callout, ConsoleMessage, Hazard, InboundEventRow, Inspection, Person } from "../../src/db/entities";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { buildServices, type Services } from "../../src/services";
import { backend, dropTestDatabase, testConfig } from "../support/backend";

/**
 * Hostile and random input at the doors people and platforms knock on: never a 5xx, never a crash,
 * a refusal always JSON `{code, message}` in Chinese, and nothing stored for what was refused.
 * The seed is printed at the start (and by fast-check on a failure): FUZZ_SEED=<seed> replays a run.
 */
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : randomInt(2 ** 31);
const RUNS = 100;

const HOSTILE = [
  "' OR '1'='1' --",
  "1; DROP TABLE hazards; --",
  "../../../../etc/passwd",
  "..\\..\\windows\\win.ini",
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
  "<script>alert(1)</script>",
  "\u0000\u0001\u0002",
  "\ud800",
  "😀".repeat(500),
  "字".repeat(5000),
  "NaN",
  "-1",
  "1e309",
  "__proto__",
  "constructor",
];

const hostileString = fc.oneof(fc.constantFrom(...HOSTILE), fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary", maxLength: 300 }));
const value = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(hostileString, { maxLength: 5 }), fc.object({ maxDepth: 2 }));
/** A body shaped like the form (known field names) with hostile values, some fields left out. */
const shaped = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: keys.length });
/** What arrives on the wire: JSON of a value, or raw bytes that need not be UTF-8 or JSON at all. */
const wire = (keys: string[]) =>
  fc.oneof(
    shaped(keys).map((v) => ({ body: JSON.stringify(v) as string | Uint8Array, type: "application/json" })),
    fc.anything({ maxDepth: 3 }).map((v) => ({ body: JSON.stringify(v) ?? "null", type: "application/json" })),
    fc.uint8Array({ maxLength: 2048 }).map((b) => ({ body: b as string | Uint8Array, type: "application/json" })),
    fc.tuple(hostileString, fc.constantFrom("application/xml", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data")).map(([body, type]) => ({ body, type })),
  );

describe(`hostile input never breaks the app (${backend()}, seed ${SEED})`, () => {
  const clock = new ManualClock("2026-07-12T02:00:00Z");
  let services: Services;
  let server: Server;
  let base: string;
  const tokens: Record<string, string> = {};
  let adminId = 0;
  let config: Config;

  beforeAll(async () => {
    console.info(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED})`);
    config = await testConfig({
      WECOM_CORP_ID: "ww0000000000000001",
      WECOM_AGENT_ID: "1000002",
      WECOM_SECRET: "fuzz-secret",
      WECOM_TOKEN: "fuzztoken",
      WECOM_ENCODING_AES_KEY: "a".repeat(43),
      WECOM_API_BASE: "http://127.0.0.1:9",
      CONSOLE_ENABLED: "true",
      OUTBOX_ENABLED: "false",
    });
    services = await buildServices(config, pino({ level: "silent" }), clock);
    await loadDemo(services.db, clock);
    for (const name of ["林晓燕", "陈静"]) {
      const person = await services.db.manager.findOneByOrFail(Person, { name });
      tokens[name] = (await issueApiToken(services.db, clock, person.mobile, "fuzz")).token;
      if (name === "陈静") adminId = person.id;
    }
    server = createApp({ config, log: pino({ level: "silent" }), db: services.db, kv: services.kv, routers: services.routers }).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await services.close();
    await dropTestDatabase(config);
  });

  const counts = async () =>
    Promise.all([Hazard, Inspection, Callout, InboundEventRow, ConsoleMessage].map((entity) => services.db.manager.count(entity)));

  async function send(path: string, input: { body: string | Uint8Array; type: string }, token?: string, query = "") {
    const headers: Record<string, string> = { "content-type": input.type };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${path}${query}`, { method: "POST", headers, body: input.body });
    const text = await res.text();
    return { status: res.status, text, type: res.headers.get("content-type") ?? "" };
  }

  /** The property every API door keeps: no 5xx; a refusal is Chinese JSON with a code; a refused body stores nothing. */
  async function refusedCleanly(reply: { status: number; text: string; type: string }, before: number[]): Promise<void> {
    expect(reply.status).toBeLessThan(500);
    if (reply.status < 400) return;
    expect(reply.type).toMatch(/application\/json/);
    const json = JSON.parse(reply.text) as { code?: unknown; message?: unknown };
    expect(typeof json.code).toBe("string");
    expect(String(json.message)).toMatch(/[\u4e00-\u9fa5]/);
    expect(await counts()).toEqual(before);
  }

  const api = async (path: string, keys: string[], who: string) => {
    // An empty form is refused as such (400), so the fuzz below reaches the handler rather than the sign-in.
    expect((await send(path, { body: "{}", type: "application/json" }, tokens[who])).status).toBe(400);
    await fc.assert(
      fc.asyncProperty(wire(keys), async (input) => {
        const before = await counts();
        await refusedCleanly(await send(path, input, tokens[who]), before);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  };

  it("POST /api/hazards", () => api("/api/hazards", ["enterpriseId", "category", "description", "level", "photoKeys", "location", "source", "deadline"], "林晓燕"));
  it("POST /api/warnings", () => api("/api/warnings", ["type", "level", "areas", "validFrom", "validTo", "title", "text", "identifier", "sender"], "林晓燕"));
  it("POST /api/inspections", () => api("/api/inspections", ["enterpriseId", "kind", "result", "photoKeys", "note", "position"], "林晓燕"));

  it("POST to the console as its administrator", async () => {
    // A well-formed line goes through, so the fuzz below reaches the handler rather than the sign-in.
    const ok = await send(`/console/api/people/${adminId}/messages`, { body: JSON.stringify({ kind: "text", text: "你好", eventId: "fuzz-ok-0001" }), type: "application/json" }, tokens["陈静"]);
    expect(ok.status).toBeLessThan(300);
    await fc.assert(
      fc.asyncProperty(wire(["kind", "text", "eventId", "latitude", "longitude", "label", "key", "messageId", "buttonKey"]), async (input) => {
        const before = await counts();
        await refusedCleanly(await send(`/console/api/people/${adminId}/messages`, input, tokens["陈静"]), before);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("POST /wecom/callback: refused without a 5xx, nothing stored", async () => {
    const query = fc.record(
      { msg_signature: hostileString, timestamp: fc.oneof(hostileString, fc.constant(String(Math.floor(clock.now().getTime() / 1000)))), nonce: hostileString },
      { requiredKeys: [] },
    );
    const xml = fc.oneof(
      hostileString,
      hostileString.map((s) => `<xml><ToUserName><![CDATA[ww0000000000000001]]></ToUserName><Encrypt><![CDATA[${s}]]></Encrypt><AgentID>1000002</AgentID></xml>`),
      fc.integer({ min: 1, max: 3000 }).map((n) => `${"<a>".repeat(n)}${"</a>".repeat(n)}`),
    );
    await fc.assert(
      fc.asyncProperty(query, xml, async (q, body) => {
        const before = await counts();
        const reply = await send("/wecom/callback", { body, type: "text/xml" }, undefined, `?${new URLSearchParams(q as Record<string, string>)}`);
        expect(reply.status).toBeLessThan(500);
        expect(reply.status).toBeGreaterThanOrEqual(400);
        expect(await counts()).toEqual(before);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
