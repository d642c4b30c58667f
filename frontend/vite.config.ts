import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// In `npm run dev` the API and the chat socket come from a running gateway (make run).
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/api": "http://localhost:8080",
      "/ws": { target: "ws://localhost:8080", ws: true },
    },
  },
  // Monaco is one large lazy chunk by design; the first-load budget is checked by scripts/postbuild.mjs.
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 4096 },
  test: { environment: "jsdom" },
});
