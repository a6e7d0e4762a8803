import { createHash } from "node:crypto";

/**
 * The Content-Security-Policy a report is served with. The report is one self-contained page
 * whose text comes partly from requests (model names, file paths): it is escaped when drawn, and
 * this makes sure that, should anything slip through, nothing runs on the dashboard's origin but
 * the report's own inline scripts (allowed by their sha256), and nothing is fetched or sent.
 */
export function reportPolicy(html: string): string {
  const hashes = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash("sha256").update(m[1]!).digest("base64")}'`);
  return [
    "default-src 'none'",
    `script-src ${hashes.length > 0 ? hashes.join(" ") : "'none'"}`,
    "style-src 'unsafe-inline'",
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join("; ");
}
