import { mkdtempSync, rmSync, statSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/app";
import { ManualClock } from "../../src/clock";
import type { Config } from "../../src/config";
import { Person } from "../../src/db/entities";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { createLogger } from "../../src/log";
import { buildServices, type Services } from "../../src/services";
import type { BoardView } from "../../src/web/boardView";
import { backend, dropTestDatabase, testConfig } from "../support/backend";
import { draft } from "../support/calloutHarness";

/** One build of the product on `config`, listening on a random port, as a start of the process would make it. */
async function boot(config: Config, clock: ManualClock): Promise<{ services: Services; base: string; stop(): Promise<void> }> {
  const log = createLogger({ level: "silent" });
  const services = await buildServices(config, log, clock);
  const server: Server = createApp({ config, log, db: services.db, kv: services.kv, routers: services.routers }).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return {
    services,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      await new Promise((r) => server.close(r));
      await services.close();
    },
  };
}

// The board link's key outlives the process: in the embedded mode a key file beside the SQLite
// database, with DATABASE_URL the BOARD_LINK_SECRET every instance shares.
describe(`叫应 board links across a restart (${backend()})`, () => {
  const dir = mkdtempSync(join(tmpdir(), "anshao-board-key-"));
  const clock = new ManualClock("2026-07-01T02:00:00Z");
  let config: Config;

  beforeAll(async () => {
    config = await testConfig(backend() === "embedded" ? { SQLITE_PATH: join(dir, "data", "anshao.sqlite"), MEDIA_DIR: join(dir, "media") } : { MEDIA_DIR: join(dir, "media") });
  });
  afterAll(async () => {
    await dropTestDatabase(config);
    rmSync(dir, { recursive: true, force: true });
  });

  it("opens a board from a link made before the restart, and refuses it under another key", async () => {
    const first = await boot(config, clock);
    let path: string;
    try {
      await loadDemo(first.services.db, clock);
      const zhao = await first.services.db.manager.findOneByOrFail(Person, { name: "赵磊" });
      const token = (await issueApiToken(first.services.db, clock, zhao.mobile, "值班")).token;
      const callout = await first.services.callouts.create(zhao, draft({ title: "重启前的叫应" }));
      const res = await fetch(`${first.base}/api/callouts/${callout.id}/board-link`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      path = ((await res.json()) as { data: { path: string } }).data.path;
    } finally {
      await first.stop();
    }
    if (backend() === "embedded") expect(statSync(join(dir, "data", "board-link.key")).mode & 0o777).toBe(0o600);

    clock.advance(10 * 60_000);
    const second = await boot(config, clock);
    try {
      expect((await fetch(`${second.base}${path}`)).status).toBe(200);
      const data = await fetch(`${second.base}${path.replace("/callouts/", "/api/callouts/")}`);
      expect(data.status).toBe(200);
      expect(((await data.json()) as { data: BoardView }).data.title).toBe("重启前的叫应");
    } finally {
      await second.stop();
    }

    // The same database under another key: the link is refused, so the key above is what carried it.
    const other = await boot({ ...config, callouts: { ...config.callouts, boardLinkSecret: "another-board-link-secret-0123456789abcdef" } }, clock);
    try {
      expect((await fetch(`${other.base}${path}`)).status).toBe(401);
    } finally {
      await other.stop();
    }
  }, 60_000);
});
