import type { Config } from "../app/config.js";
import { AppError } from "../core/errors.js";
import type { MirrorDetail } from "../copy/mirror-service.js";
import { createMirrorSchema, type CreateMirrorInput } from "../copy/mirror-settings.js";
import { call, server, withApp } from "./models.js";

/** `autonome mirrors ...`: through a running server's API when one answers, else on the database. */

export interface MirrorAddOptions {
  source: string;
  follower?: string;
  followerName?: string;
  capital?: string;
  sizing: string;
  ratio?: string;
  usd?: string;
  maxNotional?: string;
  orderType: string;
  ttl?: string;
  maxSlippageBps?: string;
  minNotional?: string;
  maxSignalAge?: string;
  symbols?: string;
  paused?: boolean;
}

const bad = (message: string) => new AppError(400, "invalid_request", message);

function whole(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) throw bad(`${flag}: "${text}" must be a whole number`);
  return Number(text);
}

/** The request body `mirrors add` sends, checked by the same schema as POST /api/mirrors. */
export function mirrorAddBody(o: MirrorAddOptions): CreateMirrorInput {
  if ((o.follower === undefined) === (o.followerName === undefined)) throw bad("give --follower <id> (an existing follower) or --follower-name <name> (creates one)");
  const sizing =
    o.sizing === "proportional"
      ? { mode: "proportional" }
      : o.sizing === "ratio"
        ? { mode: "ratio", ratio: o.ratio ?? "" }
        : o.sizing === "fixed-notional" || o.sizing === "fixedNotional"
          ? { mode: "fixedNotional", usd: o.usd ?? "" }
          : undefined;
  if (!sizing) throw bad(`--sizing: "${o.sizing}" must be proportional, ratio (with --ratio) or fixed-notional (with --usd)`);
  const body = {
    sourceModelId: o.source,
    ...(o.follower !== undefined ? { followerModelId: o.follower } : { follower: { name: o.followerName!, ...(o.capital !== undefined ? { initialCapital: o.capital } : {}) } }),
    sizing: { ...sizing, ...(o.maxNotional !== undefined ? { maxNotional: o.maxNotional } : {}) },
    orderType: o.orderType.toUpperCase(),
    ...(o.ttl !== undefined ? { ttlMs: whole("--ttl", o.ttl) } : {}),
    ...(o.maxSlippageBps !== undefined ? { maxSlippageBps: whole("--max-slippage-bps", o.maxSlippageBps) } : {}),
    ...(o.minNotional !== undefined ? { minNotional: o.minNotional } : {}),
    ...(o.maxSignalAge !== undefined ? { maxSignalAgeMs: whole("--max-signal-age", o.maxSignalAge) } : {}),
    ...(o.symbols !== undefined ? { symbols: o.symbols.split(",").map((s) => s.trim()) } : {}),
    ...(o.paused ? { active: false } : {}),
  };
  const parsed = createMirrorSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw bad(`${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  return parsed.data;
}

export async function mirrorsAdd(config: Config, o: MirrorAddOptions): Promise<void> {
  const body = mirrorAddBody(o);
  const url = await server(config);
  const m = url ? await call<MirrorDetail>(config, url, "POST", "/api/mirrors", body) : await withApp(config, (a) => a.services.mirrors.create(body));
  process.stdout.write(`${m.followerName} (${m.followerModelId}) now mirrors ${m.sourceName}: mirror ${m.id}, ${m.orderType}, ${describeSizing(m)}\n`);
}

export async function mirrorsList(config: Config, json: boolean): Promise<void> {
  const url = await server(config);
  const list = url ? await call<MirrorDetail[]>(config, url, "GET", "/api/mirrors") : await withApp(config, (a) => a.services.mirrors.list());
  if (json) {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return;
  }
  const rows = list.map((m) => [m.id, m.sourceName, m.followerName, m.deleted ? "deleted" : m.active ? "active" : "paused", m.orderType, describeSizing(m), m.host ?? "-"]);
  const head = ["id", "source", "follower", "status", "order", "sizing", "host"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r: unknown[]) => r.map((c, i) => String(c).padEnd(widths[i]!)).join("  ");
  process.stdout.write(`${[line(head), ...rows.map(line)].join("\n")}\n`);
}

export async function mirrorsSetActive(config: Config, id: string, active: boolean): Promise<void> {
  const url = await server(config);
  const m = url ? await call<MirrorDetail>(config, url, "PATCH", `/api/mirrors/${encodeURIComponent(id)}`, { active }) : await withApp(config, (a) => a.services.mirrors.patch(id, { active }));
  process.stdout.write(`mirror ${m.id} (${m.followerName} follows ${m.sourceName}) is ${m.active ? "active" : "paused"}\n`);
}

function describeSizing(m: MirrorDetail): string {
  const s = m.sizing;
  const base = s.mode === "ratio" ? `ratio ${s.ratio}` : s.mode === "fixedNotional" ? `$${s.usd} per order` : "proportional";
  return s.maxNotional ? `${base}, at most $${s.maxNotional}` : base;
}
