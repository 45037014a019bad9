import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Built into the Django app's static folder; Django serves index.html at `/`, WhiteNoise the assets.
export default defineConfig({
  plugins: [react()],
  base: "/static/frontend/editor/",
  build: {
    outDir: "../static/frontend/editor",
    emptyOutDir: true,
    // elk (the auto layout) is its own chunk, loaded on first use; the editor's own chunk stays small.
    chunkSizeWarningLimit: 1600,
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
