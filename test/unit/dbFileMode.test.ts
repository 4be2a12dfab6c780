import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDataSource } from "../../src/db/dataSource";

describe("the SQLite database file", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "anshao-dbmode-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const modeOf = (path: string) => statSync(path).mode & 0o777;

  it("is created readable by the server's user only, like the tip key, and so are its -wal and -shm", async () => {
    const path = join(dir, "data", "anshao.db");
    const previous = process.umask(0o022);
    try {
      const ds = await openDataSource({ db: { kind: "sqlite", path } }, { migrate: false, entities: [] });
      try {
        await ds.query("CREATE TABLE t (x INTEGER)");
        await ds.query("INSERT INTO t VALUES (1)");
        expect(modeOf(path)).toBe(0o600);
        expect(modeOf(`${path}-wal`)).toBe(0o600);
        expect(modeOf(`${path}-shm`)).toBe(0o600);
      } finally {
        await ds.destroy();
      }
    } finally {
      process.umask(previous);
    }
  });

  it("is tightened to 0600 when an existing file was made world-readable", async () => {
    const path = join(dir, "old.db");
    writeFileSync(path, "", { mode: 0o644 });
    const ds = await openDataSource({ db: { kind: "sqlite", path } }, { migrate: false, entities: [] });
    await ds.destroy();
    expect(modeOf(path)).toBe(0o600);
  });
});
