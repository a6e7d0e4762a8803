import { Hono } from "hono";
import { COLLATERAL, MAX_ALLOWANCE } from "./accounts.js";
import type { Side } from "./book.js";
import { formatMicro, parseMicro } from "./decimal.js";
import type { Exchange } from "./exchange.js";
import type { DelayRule, FailRule, Faults } from "./faults.js";
import { isTickSize, type MarketConfig } from "./markets.js";
import type { WsFace } from "./ws.js";

/**
 * The fake's control surface: the same calls as methods (for tests) and as POST /_fake/<name>
 * with a JSON body (for a hand-run fake). Amounts are decimal strings in dollars or shares.
 */

export interface FakeClobControl {
  /** Credits pUSD to a funder address (on chain and already seen by the CLOB). */
  fund(address: string, usdc: string): void;
  /** Credits outcome tokens to a funder address. */
  mint(address: string, tokenId: string, shares: string): void;
  /** The address's pUSD or token balance: on chain and as the CLOB last saw it. */
  balance(address: string, asset?: string): { chain: string; seen: string };
  setAllowance(address: string, usdc: string | "max"): void;
  /** POLY_PROXY / POLY_GNOSIS_SAFE: the signer's funder wallet. */
  setFunder(signer: string, funder: string): void;
  /** Replaces the fake market maker's resting orders on a token. Levels: [price, size]. */
  seedBook(tokenId: string, bids: Array<[string, string]>, asks: Array<[string, string]>): void;
  /** An outside trader takes liquidity up to `price` (default: any price). Answers the trade ids. */
  outsideTrade(args: { tokenId: string; side: Side; size: string; price?: string }): string[];
  addMarket(config: MarketConfig): void;
  setTickSize(conditionId: string, tickSize: string): void;
  setAcceptingOrders(conditionId: string, accepting: boolean): void;
  resolveMarket(conditionId: string, winningOutcome: string): void;
  /** Moves the fake's clock and runs what fell due (heartbeats, GTD expiry, settlement). */
  advance(ms: number): void;
  failNext(rule: FailRule): void;
  delayNext(rule: DelayRule): void;
  /** The next `count` POST /order(s) are executed but their answer is never sent (socket reset). */
  dropNextOrderResponses(count?: number): void;
  /** The next `count` trades go MATCHED → RETRYING → FAILED and are reverted. */
  failTrades(count?: number): void;
  /** While paused, heartbeats are answered but not counted (the dead-man switch fires). */
  pauseHeartbeats(paused: boolean): void;
  closeWebSockets(channel?: "market" | "user"): number;
  resetFaults(): void;
  /** An order as the owner would read it (status, size_matched…), or undefined. */
  orderStatus(orderId: string): { status: string; sizeMatched: string; live: boolean } | undefined;
}

export const CONTROL_HELP = [
  "POST /_fake/fund            {address, usdc}",
  "POST /_fake/mint            {address, tokenId, shares}",
  "POST /_fake/balance         {address, asset?}",
  'POST /_fake/setAllowance    {address, usdc | "max"}',
  "POST /_fake/setFunder       {signer, funder}",
  "POST /_fake/seedBook        {tokenId, bids: [[price, size]], asks: [[price, size]]}",
  "POST /_fake/outsideTrade    {tokenId, side, size, price?}",
  "POST /_fake/addMarket       {conditionId, question, tokens: [{tokenId, outcome}], tickSize, minOrderSize, negRisk}",
  "POST /_fake/setTickSize     {conditionId, tickSize}",
  "POST /_fake/setAcceptingOrders {conditionId, accepting}",
  "POST /_fake/resolveMarket   {conditionId, winningOutcome}",
  "POST /_fake/advance         {ms}",
  "POST /_fake/failNext        {status, count, path?, error?}",
  "POST /_fake/delayNext       {ms, count, path?}",
  "POST /_fake/dropNextOrderResponses {count}",
  "POST /_fake/failTrades      {count}",
  "POST /_fake/pauseHeartbeats {paused}",
  "POST /_fake/closeWebSockets {channel?}",
  "POST /_fake/resetFaults     {}",
];

export function createControl(exchange: Exchange, faults: Faults, ws: () => WsFace, advanceClock: (ms: number) => void): FakeClobControl {
  return {
    fund: (address, usdc) => exchange.accounts.deposit(address.toLowerCase(), COLLATERAL, parseMicro(usdc)),
    mint: (address, tokenId, shares) => {
      if (!exchange.token(tokenId)) throw new Error(`unknown token ${tokenId}`);
      exchange.accounts.deposit(address.toLowerCase(), tokenId, parseMicro(shares));
    },
    balance: (address, asset = COLLATERAL) => ({
      chain: formatMicro(exchange.accounts.chain(address.toLowerCase(), asset)),
      seen: formatMicro(exchange.accounts.seen(address.toLowerCase(), asset)),
    }),
    setAllowance: (address, usdc) => exchange.accounts.setAllowance(address.toLowerCase(), usdc === "max" ? MAX_ALLOWANCE : parseMicro(usdc)),
    setFunder: (signer, funder) => void exchange.funders.set(signer.toLowerCase(), funder.toLowerCase()),
    seedBook: (tokenId, bids, asks) => exchange.seedBook(tokenId, bids, asks),
    outsideTrade: ({ tokenId, side, size, price }) => exchange.outsideTrade(tokenId, side, size, price).map((t) => t.id),
    addMarket: (config) => void exchange.addMarket(config),
    setTickSize: (conditionId, tickSize) => {
      if (!isTickSize(tickSize)) throw new Error(`tick size ${tickSize} is not a V2 tick size`);
      exchange.setTickSize(conditionId, tickSize);
    },
    setAcceptingOrders: (conditionId, accepting) => exchange.setAcceptingOrders(conditionId, accepting),
    resolveMarket: (conditionId, winningOutcome) => exchange.resolve(conditionId, winningOutcome),
    advance: (ms) => {
      advanceClock(ms);
      exchange.tick();
    },
    failNext: (rule) => faults.failNext(rule),
    delayNext: (rule) => faults.delayNext(rule),
    dropNextOrderResponses: (count = 1) => void (faults.dropOrderResponses += count),
    failTrades: (count = 1) => void (exchange.lifecycle.failNext += count),
    pauseHeartbeats: (paused) => void (exchange.heartbeatsPaused = paused),
    closeWebSockets: (channel) => ws().closeAll(channel),
    resetFaults: () => {
      faults.reset();
      exchange.lifecycle.failNext = 0;
      exchange.heartbeatsPaused = false;
    },
    orderStatus: (orderId) => {
      const o = exchange.orders.get(orderId);
      return o ? { status: o.status, sizeMatched: formatMicro(o.sizeMatched), live: o.resting !== undefined } : undefined;
    },
  };
}

interface ControlArgs extends MarketConfig, FailRule {
  address: string;
  usdc: string;
  tokenId: string;
  shares: string;
  asset?: string;
  signer: string;
  funder: string;
  bids?: Array<[string, string]>;
  asks?: Array<[string, string]>;
  side: Side;
  size: string;
  price?: string;
  accepting: boolean;
  winningOutcome: string;
  ms: number;
  paused: boolean;
  channel?: "market" | "user";
}

/** POST /_fake/<method> with the method's arguments as one JSON object. */
export function controlRoutes(control: FakeClobControl): Hono {
  const app = new Hono();
  app.get("/help", (c) => c.json(CONTROL_HELP));
  app.post("/:name", async (c) => {
    // Admin input is taken as given: a missing field fails inside the call and answers 400.
    const a = (await c.req.json().catch(() => ({}))) as ControlArgs;
    const call: Record<string, () => unknown> = {
      fund: () => control.fund(a.address, a.usdc),
      mint: () => control.mint(a.address, a.tokenId, a.shares),
      balance: () => control.balance(a.address, a.asset),
      setAllowance: () => control.setAllowance(a.address, a.usdc),
      setFunder: () => control.setFunder(a.signer, a.funder),
      seedBook: () => control.seedBook(a.tokenId, a.bids ?? [], a.asks ?? []),
      outsideTrade: () => control.outsideTrade(a),
      addMarket: () => control.addMarket(a),
      setTickSize: () => control.setTickSize(a.conditionId, a.tickSize),
      setAcceptingOrders: () => control.setAcceptingOrders(a.conditionId, a.accepting),
      resolveMarket: () => control.resolveMarket(a.conditionId, a.winningOutcome),
      advance: () => control.advance(a.ms),
      failNext: () => control.failNext(a),
      delayNext: () => control.delayNext(a),
      dropNextOrderResponses: () => control.dropNextOrderResponses(a.count),
      failTrades: () => control.failTrades(a.count),
      pauseHeartbeats: () => control.pauseHeartbeats(a.paused),
      closeWebSockets: () => control.closeWebSockets(a.channel),
      resetFaults: () => control.resetFaults(),
    };
    const fn = call[c.req.param("name")];
    if (!fn) return c.json({ error: `no control call ${c.req.param("name")}`, help: CONTROL_HELP }, 404);
    try {
      return c.json({ ok: true, result: fn() ?? null });
    } catch (e) {
      return c.json({ error: (e as Error).message }, 400);
    }
  });
  return app;
}
