import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";

// The shell embeds ui/dist at compile time and serves it over Tauri's custom protocol, so the build must be
// self-contained: relative asset URLs, no CDN, fonts bundled from @fontsource.
export default defineConfig({
  // svelteTesting() only acts under vitest: browser resolve conditions for components, cleanup after each test.
  plugins: [svelte(), svelteTesting()],
  base: "./",
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK 2.40+ (Debian 12) and WebView2 both run ES2022.
    target: "es2022",
    sourcemap: false,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    testTimeout: 10_000,
  },
});
