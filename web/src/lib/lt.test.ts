import { describe, expect, it } from "vitest";
import type { ExecutionView, MirrorDetail, MirrorMetrics, ModelView, OutcomeCounts } from "../api/types.ts";
import { accountText, latencyText, ltCountText, ltOfSource, ltStrategies, outcomesText, pnlDiffText, pnlText, priceVsTrader, slippageText, tokenName, tokenSide, topReasons, walletOf } from "./lt.ts";

type Model = Pick<ModelView, "id" | "name" | "kind" | "venue" | "status" | "haltReason">;
const model = (id: string, kind: ModelView["kind"], venue: ModelView["venue"] = { kind: "sim" }, over: Partial<Model> = {}): Model => ({
  id,
  name: `${id} name`,
  kind,
  venue,
  status: "active",
  haltReason: null,
  ...over,
});
const PM = { kind: "polymarket", privateKeyEnv: "PM_KEY", signatureType: 2, funder: "0xfunder" } as const;

let seq = 0;
const mirror = (sourceModelId: string, followerModelId: string, over: Partial<MirrorDetail> = {}): MirrorDetail => ({
  id: `m${++seq}`,
  sourceModelId,
  followerModelId,
  sizing: { mode: "proportional" },
  orderType: "IOC",
  ttlMs: null,
  maxSlippageBps: 50,
  minNotional: "0",
  maxSignalAgeMs: 30_000,
  symbols: null,
  active: true,
  deleted: false,
  host: null,
  signalCursor: 0,
  createdAt: `2026-01-01T00:00:${String(seq).padStart(2, "0")}.000Z`,
  updatedAt: "2026-01-01T00:00:00.000Z",
  sourceName: `${sourceModelId} name`,
  followerName: `${followerModelId} name`,
  followerPositions: [],
  ...over,
});

const counts = (over: Partial<OutcomeCounts> = {}): OutcomeCounts => ({ signals: 0, filled: 0, partial: 0, skipped: 0, failed: 0, inFlight: 0, byReason: {}, ...over });

describe("which mirrors are LT strategies", () => {
  const models = [
    model("ft", "follow"),
    model("ft2", "follow"),
    model("rule", "rule"),
    model("live", "mirror", PM),
    model("paper", "mirror"),
    model("paper2", "mirror"),
    model("lighter", "mirror", { kind: "lighter", accountIndex: 1, apiKeyIndex: 2, privateKeyEnv: "K" }),
    model("perps", "mirror"),
    model("gone", "mirror"),
  ];

  it("keeps mirrors of follow models onto a Polymarket wallet (live) or the simulator (paper), live first, then active before paused, oldest first", () => {
    const paused = mirror("ft2", "paper2", { active: false });
    const paper = mirror("ft", "paper");
    const live = mirror("ft", "live");
    const perps = mirror("rule", "perps");
    const lighter = mirror("ft", "lighter");
    const deleted = mirror("ft", "gone", { deleted: true, active: false });
    const out = ltStrategies([paused, paper, perps, lighter, deleted, live], models, [{ modelId: "live", venue: "polymarket", account: "Polymarket wallet 0xabc", linked: true, problem: null }]);
    expect(out.map((s) => [s.mirror.id, s.mode, s.status])).toEqual([
      [live.id, "live", "active"],
      [paper.id, "paper", "active"],
      [paused.id, "paper", "paused"],
    ]);
    expect(out[0]).toMatchObject({
      source: { id: "ft", name: "ft name" },
      follower: { id: "live", name: "live name", status: "active" },
      account: { wallet: "0xabc", linked: true, problem: null, listed: true },
    });
    expect(out[1]!.account, "a paper follower has no wallet").toBeNull();
  });

  it("names the problem of a live wallet, and falls back to the venue's funder when the server does not list it", () => {
    const m = mirror("ft", "live");
    const off = ltStrategies([m], models, [{ modelId: "live", venue: "polymarket", account: "Polymarket wallet 0xdef", linked: false, problem: "live trading is off (TRADING_MODE=simulation)" }]);
    expect(off[0]!.account).toEqual({ wallet: "0xdef", linked: false, problem: "live trading is off (TRADING_MODE=simulation)", listed: true });
    expect(accountText(off[0]!.account)).toEqual({ text: "live trading is off (TRADING_MODE=simulation)", tone: "loss" });
    const unlisted = ltStrategies([m], models, []);
    expect(unlisted[0]!.account).toEqual({ wallet: "0xfunder", linked: false, problem: null, listed: false });
    expect(accountText(unlisted[0]!.account).text).toBe("not among the server's live accounts");
    expect(accountText({ wallet: "0x1", linked: true, problem: null, listed: true })).toEqual({ text: "linked", tone: "gain" });
    expect(accountText({ wallet: "0x1", linked: false, problem: null, listed: true }).text).toBe("not linked");
    expect(accountText(null).tone).toBe("muted");
  });

  it("skips a mirror whose models the list does not have (yet)", () => {
    expect(ltStrategies([mirror("ft", "unknown"), mirror("nobody", "paper")], models)).toEqual([]);
  });

  it("picks a follow model's copies and counts them", () => {
    const all = ltStrategies([mirror("ft", "live"), mirror("ft", "paper"), mirror("ft2", "paper2")], models);
    expect(ltOfSource(all, "ft").map((s) => s.follower.id)).toEqual(["live", "paper"]);
    expect(ltOfSource(all, "ft2").map((s) => s.follower.id)).toEqual(["paper2"]);
    expect(ltOfSource(all, "rule")).toEqual([]);
    expect(ltCountText(all)).toBe("1 live · 2 on paper");
    expect(ltCountText(all.filter((s) => s.mode === "paper"))).toBe("2 on paper");
    expect(ltCountText([])).toBe("none");
  });

  it("reads the wallet from the server's label", () => {
    expect(walletOf("Polymarket wallet 0xAbC")).toBe("0xAbC");
    expect(walletOf("0xabc")).toBe("0xabc");
  });
});

describe("the audit's figures in words", () => {
  it("gives latency as p50 and p99, and a dash before any order was sent", () => {
    expect(latencyText({ p50: 39, p99: 159.36 })).toBe("p50 39 ms · p99 159 ms");
    expect(latencyText({ p50: 4.25, p99: 1500 })).toBe("p50 4.3 ms · p99 1.5 s");
    expect(latencyText({ p50: null, p99: null })).toBe("—");
  });

  it("gives slippage as mean and p95 with how many fills, signed (positive is worse)", () => {
    expect(slippageText({ mean: 12.34, p95: -3, count: 7 })).toBe("mean +12.3 bps · p95 -3.0 bps (7 fills)");
    expect(slippageText({ mean: 0, p95: 0, count: 1 })).toBe("mean 0.0 bps · p95 0.0 bps (1 fill)");
    expect(slippageText({ mean: null, p95: null, count: 0 })).toBe("no fills yet");
  });

  it("gives each side's P&L with its return, and LT against FT in dollars and points", () => {
    const side = (pnl: string, returnPct: number | null) => ({ positions: 1, cost: "10", realizedPnl: "0", unrealizedPnl: pnl, pnl, returnPct });
    expect(pnlText(side("0.8568", 1.4776))).toBe("+$0.86 (+1.48%)");
    expect(pnlText(side("-2.005", -20.05))).toBe("-$2.01 (-20.05%)");
    expect(pnlText(side("0", null))).toBe("$0.00 (—)");
    const pnl: MirrorMetrics["pnl"] = { since: "2026-01-01T00:00:00.000Z", source: side("3.0739", 7.9747), follower: side("0.8568", 1.4776), pnlDiff: "-2.2171", returnDiffPct: -6.4971 };
    expect(pnlDiffText(pnl)).toBe("-$2.22, -6.50 pp");
    expect(pnlDiffText({ ...pnl, pnlDiff: "0", returnDiffPct: null })).toBe("$0.00, —");
  });

  it("counts the outcomes, naming failed and in-flight ones only when there are some", () => {
    expect(outcomesText(counts({ signals: 10, filled: 7, skipped: 3 }))).toBe("7 filled · 0 partial · 3 skipped");
    expect(outcomesText(counts({ signals: 6, filled: 2, partial: 1, skipped: 1, failed: 1, inFlight: 1 }))).toBe("2 filled · 1 partial · 1 skipped · 1 failed · 1 in flight");
  });

  it("lists the top reasons in words, most frequent first", () => {
    const top = topReasons(counts({ signals: 9, skipped: 9, byReason: { below_min_size: 2, slippage_exceeded: 4, mirror_paused: 1, no_follower_position: 2 } }), 3);
    expect(top.map((r) => [r.reason, r.label, r.count])).toEqual([
      ["slippage_exceeded", "slippage exceeded", 4],
      ["below_min_size", "below minimum size", 2],
      ["no_follower_position", "no follower position", 2],
    ]);
    expect(top[0]!.help).toMatch(/price moved past the slippage bound/);
  });
});

describe("an execution on an outcome token", () => {
  const exec = (over: Partial<ExecutionView>): Pick<ExecutionView, "action" | "side" | "avgPrice" | "trader"> => ({ action: "open", side: "LONG", avgPrice: null, trader: null, ...over });

  it("is a buy when FT opened or added, a sell when it reduced or closed", () => {
    expect(tokenSide(exec({ action: "open" }))).toBe("BUY");
    expect(tokenSide(exec({ action: "scale" }))).toBe("BUY");
    expect(tokenSide(exec({ action: "reduce" }))).toBe("SELL");
    expect(tokenSide(exec({ action: "close" }))).toBe("SELL");
    expect(tokenSide(exec({ action: "exit_plan" }))).toBe("—");
  });

  it("shows our fill against the trader's price in cents", () => {
    expect(priceVsTrader(exec({ avgPrice: "0.515", trader: { signalId: "1", wallet: "0xw", price: "0.5", at: null } }))).toBe("fill 51.5¢ · trader 50¢");
    expect(priceVsTrader(exec({ avgPrice: null, trader: { signalId: "1", wallet: "0xw", price: "0.42", at: null } }))).toBe("fill — · trader 42¢");
    expect(priceVsTrader(exec({ avgPrice: "0.8", trader: null }))).toBe("fill 80¢ · trader —");
  });

  it("is named by its market's question and outcome, found by its symbol", () => {
    const markets = [
      {
        conditionId: "0xc1",
        question: "Will it rain?",
        outcomes: [
          { outcome: "Yes", tokenId: "1", symbol: "RAIN-YES", bid: null, ask: null, mid: null },
          { outcome: "No", tokenId: "2", symbol: "RAIN-NO", bid: null, ask: null, mid: null },
        ],
      },
    ];
    expect(tokenName("RAIN-NO", markets)).toEqual({ conditionId: "0xc1", question: "Will it rain?", outcome: "No" });
    expect(tokenName("OTHER-YES", markets)).toEqual({ conditionId: null, question: null, outcome: null });
    expect(tokenName("RAIN-NO", undefined).conditionId).toBeNull();
  });
});
