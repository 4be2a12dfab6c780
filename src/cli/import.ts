import { readFileSync } from "node:fs";
import { systemClock } from "../clock";
import { loadConfig } from "../config";
import { openDataSource } from "../db/dataSource";
import { entities } from "../features";
import { Database } from "../db/Database";
import { checkDirectoryFiles, type DirectoryFile, formatSummary, importDirectoryFiles } from "../domain/directory";
import { type FieldProblem, Invalid } from "../errors";
import { runCli } from "./runCli";

const USAGE = "用法：npm run import -- 文件.xlsx [更多文件.csv …]\n  --check  只检查文件，不写入数据库";

/**
 * `npm run import -- FILE.xlsx [more.csv …]`: loads units, people and enterprises, all files in
 * one transaction. With any problem it prints every one of them and exits 1 having written nothing.
 */
runCli(async () => {
  const args = process.argv.slice(2);
  const options = args.filter((a) => a.startsWith("--"));
  const paths = args.filter((a) => !a.startsWith("--"));
  const unknown = options.filter((o) => o !== "--check");
  if (paths.length === 0 || unknown.length > 0) {
    throw Invalid(unknown.length > 0 ? `未知的选项：${unknown.join("、")}\n${USAGE}` : USAGE, undefined, "usage");
  }
  const files = readFiles(paths);
  const db = new Database(await openDataSource(loadConfig(), { migrate: true, entities }));
  try {
    if (options.includes("--check")) {
      const problems = await checkDirectoryFiles(db, files);
      if (problems.length > 0) throw Invalid(`导入文件有 ${problems.length} 处问题`, problems, "import_invalid");
      console.log("检查通过：文件可以导入（未写入数据库）。");
      return;
    }
    const summary = await importDirectoryFiles(db, systemClock, files);
    const changed = Object.values(summary).some((c) => c.created + c.updated > 0);
    console.log(`导入完成：\n${formatSummary(summary)}${changed ? "" : "\n与系统中的数据一致，没有改动。"}`);
  } finally {
    await db.close();
  }
});

/** Every file that cannot be read is reported at once, before the database is opened. */
function readFiles(paths: string[]): DirectoryFile[] {
  const files: DirectoryFile[] = [];
  const problems: FieldProblem[] = [];
  for (const path of paths) {
    try {
      files.push({ name: path, content: readFileSync(path) });
    } catch (err) {
      const code = (err as { code?: string }).code;
      problems.push({ where: path, message: code === "ENOENT" ? "文件不存在" : code === "EISDIR" ? "这是一个目录，不是文件" : "无法读取该文件" });
    }
  }
  if (problems.length > 0) throw Invalid(`有 ${problems.length} 个文件无法读取，未写入任何数据`, problems, "import_invalid");
  return files;
}
