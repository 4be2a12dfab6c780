import { execFileSync } from "node:child_process";
import { join } from "node:path";

/** The repository, and where the cluster's processes are built to (ignored by git, like the startup test's build). */
export const ROOT = join(__dirname, "../..");
export const BUILD_DIR = join(ROOT, ".test-build", "cluster");
export const SERVER_JS = join(BUILD_DIR, "src", "server.js");

/**
 * Jest's globalSetup for the cluster project: the processes run what an operator runs — the tsc
 * build started with node — so it is built once per test run, inside the repository (page files
 * and node_modules are found by walking up from the build, as from dist/).
 */
export default function buildOnce(): void {
  execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", BUILD_DIR], { cwd: ROOT, stdio: "inherit" });
}
