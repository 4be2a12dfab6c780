import type { Server } from "node:http";
import { createApp } from "../../src/app";
import type { InboundSink } from "../../src/channels/channel";
import { wecomCallbackRouter } from "../../src/channels/wecom/callback";
import { systemClock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import { openDataSource } from "../../src/db/dataSource";
import { entities } from "../../src/features";
import { Database } from "../../src/db/Database";
import { type InboundHandler, InboxService } from "../../src/domain/inbox";
import { openKv } from "../../src/kv";
import { createLogger } from "../../src/log";

/** D and its diagnostics: the same app and route, with a different inbox behind them. */
export type FullVariant = "full" | "unbatched" | "route";

/**
 * D. Anshao's callback path as the server wires it: createApp (request id and log line, error
 * handler, body reader, routers) with the WeChat Work router and the real InboxService on MariaDB +
 * Redis — verify, decrypt, parse, de-duplicate and store (on MariaDB one `INSERT IGNORE … RETURNING`
 * of the row already claimed, which is also the duplicate check: no kv read or mark), answer, then
 * the dispatch after the answer (handler, done-UPDATE). The
 * callbacks that arrive together share one INSERT, and the dispatches that end together one UPDATE.
 * The handler does nothing: what the bot does with a message is not the callback path (and must
 * not send anything anywhere from a benchmark).
 *
 * Diagnostics, only with `--only`: `unbatched` is D with `batching: false` (one INSERT and one
 * UPDATE per callback, as before the batching landed; the kv reads and marks stay batched), `route`
 * is D with the inbox stubbed (what the app and the route cost without any storage).
 * The environment (bench database, Redis prefix, WECOM_* of the bench app) comes from the parent.
 */
export async function startFull(variant: FullVariant = "full"): Promise<{ port: number; stop(): Promise<void> }> {
  const config = loadConfig(process.env);
  const log = createLogger({ level: config.log.level });
  // The parent created and migrated the bench database.
  const db = new Database(await openDataSource(config, { migrate: false, entities }));
  const kv = await openKv(config);
  const handler: InboundHandler = { handle: async () => undefined };
  const inbox = new InboxService({ db, kv, clock: systemClock, log: log.child({ area: "inbox" }), handler, batching: variant !== "unbatched" });
  const sink: InboundSink = variant === "route" ? { accept: async () => "new", dispatchSoon: () => undefined } : inbox;
  const wecom = wecomCallbackRouter({ settings: config.wecom, sink, clock: systemClock });
  const app = createApp({ config, log, db, kv, routers: [wecom] });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.http.port, config.http.host, () => resolve(s)).on("error", reject);
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await inbox.drain();
      await kv.close();
      await db.close();
    },
  };
}
