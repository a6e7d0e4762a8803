import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { compress } from "hono/compress";
import { serveStatic } from "@hono/node-server/serve-static";

/** Where `npm install` / `npm start` put the dashboard's production build (web/build.mjs). */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL("../../web/dist", import.meta.url));

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>autonome</title>
<body style="font-family:system-ui;background:#0d1117;color:#e6edf3;padding:2rem">
<h1>The dashboard is not built</h1>
<p>Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it when missing), then reload. The API is at <a style="color:#58a6ff" href="/api/health">/api</a>.</p>`;

/**
 * The dashboard's pages: hashed assets cached for good, and every other path that is not a
 * file (the client-side routes `/models/:id`, `/live`, ...) answered with index.html, which is
 * never cached so a new build shows at the next reload. Everything under /api stays the API's.
 */
export function dashboardRoutes(dir: string) {
  const indexPath = join(dir, "index.html");
  const index = () => (existsSync(indexPath) ? readFileSync(indexPath, "utf8") : null);
  const page = (html: string | null) =>
    new Response(html ?? NOT_BUILT, {
      status: html ? 200 : 503,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" },
    });

  return new Hono()
    .use("/assets/*", compress())
    .use("/assets/*", async (c, next) => {
      await next();
      // File names carry the content's hash: a new build has new names.
      if (c.res.status === 200) c.res.headers.set("cache-control", "public, max-age=31536000, immutable");
    })
    .use("/assets/*", serveStatic({ root: dir }))
    .get("/assets/*", (c) => c.text("not found", 404))
    .get("*", (c) => (c.req.path === "/api" || c.req.path.startsWith("/api/") ? c.notFound() : page(index())));
}
