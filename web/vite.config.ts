// Two single-page apps from one build: the citizen site at / and the staff console at /console/.
import { resolve } from "node:path";
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [vue()],
  // No inline script or style in the output: the site's Content Security Policy allows only 'self'.
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: { citizen: resolve(import.meta.dirname, "index.html"), console: resolve(import.meta.dirname, "console/index.html") },
    },
  },
  server: { proxy: { "/v1": "http://127.0.0.1:3000", "/config.json": "http://127.0.0.1:3000" } },
});
