import type { Server } from "node:http";
import { DataSource } from "typeorm";
import { createApp } from "../../src/app";
import type { InboundEvent } from "../../src/channels/channel";
import { type InboundSink, wecomCallbackRouter } from "../../src/channels/wecom/callback";
import { systemClock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import { buildDataSourceOptions } from "../../src/db/dataSource";
import { Database } from "../../src/db/Database";
import { isDuplicateKeyError } from "../../src/db/dialect";
import { openKv, type KeyValue } from "../../src/kv";
import { createLogger } from "../../src/log";

/**
 * Diagnostic targets, not part of the default run (`--only …,route,lean,batched`). Each is the
 * full path (createApp + the WeChat Work router, same logging, same parsing) with a different sink:
 *
 * - route:   the sink stores nothing — what the app and the route cost without storage.
 * - lean:    a PROTOTYPE of proposed src changes, one row per request: kv GET, one raw INSERT
 *            that already claims the row (status processing, attempt 1, lease), kv SET NX; after
 *            the answer the handler and one raw UPDATE to done. mysql2 `trace` off.
 * - batched: lean, plus the INSERTs of requests that arrive in the same turn of the event loop go
 *            to MariaDB as one multi-row `INSERT IGNORE … RETURNING` (each request still waits
 *            for its row to be committed), and the done-UPDATEs are batched the same way.
 *
 * The prototypes keep the inbox's contract (stored before the answer; duplicates decided by the
 * unique key; a crash after the answer leaves a processing row whose lease the redrive takes
 * over) but not all of its code paths (no failure back-off here). They exist to size the
 * proposal in bench/README.md; delete them once src/ has the real thing.
 */

export type PrototypeName = "route" | "lean" | "batched";

const DEDUPE_TTL_MS = 24 * 3600_000;
const LEASE_MS = 60_000;
const COLUMNS = "channel, event_key, kind, sender_id, payload, status, attempts, received_at, processed_at, next_attempt_at, last_error";
const MAX_BATCH = 100;

export async function startPrototype(name: PrototypeName): Promise<{ port: number; stop(): Promise<void> }> {
  const config = loadConfig(process.env);
  const log = createLogger({ level: config.log.level });
  if (config.db.kind !== "mysql") throw new Error("prototypes need DATABASE_URL");
  const options = buildDataSourceOptions(config, "mariadb");
  const dataSource = new DataSource({ ...options, extra: { ...(options as { extra?: object }).extra, trace: false } } as typeof options);
  await dataSource.initialize();
  const db = new Database(dataSource);
  const kv = await openKv(config);
  const handler = { handle: async (_event: InboundEvent) => undefined };
  const sink: InboundSink =
    name === "route" ? { accept: async () => "new", dispatchSoon: () => undefined } : name === "lean" ? leanSink(dataSource, kv, handler) : batchedSink(dataSource, kv, handler);
  const wecom = wecomCallbackRouter({ settings: config.wecom, sink, clock: systemClock });
  const app = createApp({ config, log, db, kv, routers: [wecom] });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s)).on("error", reject);
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await new Promise((done) => setTimeout(done, 200));
      await kv.close();
      await db.close();
    },
  };
}

function rowValues(event: InboundEvent, now: Date): unknown[] {
  return [event.channel, event.eventId, event.kind, event.senderId, JSON.stringify(event), "processing", 1, now, null, new Date(now.getTime() + LEASE_MS), null];
}

const markOf = (event: InboundEvent) => `dedupe:${event.channel}:${event.eventId}`;

async function seen(kv: KeyValue, event: InboundEvent): Promise<boolean> {
  try {
    return (await kv.get(markOf(event))) !== null;
  } catch {
    return false;
  }
}

async function mark(kv: KeyValue, event: InboundEvent): Promise<void> {
  await kv.setIfAbsent(markOf(event), "1", DEDUPE_TTL_MS).catch(() => undefined);
}

function leanSink(ds: DataSource, kv: KeyValue, handler: { handle(e: InboundEvent): Promise<void> }): InboundSink {
  const insert = `INSERT INTO inbound_events (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
  const done = "UPDATE inbound_events SET status = 'done', processed_at = ?, next_attempt_at = NULL WHERE channel = ? AND event_key = ? AND status = 'processing' AND attempts = 1";
  return {
    async accept(event) {
      if (await seen(kv, event)) return "duplicate";
      try {
        await ds.manager.query(insert, rowValues(event, new Date()));
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        await mark(kv, event);
        return "duplicate";
      }
      await mark(kv, event);
      return "new";
    },
    dispatchSoon(event) {
      setImmediate(() => {
        handler
          .handle(event)
          .then(() => ds.manager.query(done, [new Date(), event.channel, event.eventId]))
          .catch(() => undefined); // the redrive takes over when the lease runs out
      });
    },
  };
}

/** Collects items for one turn of the event loop (or up to MAX_BATCH) and runs them as one statement. */
class Batcher<T, R> {
  private queue: { item: T; resolve(r: R): void; reject(e: unknown): void }[] = [];
  private scheduled = false;

  constructor(private readonly run: (items: T[]) => Promise<R[]>) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= MAX_BATCH) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    this.run(batch.map((b) => b.item)).then(
      (results) => batch.forEach((b, i) => b.resolve(results[i])),
      (err) => batch.forEach((b) => b.reject(err)),
    );
  }
}

function batchedSink(ds: DataSource, kv: KeyValue, handler: { handle(e: InboundEvent): Promise<void> }): InboundSink {
  const ids = new Map<string, number>();
  // MariaDB returns only the rows it inserted: a key already stored (or twice in one batch) is a duplicate.
  const inserts = new Batcher<InboundEvent, boolean>(async (events) => {
    const now = new Date();
    const sql = `INSERT IGNORE INTO inbound_events (${COLUMNS}) VALUES ${events.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")} RETURNING id, event_key`;
    const rows = (await ds.manager.query(sql, events.flatMap((e) => rowValues(e, now)))) as { id: number; event_key: string }[];
    const inserted = new Map(rows.map((r) => [r.event_key, Number(r.id)]));
    return events.map((e) => {
      const id = inserted.get(e.eventId);
      if (id === undefined) return false;
      inserted.delete(e.eventId); // a second copy in the same batch is a duplicate
      ids.set(`${e.channel}:${e.eventId}`, id);
      return true;
    });
  });
  const finishes = new Batcher<number, void>(async (rowIds) => {
    await ds.manager.query(
      `UPDATE inbound_events SET status = 'done', processed_at = ?, next_attempt_at = NULL WHERE id IN (${rowIds.map(() => "?").join(", ")}) AND status = 'processing' AND attempts = 1`,
      [new Date(), ...rowIds],
    );
    return rowIds.map(() => undefined);
  });
  return {
    async accept(event) {
      if (await seen(kv, event)) return "duplicate";
      const isNew = await inserts.add(event);
      await mark(kv, event);
      return isNew ? "new" : "duplicate";
    },
    dispatchSoon(event) {
      const key = `${event.channel}:${event.eventId}`;
      const id = ids.get(key);
      ids.delete(key);
      if (id === undefined) return;
      setImmediate(() => {
        handler
          .handle(event)
          .then(() => finishes.add(id))
          .catch(() => undefined);
      });
    },
  };
}
