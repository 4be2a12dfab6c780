import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { backend, dropTestDatabase, TEST_BOARD_LINK_SECRET, TEST_TIP_KEY, testConfig } from "../support/backend";

// The process as an operator runs it: built with tsc, started with node, stopped with SIGTERM.
const root = join(__dirname, "../..");
const outDir = join(root, ".test-build", backend());

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, [join(outDir, "src/server.js")], { cwd: root, env: { PATH: process.env.PATH ?? "", ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<Run>((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
  return { child, exited, output: () => stdout };
}

async function waitForUrl(output: () => string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /"url":"(http:\/\/[^"]+)"/.exec(output());
    if (match) return match[1] as string;
    await sleep(100);
  }
  throw new Error(`server did not start:\n${output()}`);
}

describe(`starting and stopping the server (${backend()})`, () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", outDir], { cwd: root });
  }, 120_000);

  it("starts on a fresh machine, answers /readyz, and stops cleanly on SIGTERM", async () => {
    const config = await testConfig();
    const dir = mkdtempSync(join(tmpdir(), "anshao-start-"));
    const env: Record<string, string> =
      config.db.kind === "mysql" && config.kv.kind === "redis"
        ? { DATABASE_URL: config.db.url, REDIS_URL: config.kv.url, KV_PREFIX: config.kv.prefix, TIP_IDENTITY_KEY: TEST_TIP_KEY, BOARD_LINK_SECRET: TEST_BOARD_LINK_SECRET }
        : { SQLITE_PATH: join(dir, "data/anshao.sqlite") };
    const server = start({ ...env, DEMO: "1", PORT: "0", HOST: "127.0.0.1", MEDIA_DIR: join(dir, "media") });
    try {
      const url = await waitForUrl(server.output);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      // The demo county is there for a newcomer to see.
      expect(await (await fetch(`${url}/`)).text()).toContain("安哨 正在运行");
      const home = (await (await fetch(`${url}/api/home`)).json()) as { data: { activePeople: number } };
      expect(home.data.activePeople).toBeGreaterThanOrEqual(50);
      server.child.kill("SIGTERM");
      const run = await server.exited;
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('"msg":"stopped"');
      // One line in Chinese says where to look (the console is on in the embedded mode only).
      expect(run.stderr).toContain(`安哨已启动：首页 ${url}/`);
      expect(run.stderr.includes(`模拟聊天控制台 ${url}/console`)).toBe(config.db.kind === "sqlite");
    } finally {
      server.child.kill("SIGKILL");
      await dropTestDatabase(config);
    }
  }, 60_000);

  it("listens on loopback in the embedded mode, and warns when HOST opens the sign-in-free console beyond it", async () => {
    const warning = "the console needs no sign-in and listens beyond this machine";
    for (const [host, listens, warned] of [[undefined, "127.0.0.1", false], ["0.0.0.0", "0.0.0.0", true]] as const) {
      const dir = mkdtempSync(join(tmpdir(), "anshao-host-"));
      const server = start({ SQLITE_PATH: join(dir, "anshao.sqlite"), MEDIA_DIR: join(dir, "media"), DEMO: "0", PORT: "0", ...(host ? { HOST: host } : {}) });
      try {
        await waitForUrl(server.output);
        expect(server.output()).toContain(`"host":"${listens}"`);
        expect(server.output().includes(warning)).toBe(warned);
        server.child.kill("SIGTERM");
        expect((await server.exited).code).toBe(0);
      } finally {
        server.child.kill("SIGKILL");
      }
    }
  }, 60_000);

  it("refuses to start with bad settings, listing every problem", async () => {
    const run = await start({ PORT: "eighty", DATABASE_URL: "postgres://db/anshao" }).exited;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("配置有误（2 处）");
    expect(run.stderr).toContain("PORT");
    expect(run.stderr).toContain("DATABASE_URL");
  });

  it("exits non-zero naming DATABASE_URL when MySQL cannot be reached", async () => {
    const run = await start({ DATABASE_URL: "mysql://root:pw@127.0.0.1:1/anshao", TIP_IDENTITY_KEY: TEST_TIP_KEY, BOARD_LINK_SECRET: TEST_BOARD_LINK_SECRET }).exited;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("无法连接数据库（DATABASE_URL=mysql://root:***@127.0.0.1:1/anshao）");
  });

  it("exits non-zero naming REDIS_URL when Redis cannot be reached", async () => {
    const dir = mkdtempSync(join(tmpdir(), "anshao-redis-"));
    const run = await start({ SQLITE_PATH: join(dir, "a.sqlite"), REDIS_URL: "redis://127.0.0.1:1" }).exited;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("无法连接 Redis（REDIS_URL）");
  });

  it("refuses a corrupt SQLite file with a clear message and leaves the file as it was", async () => {
    const dir = mkdtempSync(join(tmpdir(), "anshao-corrupt-"));
    const file = join(dir, "anshao.sqlite");
    const garbage = Buffer.from("这不是数据库文件 — not a database at all ".repeat(200));
    writeFileSync(file, garbage);
    const run = await start({ SQLITE_PATH: file, PORT: "0" }).exited;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("SQLite 数据库文件已损坏或不是数据库文件");
    expect(readFileSync(file).equals(garbage)).toBe(true);
  });

  describe("log lines, which are buffered for speed", () => {
    /** Runs a few lines of node against the built logger and returns what reached stdout. */
    function runWithLogger(body: string): Run {
      const script = `const { createLogger } = require(${JSON.stringify(join(outDir, "src/log.js"))}); const log = createLogger({ level: "info" }); ${body}`;
      try {
        return { code: 0, stdout: execFileSync(process.execPath, ["-e", script], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }), stderr: "" };
      } catch (err) {
        const e = err as { status: number | null; stdout: string; stderr: string };
        return { code: e.status, stdout: e.stdout, stderr: e.stderr };
      }
    }

    it("still reach stdout when the process exits at once", () => {
      const run = runWithLogger(`log.info({ step: 1 }, "first"); log.warn("second"); process.exit(3);`);
      expect(run.code).toBe(3);
      expect(run.stdout.trim().split("\n").map((l) => JSON.parse(l).msg)).toEqual(["first", "second"]);
    });

    it("still reach stdout when the process dies of an uncaught exception", () => {
      const run = runWithLogger(`log.error("before the crash"); setImmediate(() => { throw new Error("boom"); });`);
      expect(run.code).not.toBe(0);
      expect(run.stdout).toContain('"msg":"before the crash"');
    });

    it("reach stdout while a quiet process keeps running, before it ever exits", async () => {
      const script = `const { createLogger } = require(${JSON.stringify(join(outDir, "src/log.js"))}); createLogger({ level: "info" }).info("quiet"); setInterval(() => {}, 1000);`;
      const child = spawn(process.execPath, ["-e", script]);
      let stdout = "";
      child.stdout.on("data", (d) => (stdout += d));
      // Only the periodic flush can bring the line out: the process is then killed outright, which skips the exit flush.
      while (!stdout.includes('"msg":"quiet"')) await sleep(50);
      child.kill("SIGKILL");
      expect(JSON.parse(stdout.trim()).msg).toBe("quiet");
    });
  });
});
