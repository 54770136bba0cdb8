import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The app loads nothing from the network: everything is bundled into dist/.
export default defineConfig({
  root: ".",
  base: "./",
  plugins: [svelte()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Tauri's strict CSP forbids inline scripts and styles: keep CSS in files.
    cssCodeSplit: false,
  },
  // `svelte` resolves to its browser build under Vitest too.
  resolve: process.env.VITEST ? { conditions: ["browser"] } : undefined,
  test: {
    environment: "jsdom",
    include: ["test/**/*.test.ts"],
  },
});
