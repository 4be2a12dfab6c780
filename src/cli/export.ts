import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { loadConfig } from "../config";
import { openDataSource } from "../db/dataSource";
import { entities } from "../features";
import { Database } from "../db/Database";
import { directoryTemplate, exportDirectory } from "../domain/directory";
import { Invalid } from "../errors";
import { runCli } from "./runCli";

const USAGE = "用法：npm run export -- 输出.xlsx\n  --template  只生成空白导入模板（含示例行），不读数据库";

/**
 * `npm run export -- OUT.xlsx`: writes the directory as an import workbook. With `--template`
 * it writes the template instead (this is how docs/directory-template.xlsx is made).
 */
runCli(async () => {
  const args = process.argv.slice(2);
  const template = args.includes("--template");
  const paths = args.filter((a) => !a.startsWith("--"));
  const unknown = args.filter((a) => a.startsWith("--") && a !== "--template");
  const out = paths[0];
  if (out === undefined || paths.length > 1 || unknown.length > 0 || !out.toLowerCase().endsWith(".xlsx")) throw Invalid(USAGE, undefined, "usage");
  mkdirSync(dirname(resolve(out)), { recursive: true });
  if (template) {
    writeFileSync(out, await directoryTemplate());
    console.log(`已生成导入模板：${out}`);
    return;
  }
  const db = new Database(await openDataSource(loadConfig(), { migrate: true, entities }));
  try {
    const { content, counts } = await exportDirectory(db);
    writeFileSync(out, content);
    console.log(`已导出 单位 ${counts.units} 个、人员 ${counts.people} 人、企业 ${counts.enterprises} 家：${out}`);
  } finally {
    await db.close();
  }
});
