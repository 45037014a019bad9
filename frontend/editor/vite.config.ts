import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Built into the Django app's static folder; Django serves index.html at `/`, WhiteNoise the assets.
export default defineConfig({
  plugins: [react()],
  base: "/static/frontend/editor/",
  build: {
    outDir: "../static/frontend/editor",
    emptyOutDir: true,
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
