import { systemClock } from "../clock";
import { loadConfig } from "../config";
import { openDataSource } from "../db/dataSource";
import { entities } from "../features";
import { Database } from "../db/Database";
import { loadDemo } from "../domain/demo/loadDemo";
import { formatSummary } from "../domain/directory";
import { runCli } from "./runCli";

/** `npm run demo`: loads the demo county 青禾县 into the configured database; running it again changes nothing. */
runCli(async () => {
  const db = new Database(await openDataSource(loadConfig(), { migrate: true, entities }));
  try {
    const { units, people, enterprises, summary } = await loadDemo(db, systemClock);
    const changed = summary !== null && Object.values(summary).some((c) => c.created + c.updated > 0);
    const head = changed ? "演示数据（青禾县）已载入" : "演示数据（青禾县）已在库中，没有改动";
    console.log(`${head}：单位 ${units} 个、人员 ${people} 人、企业 ${enterprises} 家。${summary ? `\n${formatSummary(summary)}` : ""}`);
  } finally {
    await db.close();
  }
});
