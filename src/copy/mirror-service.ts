import { randomUUID } from "node:crypto";
import { and, eq, gte, inArray, isNull, sql } from "drizzle-orm";
import { AppError, conflict, invalid, notFound } from "../core/errors.js";
import type { Db } from "../db/client.js";
import { lastEventId } from "../db/outbox.js";
import { formatUsd, usd } from "../core/money.js";
import { equitySnapshots, mirrorExecutions, mirrors, models, orders } from "../db/schema.js";
import type { EquityWindow, PositionView } from "../trading/contracts.js";
import { windowStart } from "../trading/equity.js";
import { DEFAULTS, REASONS, type CreateMirrorInput, type PatchMirrorInput } from "./mirror-settings.js";
import { executionRows, executionView, listMirrorRows, mirrorById, mirrorOfFollower, mirrorView, type ExecutionView, type MirrorRow, type MirrorView } from "./mirror-store.js";
import { fillRate, percentile, positionsPnl, recommendations, tracking, type OutcomeCounts, type PositionsPnl } from "./mirror-report.js";

export interface MirrorServiceDeps {
  db: Db;
  now: () => number;
  /** Creates a model of kind `mirror` (a follower account) and returns its id. */
  createFollower(name: string, initialCapital: string | undefined, risk: unknown): Promise<string>;
  /** The follower's open positions as the API shows them. */
  positionsOf(modelId: string): Promise<PositionView[]>;
  /** A follower bound to a mirror is traded by the mirror's holder: this process lets go of it. */
  releaseFollower(modelId: string): void;
  /** Mirrors changed: the local engine looks for work now instead of at its next tick. */
  changed(): void;
}

/** The windows of the metrics and the audit: the equity windows. */
export type AuditWindow = EquityWindow;

export interface MirrorDetail extends MirrorView {
  sourceName: string;
  followerName: string;
  followerPositions: PositionView[];
}

export interface MirrorMetrics {
  mirrorId: string;
  window: AuditWindow;
  counts: OutcomeCounts;
  fillRate: number | null;
  latencyMs: { sent: Percentiles; filled: Percentiles };
  /** Against the source's fill price. */
  slippageBps: SlippageFigures;
  /** Against the followed wallet's own price, for executions whose source (a follow model) copied a wallet trade. */
  traderSlippageBps: SlippageFigures;
  tracking: ReturnType<typeof tracking>;
  /**
   * P&L vs the source ("LT vs FT"): what the positions each account opened since `since` (the
   * window's start, or the mirror's creation when later) made, exact, with the return on their cost.
   */
  pnl: { since: string; source: PositionsPnl; follower: PositionsPnl; pnlDiff: string; returnDiffPct: number | null };
}

export interface SlippageFigures {
  mean: number | null;
  p95: number | null;
  /** Executions the figures are over. */
  count: number;
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface ExecutionAudit {
  window: AuditWindow;
  counts: OutcomeCounts;
  fillRate: number | null;
  slippageBps: SlippageFigures;
  traderSlippageBps: SlippageFigures;
  byMirror: Array<{ mirrorId: string; counts: OutcomeCounts; fillRate: number | null }>;
  /** Up to three recent executions for each reason. */
  samples: Record<string, ExecutionView[]>;
  recommendations: string[];
}

/** The copy-trading API: mirrors, their executions, metrics and the audit across mirrors. */
export class MirrorService {
  constructor(private readonly d: MirrorServiceDeps) {}

  async list(): Promise<MirrorDetail[]> {
    const rows = await listMirrorRows(this.d.db);
    return Promise.all(rows.map((r) => this.detail(r)));
  }

  async get(id: string): Promise<MirrorDetail> {
    return this.detail(await this.row(id));
  }

  async create(input: CreateMirrorInput): Promise<MirrorDetail> {
    const source = await this.model(input.sourceModelId, "sourceModelId");
    let followerId = input.followerModelId;
    if (followerId !== undefined) {
      const follower = await this.model(followerId, "followerModelId");
      if (follower.kind !== "mirror")
        throw new AppError(
          422,
          "not_a_follower",
          `followerModelId: ${follower.name} is a ${follower.kind} model; a follower is a model of kind "mirror" (create one with POST /api/models {"kind":"mirror",...} or give "follower" here)`,
        );
      // A Polymarket wallet trades outcome tokens: only a follow model's trades can land there.
      if (follower.venue.kind === "polymarket" && source.kind !== "follow")
        throw new AppError(
          422,
          "source_not_tradable",
          `sourceModelId: ${follower.name} trades a Polymarket wallet (outcome tokens); its source must be a follow model, and ${source.name} is a ${source.kind} model`,
        );
      if (await mirrorOfFollower(this.d.db, followerId)) throw conflict("follower_taken", `followerModelId: ${follower.name} already follows a model; delete that mirror first`);
    }
    if (followerId === source.id) throw invalid("followerModelId: a model cannot follow itself");
    if (followerId !== undefined && (await this.ancestors(source.id)).has(followerId)) {
      throw conflict("mirror_cycle", `followerModelId: ${source.name} already follows, directly or through others, the follower: the mirrors would copy each other forever`);
    }
    const orderType = input.orderType ?? DEFAULTS.orderType;
    if (input.ttlMs !== undefined && orderType !== "GTC" && orderType !== "GTT") throw invalid(`ttlMs: only GTC and GTT orders rest on the book (orderType is ${orderType})`);
    if (followerId === undefined)
      followerId = await this.d.createFollower(input.follower!.name, input.follower!.initialCapital === undefined ? undefined : String(input.follower!.initialCapital), input.follower!.risk);
    const now = new Date(this.d.now());
    const id = randomUUID();
    try {
      await this.d.db.insert(mirrors).values({
        id,
        sourceModelId: source.id,
        followerModelId: followerId,
        sizing: input.sizing ?? DEFAULTS.sizing,
        orderType,
        ttlMs: orderType === "GTC" || orderType === "GTT" ? (input.ttlMs ?? DEFAULTS.ttlMs) : null,
        maxSlippageBps: input.maxSlippageBps ?? DEFAULTS.maxSlippageBps,
        minNotional: input.minNotional ?? DEFAULTS.minNotional,
        maxSignalAgeMs: input.maxSignalAgeMs ?? DEFAULTS.maxSignalAgeMs,
        symbols: input.symbols ?? null,
        active: input.active ?? true,
        // The source's changes from now on are copied; what it holds already is not entered late.
        signalCursor: await lastEventId(this.d.db),
        createdAt: now,
        updatedAt: now,
      });
    } catch (error) {
      if (/mirrors_one_per_follower/.test(String((error as { cause?: unknown }).cause ?? error))) throw conflict("follower_taken", "followerModelId: that follower already follows a model");
      throw error;
    }
    this.d.releaseFollower(followerId);
    this.d.changed();
    return this.get(id);
  }

  async patch(id: string, input: PatchMirrorInput): Promise<MirrorDetail> {
    const m = await this.row(id);
    if (m.deletedAt) throw conflict("mirror_deleted", `mirror ${id} was deleted; create a new one`);
    const orderType = input.orderType ?? m.orderType;
    const resting = orderType === "GTC" || orderType === "GTT";
    if (input.ttlMs !== undefined && input.ttlMs !== null && !resting) throw invalid(`ttlMs: only GTC and GTT orders rest on the book (orderType is ${orderType})`);
    await this.d.db
      .update(mirrors)
      .set({
        ...(input.sizing !== undefined ? { sizing: input.sizing } : {}),
        orderType,
        ttlMs: resting ? (input.ttlMs ?? m.ttlMs ?? DEFAULTS.ttlMs) : null,
        ...(input.maxSlippageBps !== undefined ? { maxSlippageBps: input.maxSlippageBps } : {}),
        ...(input.minNotional !== undefined ? { minNotional: input.minNotional } : {}),
        ...(input.maxSignalAgeMs !== undefined ? { maxSignalAgeMs: input.maxSignalAgeMs } : {}),
        ...(input.symbols !== undefined ? { symbols: input.symbols } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        updatedAt: new Date(this.d.now()),
      })
      .where(eq(mirrors.id, id));
    this.d.changed();
    return this.get(id);
  }

  /** Stops mirroring; the follower keeps its positions (reported here) and its account. */
  async remove(id: string): Promise<MirrorDetail> {
    const m = await this.row(id);
    if (!m.deletedAt) {
      const now = new Date(this.d.now());
      await this.d.db.update(mirrors).set({ deletedAt: now, active: false, updatedAt: now }).where(eq(mirrors.id, id));
      this.d.changed();
    }
    return this.get(id);
  }

  async executions(id: string, filter: { outcome?: string; reason?: string; limit: number }): Promise<ExecutionView[]> {
    await this.row(id);
    return (await executionRows(this.d.db, { mirrorId: id, ...filter })).map(executionView);
  }

  async metrics(id: string, window: AuditWindow = "24h"): Promise<MirrorMetrics> {
    const m = await this.row(id);
    const since = this.since(window);
    const [counts, figures] = await Promise.all([this.counts(since, [id]), this.figures(since, [id])]);
    const curve = async (modelId: string) =>
      (
        await this.d.db
          .select({ ts: equitySnapshots.ts, equity: equitySnapshots.equity })
          .from(equitySnapshots)
          .where(and(eq(equitySnapshots.modelId, modelId), eq(equitySnapshots.resolution, "1m"), gte(equitySnapshots.ts, new Date(Math.max(since.getTime(), m.createdAt.getTime())))))
          .orderBy(equitySnapshots.ts)
      ).map((p) => ({ ts: p.ts.getTime(), equity: Number(p.equity) }));
    const from = new Date(Math.max(since.getTime(), m.createdAt.getTime()));
    const [src, fol, srcPnl, folPnl] = await Promise.all([curve(m.sourceModelId), curve(m.followerModelId), this.pnlOf(m.sourceModelId, from), this.pnlOf(m.followerModelId, from)]);
    return {
      mirrorId: id,
      window,
      counts: counts.total,
      fillRate: fillRate(counts.total),
      latencyMs: { sent: figures.sent, filled: figures.filled },
      slippageBps: figures.slippage,
      traderSlippageBps: figures.traderSlippage,
      tracking: tracking(src, fol),
      pnl: {
        since: from.toISOString(),
        source: srcPnl,
        follower: folPnl,
        pnlDiff: formatUsd(usd(folPnl.pnl) - usd(srcPnl.pnl)),
        returnDiffPct: srcPnl.returnPct === null || folPnl.returnPct === null ? null : folPnl.returnPct - srcPnl.returnPct,
      },
    };
  }

  async audit(window: AuditWindow = "24h"): Promise<ExecutionAudit> {
    const since = this.since(window);
    const all = await listMirrorRows(this.d.db);
    const ids = all.map((m) => m.id);
    const [counts, figures] = await Promise.all([this.counts(since, ids), this.figures(since, ids)]);
    const samples: Record<string, ExecutionView[]> = {};
    for (const reason of Object.keys(counts.total.byReason)) {
      samples[reason] = (await executionRows(this.d.db, { reason, limit: 3, since })).map(executionView);
    }
    const riskRows = await this.d.db
      .select({ code: mirrorExecutions.detail, n: sql<number>`count(*)::int` })
      .from(mirrorExecutions)
      .where(and(eq(mirrorExecutions.reason, "risk_rejected"), gte(mirrorExecutions.sourceAt, since)))
      .groupBy(mirrorExecutions.detail);
    return {
      window,
      counts: counts.total,
      fillRate: fillRate(counts.total),
      slippageBps: figures.slippage,
      traderSlippageBps: figures.traderSlippage,
      byMirror: all.map((m) => {
        const c = counts.byMirror.get(m.id) ?? emptyCounts();
        return { mirrorId: m.id, counts: c, fillRate: fillRate(c) };
      }),
      samples,
      recommendations: recommendations({
        counts: counts.total,
        latencySentP99Ms: figures.sent.p99,
        slippageP95Bps: figures.slippage.p95,
        maxSlippageBps: all.map((m) => m.maxSlippageBps),
        orderTypes: all.map((m) => m.orderType),
        maxSignalAgeMs: all.map((m) => m.maxSignalAgeMs),
        riskCodes: Object.fromEntries(riskRows.map((r) => [r.code ?? "unknown", r.n])),
      }),
    };
  }

  private since(window: AuditWindow): Date {
    return windowStart(window, this.d.now());
  }

  /** Outcome counts per mirror and in total, summed by the database. */
  private async counts(since: Date, ids: string[]): Promise<{ total: OutcomeCounts; byMirror: Map<string, OutcomeCounts> }> {
    const total = emptyCounts();
    const byMirror = new Map<string, OutcomeCounts>();
    if (ids.length === 0) return { total, byMirror };
    const rows = await this.d.db
      .select({ mirrorId: mirrorExecutions.mirrorId, outcome: mirrorExecutions.outcome, reason: mirrorExecutions.reason, n: sql<number>`count(*)::int` })
      .from(mirrorExecutions)
      .where(and(inArray(mirrorExecutions.mirrorId, ids), gte(mirrorExecutions.sourceAt, since)))
      .groupBy(mirrorExecutions.mirrorId, mirrorExecutions.outcome, mirrorExecutions.reason);
    for (const r of rows) {
      const c = byMirror.get(r.mirrorId) ?? emptyCounts();
      byMirror.set(r.mirrorId, c);
      for (const x of [c, total]) {
        x.signals += r.n;
        if (r.outcome === null) x.inFlight += r.n;
        else x[r.outcome] += r.n;
        if (r.reason) x.byReason[r.reason] = (x.byReason[r.reason] ?? 0) + r.n;
      }
    }
    return { total, byMirror };
  }

  /** Latency and slippage percentiles of the executions that sent an order. */
  private async figures(since: Date, ids: string[]): Promise<{ sent: Percentiles; filled: Percentiles; slippage: SlippageFigures; traderSlippage: SlippageFigures }> {
    const none = { p50: null, p95: null, p99: null };
    if (ids.length === 0) return { sent: none, filled: none, slippage: slippageFigures([]), traderSlippage: slippageFigures([]) };
    const rows = await this.d.db
      .select({
        sent: sql<string | null>`extract(epoch from (${mirrorExecutions.sentAt} - ${mirrorExecutions.sourceAt})) * 1000`,
        filled: sql<string | null>`extract(epoch from (${mirrorExecutions.filledAt} - ${mirrorExecutions.sourceAt})) * 1000`,
        slippage: mirrorExecutions.slippageBps,
        traderSlippage: mirrorExecutions.traderSlippageBps,
      })
      .from(mirrorExecutions)
      .where(and(inArray(mirrorExecutions.mirrorId, ids), gte(mirrorExecutions.sourceAt, since), sql`${mirrorExecutions.sentAt} is not null`));
    const sorted = (xs: Array<string | null>) =>
      xs
        .filter((x): x is string => x !== null)
        .map((x) => Math.max(0, Number(x)))
        .sort((a, b) => a - b);
    const pct = (xs: number[]): Percentiles => ({ p50: percentile(xs, 50), p95: percentile(xs, 95), p99: percentile(xs, 99) });
    return {
      sent: pct(sorted(rows.map((r) => r.sent))),
      filled: pct(sorted(rows.map((r) => r.filled))),
      slippage: slippageFigures(rows.map((r) => r.slippage)),
      traderSlippage: slippageFigures(rows.map((r) => r.traderSlippage)),
    };
  }

  /**
   * What the positions `modelId` opened since `since` made: the closed parts as booked (realized
   * P&L net of fees, summed by the database), the open ones at the mark as the API shows them
   * (less their entry fees), and their entry cost.
   */
  private async pnlOf(modelId: string, since: Date): Promise<PositionsPnl> {
    const [row] = await this.d.db
      .select({
        positions: sql<number>`(count(*) filter (where ${orders.parentId} is null))::int`,
        cost: sql<string>`coalesce(sum(${orders.entryCost}), 0)::text`,
        realized: sql<string>`coalesce(sum(${orders.realizedPnl}) filter (where ${orders.status} = 'CLOSED'), 0)::text`,
        openFees: sql<string>`coalesce(sum(${orders.entryFees}) filter (where ${orders.status} = 'OPEN'), 0)::text`,
      })
      .from(orders)
      .where(and(eq(orders.modelId, modelId), gte(orders.openedAt, since)));
    const open = (await this.d.positionsOf(modelId)).filter((p) => Date.parse(p.openedAt) >= since.getTime());
    const unrealized = open.reduce((sum, p) => sum + usd(p.unrealizedPnl), 0n) - usd(row?.openFees ?? "0");
    return positionsPnl({ positions: row?.positions ?? 0, cost: usd(row?.cost ?? "0"), realized: usd(row?.realized ?? "0"), unrealized });
  }

  private async detail(r: MirrorRow): Promise<MirrorDetail> {
    const names = await this.d.db
      .select({ id: models.id, name: models.name })
      .from(models)
      .where(inArray(models.id, [r.sourceModelId, r.followerModelId]));
    const name = (id: string) => names.find((n) => n.id === id)?.name ?? id;
    return { ...mirrorView(r, this.d.now()), sourceName: name(r.sourceModelId), followerName: name(r.followerModelId), followerPositions: await this.d.positionsOf(r.followerModelId) };
  }

  private async row(id: string): Promise<MirrorRow> {
    const m = await mirrorById(this.d.db, id);
    if (!m) throw notFound(`mirror ${id} does not exist`);
    return m;
  }

  private async model(id: string, field: string) {
    const [m] = await this.d.db.select({ id: models.id, name: models.name, kind: models.kind, venue: models.venue }).from(models).where(eq(models.id, id));
    if (!m) throw new AppError(422, "unknown_model", `${field}: model ${id} does not exist`);
    return m;
  }

  /** Every model `modelId` copies from, directly or through other mirrors. */
  private async ancestors(modelId: string): Promise<Set<string>> {
    const seen = new Set<string>();
    let frontier = [modelId];
    while (frontier.length > 0) {
      const rows = await this.d.db
        .select({ source: mirrors.sourceModelId })
        .from(mirrors)
        .where(and(inArray(mirrors.followerModelId, frontier), isNull(mirrors.deletedAt)));
      frontier = rows.map((r) => r.source).filter((s) => !seen.has(s));
      for (const s of frontier) seen.add(s);
    }
    seen.add(modelId);
    return seen;
  }
}

/** Mean and p95 of the slippages recorded (basis points, decimal strings; null ones left out). */
function slippageFigures(values: Array<string | null>): SlippageFigures {
  const xs = values
    .filter((x): x is string => x !== null)
    .map(Number)
    .sort((a, b) => a - b);
  return { mean: xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length, p95: percentile(xs, 95), count: xs.length };
}

function emptyCounts(): OutcomeCounts {
  return { signals: 0, filled: 0, partial: 0, skipped: 0, failed: 0, inFlight: 0, byReason: {} };
}

export { REASONS };
