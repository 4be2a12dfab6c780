import { loadConfig } from "../../src/config";
import { createLogger } from "../../src/log";
import { startServer } from "../../src/server";

/**
 * The product as `npm start` runs it (startServer: HTTP, outbox worker, jobs), in a process of its
 * own, forked by bench/callouts.ts with an IPC channel. Reports `{ ready: port }`, then its memory
 * every `MEM_SAMPLE_MS`; on "gc" collects garbage (node --expose-gc) and reports once more; stops
 * on "stop" or when the parent goes away. Its environment (bench database, Redis prefix, the fake
 * WeChat Work's address) comes from the parent.
 */

const MEM_SAMPLE_MS = 200;

type Gc = () => void;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger({ level: config.log.level });
  const running = await startServer(config, log);
  const sample = (tag?: string) => {
    const m = process.memoryUsage();
    process.send?.({ mem: { t: Date.now(), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, tag } });
  };
  const timer = setInterval(() => sample(), MEM_SAMPLE_MS);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    const force = setTimeout(() => process.exit(0), 15_000);
    force.unref();
    void running.stop().finally(() => process.exit(0));
  };
  process.on("message", (m) => {
    if (m === "gc") {
      (globalThis as { gc?: Gc }).gc?.();
      sample("after-gc");
    }
    if (m === "stop") stop();
  });
  process.on("disconnect", stop);
  sample("ready");
  process.send?.({ ready: Number(new URL(running.url).port) });
}

main().catch((err: Error) => {
  process.stderr.write(`callout bench server failed to start: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
