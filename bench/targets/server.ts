import type { Server } from "node:http";
import type Koa from "koa";
import { helloApp } from "./hello";
import { minimalApp } from "./minimal";
import { peerApp } from "./peer";
import { startFull } from "./full";

/**
 * One benchmark target in a process of its own (forked by bench/callbacks.ts with an IPC channel):
 * `node server.js hello|minimal|peer|full|unbatched|route`. It listens on 127.0.0.1 on a free port, reports
 * `{ ready: port }`, and stops on "stop" or when the parent goes away.
 */

export interface BenchApp {
  corpId: string;
  token: string;
  encodingAesKey: string;
}

export type TargetName = "hello" | "minimal" | "peer" | "full" | "unbatched" | "route";

function benchApp(): BenchApp {
  const { WECOM_CORP_ID: corpId, WECOM_TOKEN: token, WECOM_ENCODING_AES_KEY: encodingAesKey } = process.env;
  if (!corpId || !token || !encodingAesKey) throw new Error("WECOM_CORP_ID, WECOM_TOKEN and WECOM_ENCODING_AES_KEY must be set");
  return { corpId, token, encodingAesKey };
}

function listen(app: Koa): Promise<{ port: number; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve({
        port: typeof address === "object" && address ? address.port : 0,
        stop: () => {
          server.closeAllConnections();
          return new Promise<void>((done) => server.close(() => done()));
        },
      });
    });
    server.on("error", reject);
  });
}

async function main(): Promise<void> {
  const target = process.argv[2] as TargetName;
  const running =
    target === "hello"
      ? await listen(helloApp())
      : target === "minimal"
        ? await listen(minimalApp(benchApp()))
        : target === "peer"
          ? await listen(peerApp(benchApp()))
          : target === "full" || target === "unbatched" || target === "route"
            ? await startFull(target)
            : undefined;
  if (!running) throw new Error(`unknown target ${target}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // A plain exit (not a signal) so `--cpu-prof` gets to write its profile.
    const force = setTimeout(() => process.exit(0), 10_000);
    force.unref();
    running.stop().finally(() => process.exit(0));
  };
  process.on("message", (m) => {
    if (m === "stop") stop();
  });
  process.on("disconnect", stop);
  process.send?.({ ready: running.port });
}

main().catch((err: Error) => {
  process.stderr.write(`bench target ${process.argv[2]} failed to start: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
