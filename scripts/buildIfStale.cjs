#!/usr/bin/env node
// Runs the TypeScript build only when a source is newer than the last build, so `npm run token`
// and the other commands start in well under a second when nothing changed (a build takes ≈15 s).
"use strict";
const { execFileSync } = require("node:child_process");
const { existsSync, readdirSync, statSync, utimesSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
const stamp = join(root, "dist", ".build-stamp");
const INPUTS = ["src", "bots", "jobs", "migrations", "ormconfig.ts", "tsconfig.json", "tsconfig.build.json", "package.json", "package-lock.json"];

/** The newest modification time under `path` (TypeScript sources and the build's settings). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs; // a deleted file shows as a newer directory
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory() || /\.(ts|json)$/.test(entry.name)) latest = Math.max(latest, newest(join(path, entry.name)));
  }
  return latest;
}

const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const changedAt = Math.max(...INPUTS.map((p) => newest(join(root, p))));
if (builtAt > changedAt && existsSync(join(root, "dist", "src"))) process.exit(0);

const startedAt = Date.now();
process.stderr.write("源代码有更新，正在编译（约 15 秒）…\n");
try {
  execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
} catch {
  process.stderr.write("编译失败，请先修正上面列出的错误。\n");
  process.exit(1);
}
// Stamped with the build's start: a source saved during the build makes the next run build again.
writeFileSync(stamp, "");
utimesSync(stamp, new Date(startedAt), new Date(startedAt));
