import { migrations } from "../../migrations";
import { Cluster } from "./cluster";
import { TEST_MS, withLogs } from "./support";

/**
 * A fleet started together on an empty database — as every instance restarts at once after an
 * upgrade that brings migrations: each process migrates the schema itself and none may fail.
 */
describe("three instances starting together on an empty database", () => {
  let cluster: Cluster | undefined;
  afterAll(async () => {
    await cluster?.close();
  });

  it(
    "all three start and serve, on a schema migrated once",
    withLogs(
      () => cluster,
      async () => {
        cluster = await Cluster.start({ fresh: true });
        expect(cluster.live).toHaveLength(3);
        for (const i of cluster.live) expect((await fetch(`${i.url}/readyz`)).status).toBe(200);
        // Every migration recorded once; the test's own pool found nothing left to migrate.
        const runs = (await cluster.db.manager.query("SELECT name FROM migrations")) as { name: string }[];
        expect(runs.length).toBe(migrations.length);
        expect(new Set(runs.map((r) => r.name)).size).toBe(runs.length);
      },
    ),
    TEST_MS,
  );
});
