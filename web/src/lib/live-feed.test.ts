import { describe, expect, it } from "vitest";
import { filterRows, isSnapshot, mergeHistory, prependRows, toFeedRow, type FeedRow } from "./live-feed.ts";

const at = new Date("2025-01-02T03:04:05.000Z");

const order = (over: Record<string, unknown> = {}) => ({
  id: "o1",
  clientOrderId: "c1",
  modelId: "m1",
  venue: "sim",
  symbol: "BTC",
  side: "BUY",
  type: "MARKET",
  price: null,
  quantity: "0.5",
  filledQuantity: "0",
  status: "NEW",
  reason: null,
  purpose: "OPEN",
  closeTrigger: null,
  createdAt: "2025-01-02T03:04:00.000Z",
  ...over,
});

const position = (over: Record<string, unknown> = {}) => ({
  id: "p1",
  modelId: "m1",
  symbol: "ETH",
  side: "LONG",
  quantity: "2",
  leverage: "3",
  entryPrice: "3000.5",
  markPrice: "3001",
  unrealizedPnl: "1",
  exitPlan: null,
  openedAt: "2025-01-02T03:00:00.000Z",
  closeTrigger: null,
  ...over,
});

describe("toFeedRow", () => {
  it("skips market ticks and events without an id", () => {
    expect(toFeedRow({ type: "market", data: { symbol: "BTC" } }, at)).toBeNull();
    expect(toFeedRow({ type: "order", data: { action: "placed", order: order() } }, at)).toBeNull();
    expect(toFeedRow({ id: 3, type: "mystery", data: {} }, at)).toBeNull();
  });

  it("maps a placed order", () => {
    const row = toFeedRow({ id: 7, type: "order", data: { action: "placed", order: order() } }, at)!;
    expect(row).toMatchObject({
      id: "7",
      kind: "order",
      action: "placed",
      tone: "neutral",
      modelId: "m1",
      symbol: "BTC",
      side: "BUY",
      quantity: "0.5",
      price: null,
      pnl: null,
      detail: "MARKET · open",
    });
    expect(row.at).toBe(at.toISOString());
  });

  it("shows the filled quantity of a fill", () => {
    const row = toFeedRow({ id: 8, type: "order", data: { action: "partially_filled", order: order({ filledQuantity: "0.2", price: "100" }) } }, at)!;
    expect(row).toMatchObject({ tone: "good", quantity: "0.2", price: "100" });
  });

  it("carries a rejection's reason and a close's trigger", () => {
    const row = toFeedRow({ id: 9, type: "order", data: { action: "rejected", order: order({ reason: "insufficient_margin", purpose: "CLOSE", closeTrigger: "STOP" }) } }, at)!;
    expect(row).toMatchObject({ tone: "bad", reason: "insufficient_margin", detail: "MARKET · close (STOP)" });
  });

  it("maps a failed close (no order, the message as reason)", () => {
    const data = { action: "close_failed", positionId: "p1", symbol: "SOL", closeTrigger: "STOP", attempt: 2, reason: "no_liquidity", message: "The book is empty", retryInMs: 5000 };
    const row = toFeedRow({ id: 10, type: "order", data }, at)!;
    expect(row).toMatchObject({ kind: "order", action: "close_failed", tone: "bad", symbol: "SOL", reason: "The book is empty", detail: "STOP attempt 2, retry in 5 s" });
  });

  it("maps an opened position at its entry price", () => {
    const row = toFeedRow({ id: 11, type: "position", data: { action: "opened", position: position() } }, at)!;
    expect(row).toMatchObject({ kind: "position", action: "opened", tone: "good", side: "LONG", quantity: "2", price: "3000.5", pnl: null, reason: null, detail: "3×" });
  });

  it("maps a close with its exit price, P&L and trigger", () => {
    const win = toFeedRow({ id: 12, type: "position", data: { action: "closed", position: position({ closeTrigger: "TARGET", exitPrice: "3100", realizedPnl: "199.12" }) } }, at)!;
    expect(win).toMatchObject({ action: "closed", tone: "good", price: "3100", pnl: "199.12", reason: "TARGET" });
    const loss = toFeedRow({ id: 13, type: "position", data: { action: "reduced", position: position({ closeTrigger: "STOP", exitPrice: "2900", realizedPnl: "-50" }) } }, at)!;
    expect(loss).toMatchObject({ action: "reduced", tone: "bad", pnl: "-50", reason: "STOP" });
  });

  it("summarises an exit-plan update", () => {
    const row = toFeedRow({ id: 14, type: "position", data: { action: "exit_plan_updated", position: position({ exitPlan: { stop: "2950", target: "3200" } }) } }, at)!;
    expect(row.detail).toBe("stop 2950 · target 3200");
  });

  it("maps account creation and resets, and marks equity snapshots", () => {
    const created = toFeedRow({ id: 15, type: "account", data: { modelId: "m2", action: "created", cash: "10000" } }, at)!;
    expect(created).toMatchObject({ kind: "account", action: "created", modelId: "m2", detail: "cash 10000" });
    expect(isSnapshot(created)).toBe(false);
    const snap = toFeedRow({ id: 16, type: "account", data: { modelId: "m2", ts: "2025-01-02T03:04:00.000Z", cash: "1", equity: "10010" } }, at)!;
    expect(snap).toMatchObject({ action: "snapshot", at: "2025-01-02T03:04:00.000Z", detail: "equity 10010" });
    expect(isSnapshot(snap)).toBe(true);
  });

  it("maps a model halted or made active again, with the reason", () => {
    const halted = toFeedRow({ id: 30, type: "account", data: { modelId: "m3", action: "status", status: "halted", reason: "the exchange holds LONG 0.02 BTC that the database does not know" } }, at)!;
    expect(halted).toMatchObject({ kind: "account", action: "halted", tone: "bad", modelId: "m3", reason: "the exchange holds LONG 0.02 BTC that the database does not know" });
    expect(isSnapshot(halted)).toBe(false);
    const active = toFeedRow({ id: 31, type: "account", data: { modelId: "m3", action: "status", status: "active", reason: null } }, at)!;
    expect(active).toMatchObject({ action: "active", tone: "good", reason: null, detail: null });
  });

  it("maps the kill switch thrown (with the orders it canceled) and lifted", () => {
    const halted = toFeedRow({ id: 32, type: "live", data: { halted: true, reason: "drill", canceledOrders: 2 } }, at)!;
    expect(halted).toMatchObject({ kind: "live", action: "halted", tone: "bad", modelId: null, reason: "drill", detail: "all live trading, 2 open orders canceled" });
    expect(toFeedRow({ id: 33, type: "live", data: { halted: true, reason: null, canceledOrders: 0 } }, at)).toMatchObject({ reason: null, detail: "all live trading" });
    expect(toFeedRow({ id: 34, type: "live", data: { halted: false, reason: null, canceledOrders: 0 } }, at)).toMatchObject({ action: "resumed", tone: "good" });
  });

  it("maps a finished decision with its tool calls or error", () => {
    const ok = toFeedRow(
      { id: 17, type: "invocation", data: { id: "i1", modelId: "m1", status: "ok", durationMs: 1234, toolCalls: [{ type: "CREATE_POSITION" }, { type: "HOLDING" }], failedToolCalls: 0 } },
      at,
    )!;
    expect(ok).toMatchObject({ kind: "invocation", action: "ok", tone: "good", modelId: "m1", reason: null, detail: "CREATE_POSITION, HOLDING in 1.2 s" });
    const bad = toFeedRow({ id: 18, type: "invocation", data: { id: "i2", modelId: "m1", status: "error", error: "boom", toolCalls: [], durationMs: null } }, at)!;
    expect(bad).toMatchObject({ tone: "bad", reason: "boom", detail: "no tool calls" });
  });

  it("maps a finished scheduler cycle: models by outcome, its duration, an overrun and what started it", () => {
    const cycle = (over: Record<string, unknown> = {}) => ({
      cycleId: "c1",
      trigger: "interval",
      startedAt: "2025-01-02T03:00:00.000Z",
      finishedAt: "2025-01-02T03:00:02.500Z",
      durationMs: 2500,
      intervalMs: 300_000,
      models: 3,
      ok: 3,
      failed: 0,
      timedOut: 0,
      skipped: 0,
      stale: 0,
      missedTicks: 0,
      overran: false,
      ...over,
    });
    expect(toFeedRow({ id: 40, type: "cycle", data: cycle() }, at)).toEqual({
      id: "40",
      kind: "cycle",
      action: "finished",
      tone: "good",
      at: "2025-01-02T03:00:02.500Z",
      modelId: null,
      symbol: null,
      side: null,
      quantity: null,
      price: null,
      pnl: null,
      reason: null,
      detail: "3 models: 3 ok · 2.5 s",
    });
    expect(toFeedRow({ id: 41, type: "cycle", data: cycle({ ok: 1, failed: 1, timedOut: 1, trigger: "start" }) }, at)).toMatchObject({
      tone: "bad",
      detail: "3 models: 1 ok, 1 failed, 1 timed out · 2.5 s · start",
    });
    expect(toFeedRow({ id: 42, type: "cycle", data: cycle({ models: 1, ok: 1, durationMs: 400_000, overran: true, missedTicks: 1 }) }, at)).toMatchObject({
      action: "overran",
      tone: "warn",
      reason: "longer than the 300 s interval, 1 missed",
      detail: "1 model: 1 ok · 400.0 s",
    });
    // Filtering by a model hides cycles (they concern none); by nothing, they show.
    const row = toFeedRow({ id: 43, type: "cycle", data: cycle() }, at)!;
    expect(filterRows([row], { modelId: "m1", symbol: "" })).toEqual([]);
    expect(filterRows([row], { modelId: "", symbol: "" })).toEqual([row]);
  });

  it("survives malformed data", () => {
    expect(toFeedRow({ id: 19, type: "position", data: "garbage" }, at)).toMatchObject({ kind: "position", modelId: null, symbol: null });
    expect(toFeedRow({ id: 20, type: "mirror", data: null }, at)).toMatchObject({ kind: "mirror", action: "pending", modelId: null });
    expect(toFeedRow({ id: 44, type: "cycle", data: null }, at)).toMatchObject({ kind: "cycle", action: "finished", detail: "0 models: 0 ok" });
  });

  const execution = (over: Record<string, unknown> = {}) => ({
    id: "e1",
    mirrorId: "mir1",
    signalId: "40",
    followerModelId: "f1",
    action: "open",
    symbol: "BTC",
    side: "LONG",
    state: "done",
    outcome: "filled",
    reason: null,
    detail: null,
    message: null,
    source: { price: "100000", quantity: "0.01", at: "2025-01-02T03:04:00.000Z" },
    intendedQuantity: "0.005",
    filledQuantity: "0.005",
    avgPrice: "100010",
    latencyMs: { sent: 4, filled: 6 },
    finishedAt: "2025-01-02T03:04:01.000Z",
    ...over,
  });

  it("maps a filled copy-trading execution to the follower, its fill and its mirror", () => {
    const r = toFeedRow({ id: 21, type: "mirror", data: execution() }, at)!;
    expect(r).toMatchObject({
      kind: "mirror",
      action: "filled",
      tone: "good",
      at: "2025-01-02T03:04:01.000Z",
      modelId: "f1",
      symbol: "BTC",
      side: "LONG",
      quantity: "0.005",
      price: "100010",
      reason: null,
      detail: "open · sent in 4 ms",
      mirrorId: "mir1",
    });
  });

  it("maps a skipped execution with its reason, the check's code and the message; one in flight by its state", () => {
    const skipped = toFeedRow(
      {
        id: 22,
        type: "mirror",
        data: execution({
          outcome: "skipped",
          reason: "risk_rejected",
          detail: "max_leverage",
          message: "leverage 20 above 10",
          filledQuantity: "0",
          avgPrice: null,
          latencyMs: { sent: null, filled: null },
        }),
      },
      at,
    )!;
    expect(skipped).toMatchObject({ action: "skipped", tone: "warn", quantity: "0.005", price: "100000", reason: "risk rejected (max_leverage): leverage 20 above 10", detail: "open" });
    const resting = toFeedRow({ id: 23, type: "mirror", data: execution({ state: "working", outcome: null, finishedAt: null }) }, at)!;
    expect(resting).toMatchObject({ action: "resting", tone: "neutral", at: at.toISOString() });
    expect(toFeedRow({ id: 24, type: "mirror", data: execution({ outcome: "failed", reason: "venue_error" }) }, at)).toMatchObject({ tone: "bad", reason: "venue error" });
  });
});

const row = (id: string, over: Partial<FeedRow> = {}): FeedRow => ({
  id,
  kind: "order",
  action: "placed",
  tone: "neutral",
  at: at.toISOString(),
  modelId: "m1",
  symbol: "BTC",
  side: null,
  quantity: null,
  price: null,
  pnl: null,
  reason: null,
  detail: null,
  ...over,
});

describe("prependRows", () => {
  it("puts new rows first, drops ids already shown, keeps at most max", () => {
    const list = [row("3"), row("2"), row("1")];
    expect(prependRows(list, [row("5"), row("4"), row("3")], 4).map((r) => r.id)).toEqual(["5", "4", "3", "2"]);
  });
  it("drops repeats inside the batch", () => {
    expect(prependRows([], [row("1"), row("1")], 10).map((r) => r.id)).toEqual(["1"]);
  });
});

describe("mergeHistory", () => {
  it("joins history and streamed rows by id, highest id first, at most max", () => {
    // 12 streamed in before the history (…, 10, 11, 12) answered: it appears once.
    const merged = mergeHistory([row("13"), row("12")], [row("12"), row("11"), row("9")], 3);
    expect(merged.map((r) => r.id)).toEqual(["13", "12", "11"]);
  });
  it("orders by the number, not the text", () => {
    expect(mergeHistory([row("100")], [row("99"), row("1000")], 10).map((r) => r.id)).toEqual(["1000", "100", "99"]);
  });
});

describe("filterRows", () => {
  const rows = [row("1", { modelId: "a", symbol: "BTC" }), row("2", { modelId: "b", symbol: "ETH" }), row("3", { modelId: "a", symbol: null, kind: "invocation" })];
  it("keeps everything without a filter", () => expect(filterRows(rows, { modelId: "", symbol: "" })).toHaveLength(3));
  it("filters by model", () => expect(filterRows(rows, { modelId: "a", symbol: "" }).map((r) => r.id)).toEqual(["1", "3"]));
  it("filters by symbol, dropping rows without one", () => expect(filterRows(rows, { modelId: "", symbol: "BTC" }).map((r) => r.id)).toEqual(["1"]));
});
