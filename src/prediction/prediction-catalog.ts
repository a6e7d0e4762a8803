import { eq } from "drizzle-orm";
import type { BookUpdate } from "../core/book.js";
import { invalid, notFound, conflict } from "../core/errors.js";
import { OUTCOME_PAYOUT_TICKS, tickSizeTicks, type OutcomeTickSize } from "../core/instrument.js";
import type { Logger } from "../core/logger.js";
import { silentLogger } from "../core/logger.js";
import type { MarketSpec } from "../core/market.js";
import type { Db, Tx } from "../db/client.js";
import { predictionMarkets } from "../db/schema.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import { events } from "../events/events.js";
import type { MarketRoom } from "../market/market-room.js";
import { outcomeSpecs, outcomeSymbol, predictionMarketProblem, type PredictionMarket, type PredictionMarketInput } from "./prediction-market.js";

/** What a resolution needs of the venue and the trading service (the simulator; the service redeems). */
export interface ResolutionPorts {
  /** The venue learns the payout of each token (its orders canceled, it trades no more). */
  resolveOutcome(symbol: string, payoutTicks: number): void;
  /** Every position in the token redeems at the payout; returns how many did. */
  redeemResolved(symbol: string, payoutTicks: number): Promise<number>;
}

/**
 * The prediction markets this system knows: their metadata (persisted: the symbols of their
 * tokens must mean the same after a restart), their outcome tokens as markets of the room (so
 * the simulator, the trading service and the exit engine trade them like any other), and their
 * life: a tick-size change, closing, resolution. A feed (synthetic, replay, Polymarket's)
 * reports markets and books by token id here; everything else reads symbols.
 */
export class PredictionCatalog {
  private readonly byCondition = new Map<string, PredictionMarket>();
  private readonly symbolOfToken = new Map<string, string>();
  private readonly specs = new Map<string, MarketSpec>();
  private readonly logger: Logger;
  private ports: ResolutionPorts | undefined;

  constructor(
    private readonly deps: {
      db: Db;
      room: MarketRoom;
      now: () => number;
      logger?: Logger;
      /** Records a closing or a resolution with its `prediction` event in one transaction; without it (a test harness), without the event. */
      uow?: UnitOfWork;
    },
  ) {
    this.logger = deps.logger ?? silentLogger;
  }

  /** Reads every stored market and puts its tokens in the room (before accounts are restored: their positions need the specs). */
  async load(): Promise<void> {
    for (const row of await this.deps.db.select().from(predictionMarkets)) {
      const m: PredictionMarket = {
        conditionId: row.conditionId,
        question: row.question,
        slug: row.slug,
        status: row.status,
        ...(row.winner !== null ? { winner: row.winner } : {}),
        endDate: row.endDate.getTime(),
        tickSize: row.tickSize as OutcomeTickSize,
        minOrderSize: row.minOrderSize,
        negRisk: row.negRisk,
        ...(row.category !== null ? { category: row.category } : {}),
        outcomes: row.outcomes,
        source: row.source,
      };
      this.admit(m);
    }
  }

  /** Connects resolutions to the venue and the trading service (they exist after the catalog loaded). */
  connect(ports: ResolutionPorts): void {
    this.ports = ports;
  }

  /**
   * Positions left unredeemed in markets already resolved (the last process stopped between the
   * resolution and the redemptions): the venue learns the payouts and the positions redeem now.
   */
  async settleResolved(): Promise<number> {
    let redeemed = 0;
    for (const m of this.byCondition.values()) if (m.status === "resolved") redeemed += await this.settle(m);
    return redeemed;
  }

  list(): PredictionMarket[] {
    return [...this.byCondition.values()];
  }

  get(conditionId: string): PredictionMarket | undefined {
    return this.byCondition.get(conditionId.toLowerCase());
  }

  /** The market an outcome token's symbol belongs to. */
  marketOf(symbol: string): PredictionMarket | undefined {
    const spec = this.specs.get(symbol);
    return spec?.instrument ? this.byCondition.get(spec.instrument.conditionId) : undefined;
  }

  /**
   * The tokens of Polymarket's own markets not resolved yet: what a live Polymarket account may
   * trade and hold (synthetic and replayed token ids mean nothing to the CLOB; a resolved
   * market's shares wait for redemption on chain, outside the books).
   */
  liveSpecs(): MarketSpec[] {
    const out: MarketSpec[] = [];
    for (const m of this.byCondition.values()) {
      if (m.source !== "polymarket" || m.status === "resolved") continue;
      for (const o of m.outcomes) {
        const spec = this.specs.get(o.symbol);
        if (spec) out.push(spec);
      }
    }
    return out;
  }

  symbolOf(tokenId: string): string | undefined {
    return this.symbolOfToken.get(tokenId);
  }

  /**
   * A market the feed reports: new ones are stored and join the room; a known one only updates
   * what may change (tick size, closing). Bad metadata is refused with the reason.
   */
  async upsert(input: PredictionMarketInput): Promise<PredictionMarket> {
    const problem = predictionMarketProblem(input);
    if (problem) throw invalid(problem);
    const conditionId = input.conditionId.toLowerCase();
    const known = this.byCondition.get(conditionId);
    if (known) {
      if (known.tickSize !== input.tickSize) await this.setTickSize(conditionId, input.tickSize);
      if (known.status === "open" && input.status === "closed") await this.close(conditionId);
      if (known.status !== "resolved" && input.status === "resolved") await this.resolve(conditionId, input.winner!);
      return known;
    }
    // Two outcomes of one market must not get the same symbol either.
    const given = new Set<string>();
    const taken = (s: string) => given.has(s) || this.specs.has(s) || this.deps.room.market(s) !== undefined;
    const outcomes = input.outcomes.map((o) => {
      const symbol = outcomeSymbol(input.slug, o.outcome, o.tokenId, taken);
      given.add(symbol);
      return { outcome: o.outcome, tokenId: o.tokenId, symbol };
    });
    // A market first seen resolved is stored open, then resolved below like any other.
    const { winner: _winner, ...rest } = input;
    const market: PredictionMarket = { ...rest, conditionId, outcomes, status: input.status === "resolved" ? "open" : input.status };
    await this.deps.db.insert(predictionMarkets).values(this.row(market)).onConflictDoNothing();
    this.admit(market);
    if (input.status === "resolved") await this.resolve(conditionId, input.winner!);
    return market;
  }

  /** A book of one outcome token, by token id (a feed knows token ids, not our symbols). False for an unknown token. */
  applyBook(tokenId: string, update: Omit<BookUpdate, "symbol">): boolean {
    const symbol = this.symbolOfToken.get(tokenId);
    if (!symbol) return false;
    return this.deps.room.apply({ ...update, symbol });
  }

  async setTickSize(conditionId: string, tickSize: OutcomeTickSize): Promise<void> {
    const m = this.need(conditionId);
    const ticks = tickSizeTicks(tickSize);
    if (ticks === undefined) throw invalid(`tickSize: ${tickSize} is not one Polymarket uses`);
    m.tickSize = tickSize;
    for (const o of m.outcomes) {
      const spec = this.specs.get(o.symbol);
      if (spec?.instrument) spec.instrument.tickTicks = ticks;
    }
    await this.deps.db
      .update(predictionMarkets)
      .set({ tickSize, updatedAt: new Date(this.deps.now()) })
      .where(eq(predictionMarkets.conditionId, m.conditionId));
  }

  /** The market stops taking orders (its end date passed); it resolves later. */
  async close(conditionId: string): Promise<void> {
    const m = this.need(conditionId);
    if (m.status !== "open") return;
    m.status = "closed";
    for (const o of m.outcomes) {
      const spec = this.specs.get(o.symbol);
      if (spec?.instrument) spec.instrument.accepting = false;
    }
    await this.change(m, { status: "closed" }, (db) =>
      db
        .update(predictionMarkets)
        .set({ status: "closed", updatedAt: new Date(this.deps.now()) })
        .where(eq(predictionMarkets.conditionId, m.conditionId)),
    );
  }

  /**
   * The market resolved: recorded first (the truth), then the venue learns each token's payout
   * and every position redeems, the winner's shares at 1 dollar, the others' at 0. Resolving a
   * resolved market again with the same winner changes nothing; with another winner it is refused.
   */
  async resolve(conditionId: string, winner: string): Promise<{ market: PredictionMarket; redeemed: number }> {
    const m = this.need(conditionId);
    if (!m.outcomes.some((o) => o.outcome === winner)) throw invalid(`winner: "${winner}" is not an outcome of this market (${m.outcomes.map((o) => `"${o.outcome}"`).join(", ")})`);
    if (m.status === "resolved") {
      if (m.winner !== winner) throw conflict("already_resolved", `market ${m.conditionId} already resolved with "${m.winner}" winning`);
      return { market: m, redeemed: 0 };
    }
    const at = new Date(this.deps.now());
    await this.change(m, { status: "resolved", winner }, (db) =>
      db.update(predictionMarkets).set({ status: "resolved", winner, resolvedAt: at, updatedAt: at }).where(eq(predictionMarkets.conditionId, m.conditionId)),
    );
    m.status = "resolved";
    m.winner = winner;
    const redeemed = await this.settle(m);
    this.logger.info({ conditionId: m.conditionId, winner, redeemed }, "prediction market resolved");
    return { market: m, redeemed };
  }

  private async settle(m: PredictionMarket): Promise<number> {
    let redeemed = 0;
    for (const o of m.outcomes) {
      const spec = this.specs.get(o.symbol);
      if (spec?.instrument) spec.instrument.accepting = false;
      const payout = o.outcome === m.winner ? OUTCOME_PAYOUT_TICKS : 0;
      // Nothing trades any more: the book the feed sent last is no price to show.
      this.deps.room.apply({ symbol: o.symbol, ts: this.deps.now(), kind: "snapshot", bids: [], asks: [] });
      if (!this.ports) continue;
      this.ports.resolveOutcome(o.symbol, payout);
      redeemed += await this.ports.redeemResolved(o.symbol, payout);
    }
    return redeemed;
  }

  /** Writes the market's new status with its `prediction` event. */
  private async change(m: PredictionMarket, next: { status: "closed" | "resolved"; winner?: string }, write: (db: Db | Tx) => Promise<unknown>): Promise<void> {
    const uow = this.deps.uow;
    if (!uow) {
      await write(this.deps.db);
      return;
    }
    const market = { conditionId: m.conditionId, slug: m.slug, question: m.question, ...next };
    await uow.run(async (tx, ctx) => {
      await write(tx);
      ctx.emit(events.predictionMarketChanged({ modelId: "", market }));
    });
  }

  private admit(m: PredictionMarket): void {
    this.byCondition.set(m.conditionId, m);
    for (const spec of outcomeSpecs(m)) {
      const held = this.deps.room.market(spec.symbol);
      this.specs.set(spec.symbol, held ?? spec);
      this.symbolOfToken.set(spec.instrument!.tokenId, spec.symbol);
      if (!held) this.deps.room.addMarket(spec);
    }
  }

  private need(conditionId: string): PredictionMarket {
    const m = this.byCondition.get(conditionId.toLowerCase());
    if (!m) throw notFound(`prediction market ${conditionId} does not exist`);
    return m;
  }

  private row(m: PredictionMarket): typeof predictionMarkets.$inferInsert {
    return {
      conditionId: m.conditionId,
      question: m.question,
      slug: m.slug,
      status: m.status,
      winner: m.winner ?? null,
      endDate: new Date(m.endDate),
      tickSize: m.tickSize,
      minOrderSize: m.minOrderSize,
      negRisk: m.negRisk,
      category: m.category ?? null,
      outcomes: [...m.outcomes],
      source: m.source,
      updatedAt: new Date(this.deps.now()),
    };
  }
}
