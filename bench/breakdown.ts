import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { openSync } from "node:fs";
import { decrypt as wecomDecrypt, getSignature } from "@wecom/crypto";
import { XMLParser } from "fast-xml-parser";
import { createConnection, createPool } from "mysql2/promise";
import pino from "pino";
import type { InboundEvent } from "../src/channels/channel";
import { CallbackCrypto } from "../src/channels/wecom/crypto";
import { toInboundEvent } from "../src/channels/wecom/inbound";
import { extractEncrypt, parseMessageXml } from "../src/channels/wecom/xml";
import { systemClock } from "../src/clock";
import { openDataSource } from "../src/db/dataSource";
import { entities } from "../src/features";
import { Database } from "../src/db/Database";
import { claim, finish, insertPending } from "../src/domain/inbox/inboxRows";
import { InboxService } from "../src/domain/inbox";
import { RedisKv } from "../src/kv/redisKv";
import { BENCH_APP, EnvelopePool } from "./lib/envelopes";
import { removeKeys } from "./lib/redisKeys";
import { fmt, table } from "./lib/report";

/**
 * `npm run bench:breakdown`: what each step of the full callback path costs, in one process and
 * without HTTP, as CPU µs per callback (process.cpuUsage) and the rate it reaches on its own.
 * I/O steps run with 50 in flight, like the closed-loop rounds. It answers "where does the time
 * go" without a profiler's overhead; bench/callbacks.ts --profile gives the sampled view.
 */

const CONCURRENCY = 50;

interface Step {
  name: string;
  n: number;
  cpuUs: number;
  wallMs: number;
}

async function measure(name: string, n: number, run: (i: number) => unknown, concurrent = false, settle?: () => Promise<void>): Promise<Step> {
  // warm-up on a tenth, then the measured n
  const go = async (count: number, offset: number) => {
    if (!concurrent) {
      for (let i = 0; i < count; i++) await run(offset + i);
      return;
    }
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) await run(offset + next++);
      }),
    );
  };
  const warm = Math.ceil(n / 10);
  await go(warm, 0);
  await settle?.();
  const cpu = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await go(n, warm);
  // Work the steps leave behind (the inbox's lazy batches) counts too.
  await settle?.();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const used = process.cpuUsage(cpu);
  const step = { name, n, cpuUs: (used.user + used.system) / n, wallMs };
  process.stdout.write(`${name.padEnd(58)} ${fmt(step.cpuUs, 1).padStart(8)} µs CPU/op ${fmt((n / wallMs) * 1000).padStart(8)} op/s\n`);
  return step;
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const scale = quick ? 0.25 : 1;
  const N = (x: number) => Math.max(200, Math.round(x * scale));
  const mysqlUrl = process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
  const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
  const tag = randomBytes(4).toString("hex");
  const dbName = `anshao_bench_${tag}`;
  const server = new URL(mysqlUrl);
  const admin = await createConnection({ host: server.hostname, port: Number(server.port || 3306), user: decodeURIComponent(server.username), password: decodeURIComponent(server.password) });
  await admin.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  server.pathname = `/${dbName}`;
  const kv = new RedisKv(redisUrl, `as:bench:${tag}:`);
  let db: Database | undefined;
  const steps: Step[] = [];
  try {
    db = new Database(await openDataSource({ db: { kind: "mysql", url: server.toString() } }, { migrate: true, entities }));
    await kv.connect();
    const pool = new EnvelopePool();
    pool.grow(N(40_000));
    const crypto = new CallbackCrypto({ token: BENCH_APP.token, encodingAesKey: BENCH_APP.encodingAesKey, receiverId: BENCH_APP.corpId });
    const query = (i: number) => new URLSearchParams(pool.items[i % pool.size].path.split("?")[1]);
    const events: InboundEvent[] = [];

    // — CPU-only steps, one at a time
    const parser = new XMLParser({ parseTagValue: false });
    steps.push(
      await measure("B's work: parse envelope, sign, decrypt, parse (fast-xml ×2)", N(20_000), (i) => {
        const e = pool.items[i % pool.size];
        const q = query(i);
        const enc = (parser.parse(e.body.toString("utf8")) as { xml: { Encrypt: string } }).xml.Encrypt;
        if (getSignature(BENCH_APP.token, q.get("timestamp") ?? "", q.get("nonce") ?? "", enc) !== q.get("msg_signature")) throw new Error("sig");
        parser.parse(wecomDecrypt(BENCH_APP.encodingAesKey, enc).message);
      }),
    );
    steps.push(
      await measure("ours: extractEncrypt + verify + decrypt + parse + toInboundEvent", N(20_000), (i) => {
        const e = pool.items[i % pool.size];
        const q = query(i);
        const enc = extractEncrypt(e.body.toString("utf8"));
        if (!crypto.verify(q.get("msg_signature") ?? "", q.get("timestamp") ?? "", q.get("nonce") ?? "", enc)) throw new Error("sig");
        const ev = toInboundEvent(parseMessageXml(crypto.decrypt(enc)));
        if (i < pool.size && ev) events[i] = ev;
      }),
    );
    for (let i = 0; i < pool.size; i++) if (!events[i]) events[i] = toInboundEvent(parseMessageXml(crypto.decrypt(extractEncrypt(pool.items[i].body.toString("utf8"))))) as InboundEvent;

    const devnull = openSync("/dev/null", "w");
    const log = pino({ level: "info", redact: { paths: ["*.password", "*.secret", "*.token", "*.access_token", "*.accessToken", "*.encodingAesKey", "*.mobile", "*.authorization", "req.headers.authorization", "req.headers.cookie"], censor: "***" }, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ fd: devnull, sync: true }));
    steps.push(
      await measure("logging: per-request child logger + the request line", N(20_000), (i) => {
        const child = log.child({ requestId: `r${i}` });
        child.info({ method: "POST", path: "/wecom/callback", status: 200, ms: 1.2 }, "request");
      }),
    );

    // — I/O steps, 50 in flight
    steps.push(await measure("Redis: GET + SET NX PX (RedisKv)", N(20_000), (i) => kv.get(`dedupe:x:${i}`).then(() => kv.setIfAbsent(`dedupe:x:${i}`, "1", 60_000)), true));
    let cursor = 0;
    const nextEvent = () => events[cursor++];
    steps.push(await measure("MariaDB: INSERT inbound_events via TypeORM (insertPending)", N(5_000), () => insertPending(db as Database, nextEvent(), new Date(), new Date()), true));
    const raw = createPool({ uri: server.toString(), connectionLimit: 10, timezone: "Z", charset: "utf8mb4_unicode_ci" });
    steps.push(
      await measure("MariaDB: the same INSERT, mysql2 pool directly", N(5_000), () => {
        const e = nextEvent();
        return raw.execute(
          "INSERT INTO inbound_events (channel, event_key, kind, sender_id, payload, status, attempts, received_at, processed_at, next_attempt_at, last_error) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, NULL, ?, NULL)",
          [e.channel, e.eventId, e.kind, e.senderId, JSON.stringify(e), new Date(), new Date()],
        );
      }, true),
    );
    let claimed = 0;
    steps.push(
      await measure("MariaDB: claim + finish UPDATEs via TypeORM (the dispatch)", N(2_500), async () => {
        const e = events[claimed++];
        await claim(db as Database, e, { status: "pending", attempts: 0 }, new Date());
        await finish(db as Database, e, 1, { status: "done", at: new Date() });
      }, true),
    );
    await raw.end();
    const inbox = new InboxService({ db, kv, clock: systemClock, log, handler: { handle: async () => undefined } });
    // Batched: the 50 callbacks in flight share the kv reads and INSERTs, the marks and done-UPDATEs are lazy.
    steps.push(await measure("InboxService.accept (batched INSERT IGNORE; no kv on MariaDB)", N(5_000), () => inbox.accept(nextEvent()), true, () => inbox.drain()));
    steps.push(
      await measure(
        "InboxService.accept + dispatch (+ no-op handler, done-UPDATE)",
        N(2_500),
        async () => {
          const e = nextEvent();
          if ((await inbox.accept(e)) === "new") inbox.dispatchSoon(e);
        },
        true,
        () => inbox.drain(),
      ),
    );
    if (cursor > pool.size) throw new Error("breakdown ran out of distinct events");
    process.stdout.write(`\n${table(["step", "CPU µs per op", "op/s alone"], steps.map((s) => [s.name, fmt(s.cpuUs, 1), fmt((s.n / s.wallMs) * 1000)]))}\n`);
  } finally {
    await db?.close();
    await kv.close();
    await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await admin.end();
    await removeKeys(redisUrl, `as:bench:${tag}:`);
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
