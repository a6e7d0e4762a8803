/**
 * The models' trades on a candle chart: an arrow at each entry, a circle at each exit with its
 * P&L. Markers sit on the candle whose interval holds the event (a marker must name a bar's
 * time), and events outside the candles shown are left out rather than piled on an edge.
 */
import type { PositionView, TradeView } from "../api/types.ts";
import { usd } from "./format.ts";

export interface ChartMarker {
  id: string;
  /** Unix seconds: the open time of the candle it sits on. */
  time: number;
  position: "aboveBar" | "belowBar";
  shape: "arrowUp" | "arrowDown" | "circle";
  color: string;
  text: string;
}

export const MARKER_COLORS = { long: "#3fb950", short: "#f85149", gain: "#3fb950", loss: "#f85149", flat: "#8b949e" };

export interface MarkerInput {
  symbol: string;
  trades: readonly TradeView[];
  positions: readonly PositionView[];
  /** Model names by id; the id's start stands in for an unknown one. */
  names: ReadonlyMap<string, string>;
  intervalSec: number;
  /** Open times (unix seconds) of the first and last candle shown. */
  range: { from: number; to: number } | null;
}

function entry(id: string, modelName: string, side: string, at: string): Omit<ChartMarker, "time"> & { at: string } {
  const long = side === "LONG";
  return { id, at, position: long ? "belowBar" : "aboveBar", shape: long ? "arrowUp" : "arrowDown", color: long ? MARKER_COLORS.long : MARKER_COLORS.short, text: `${modelName} ${side}` };
}

export function tradeMarkers(input: MarkerInput): ChartMarker[] {
  const name = (id: string) => input.names.get(id) ?? id.slice(0, 8);
  const raw: Array<Omit<ChartMarker, "time"> & { at: string }> = [];
  for (const t of input.trades) {
    if (t.symbol !== input.symbol) continue;
    raw.push(entry(`${t.id}:in`, name(t.modelId), t.side, t.openedAt));
    const pnl = Number(t.realizedPnl);
    raw.push({
      id: `${t.id}:out`,
      at: t.closedAt,
      // Closing a long sells (drawn above the bar), closing a short buys (below).
      position: t.side === "LONG" ? "aboveBar" : "belowBar",
      shape: "circle",
      color: pnl > 0 ? MARKER_COLORS.gain : pnl < 0 ? MARKER_COLORS.loss : MARKER_COLORS.flat,
      text: `exit ${usd(t.realizedPnl, { signed: true })}`,
    });
  }
  for (const p of input.positions) if (p.symbol === input.symbol) raw.push(entry(`${p.id}:open`, name(p.modelId), p.side, p.openedAt));

  const out: ChartMarker[] = [];
  for (const { at, ...m } of raw) {
    const ms = Date.parse(at);
    if (!Number.isFinite(ms)) continue;
    const time = Math.floor(ms / 1000 / input.intervalSec) * input.intervalSec;
    if (!input.range || time < input.range.from || time > input.range.to) continue;
    out.push({ ...m, time });
  }
  return out.sort((a, b) => a.time - b.time || a.id.localeCompare(b.id));
}
