import { loadConfig } from "../config";
import { openDataSource } from "../db/dataSource";
import { entities } from "../features";
import { runCli } from "./runCli";

/** `npm run migrate`: brings the configured database's schema up to date and lists what ran. */
runCli(async () => {
  const config = loadConfig();
  const dataSource = await openDataSource(config, { migrate: false, entities });
  try {
    const ran = await dataSource.runMigrations({ transaction: "each" });
    console.log(ran.length === 0 ? "数据库结构已是最新。" : `已执行 ${ran.length} 个迁移：\n${ran.map((m) => `  - ${m.name}`).join("\n")}`);
  } finally {
    await dataSource.destroy();
  }
});
