// Builds the admin console with Vite unless dist/admin is newer than every file under admin/
// (so `npm start` and every CLI script that builds first do not pay for Vite each time).
// `--force` always builds.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const stamp = fileURLToPath(new URL("../dist/admin/index.html", import.meta.url));

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

if (!process.argv.includes("--force") && existsSync(stamp) && statSync(stamp).mtimeMs >= newest(here)) process.exit(0);
const { build } = await import("vite");
await build({ configFile: join(here, "vite.config.mjs") });
