// The admin console (Vue 3 + Element Plus + ECharts), built into dist/admin and served by Koa at /admin/.
// Everything is bundled locally: no CDN, the console works on a closed government network.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  base: "/admin/",
  plugins: [vue()],
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../dist/admin", import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
  },
});
