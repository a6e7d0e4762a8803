import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev`: Vite with hot reload on :5173, the API proxied to a running server (AUTONOME_URL, default :3000).
const api = process.env.AUTONOME_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
  server: { host: "127.0.0.1", proxy: { "/api": { target: api, changeOrigin: false } } },
});
