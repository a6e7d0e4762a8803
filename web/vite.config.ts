import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev`: Vite with hot reload on :5173, the API proxied to a running server (AUTONOME_URL, default :3000).
const api = process.env.AUTONOME_URL ?? "http://127.0.0.1:3000";

export default defineConfig(({ command }) => ({
  root: import.meta.dirname,
  plugins: [react()],
  resolve: {
    // The code is React's (types, hooks, libraries); the production bundle runs it on Preact's
    // compatible runtime: 55 KB instead of 111 KB gzipped for the arena, drawn about 15% sooner
    // with 100 models (see the README's dashboard section). `npm run dev` keeps React itself, for
    // its hot reload. Remove these lines to build with React too.
    alias:
      command !== "build"
        ? []
        : [
            { find: /^react-dom\/client$/, replacement: "preact/compat/client" },
            { find: /^react-dom$/, replacement: "preact/compat" },
            { find: /^react\/jsx-runtime$/, replacement: "preact/jsx-runtime" },
            { find: /^react\/jsx-dev-runtime$/, replacement: "preact/jsx-dev-runtime" },
            { find: /^react$/, replacement: "preact/compat" },
          ],
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
  server: { host: "127.0.0.1", proxy: { "/api": { target: api, changeOrigin: false } } },
}));
