import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { send } from "../api/client.ts";
import type { MarketView } from "../api/types.ts";
import { shiftPrice } from "../lib/market-depth.ts";
import { num } from "../lib/format.ts";
import { ErrorBox } from "./ui.tsx";
import { FormField } from "./form-field.tsx";

const STEPS = [-5, -1, 1, 5] as const;

/** Moves a synthetic market's mid to a price: crashes, squeezes, gaps through stops. */
export function SimMoveMarket({ markets }: { markets: readonly MarketView[] }) {
  const client = useQueryClient();
  const [symbol, setSymbol] = useState("");
  // null: follow the current mid until the user types a price of their own.
  const [price, setPrice] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [moved, setMoved] = useState<MarketView | null>(null);
  const [error, setError] = useState<unknown>(null);

  const sym = symbol || markets[0]?.symbol || "";
  const market = markets.find((m) => m.symbol === sym);
  const decimals = market?.priceDecimals ?? 2;
  const mid = market?.mid ?? null;
  const shown = price ?? (mid ? (num(mid, decimals, decimals) ?? "").replace(/,/g, "") : "");

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setMoved(null);
    if (!sym || shown.trim() === "") return;
    setSending(true);
    try {
      const m = await send<MarketView>("POST", `/sim/markets/${encodeURIComponent(sym)}/move`, { price: shown.trim() });
      setMoved(m);
      setPrice(null);
      client.setQueryData<MarketView[]>(["markets"], (old) => old?.map((x) => (x.symbol === m.symbol ? { ...x, ...m } : x)));
      void client.invalidateQueries({ predicate: (q) => ["book", "candles", "positions"].includes(String(q.queryKey[0])) });
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
    }
  };

  return (
    <form className="fields" onSubmit={(e) => void submit(e)} noValidate data-testid="sim-move-market">
      <div className="form-pair">
        <FormField label="Market">
          <select
            value={sym}
            onChange={(e) => {
              setSymbol(e.target.value);
              setPrice(null);
            }}
          >
            {markets.map((m) => (
              <option key={m.symbol} value={m.symbol}>
                {m.symbol}
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Target mid price" hint={mid ? `Mid now ${num(mid, decimals, decimals)}` : "No price yet"}>
          <input value={shown} onChange={(e) => setPrice(e.target.value)} inputMode="decimal" />
        </FormField>
      </div>
      <div className="row" role="group" aria-label="Move from the current mid">
        {STEPS.map((s) => (
          <button key={s} type="button" disabled={!mid} onClick={() => mid && setPrice(shiftPrice(mid, s, decimals))} className={s < 0 ? "loss" : "gain"}>
            {s > 0 ? "+" : "−"}
            {Math.abs(s)}%
          </button>
        ))}
        <button type="button" className="small" disabled={price === null} onClick={() => setPrice(null)}>
          Reset to mid
        </button>
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={sending || !sym || shown.trim() === ""}>
          {sending ? "Moving…" : `Move ${sym || "market"}`}
        </button>
        <span className="muted small">The feed goes on from the new price; stops and targets it crosses trigger.</span>
      </div>
      {moved && (
        <div className="sim-result ok" role="status">
          <strong>{moved.symbol} moved.</strong> Bid {num(moved.bid, decimals, decimals)} · ask {num(moved.ask, decimals, decimals)} · mid {num(moved.mid, decimals, decimals)}
        </div>
      )}
      <ErrorBox error={error} what="Market not moved" />
    </form>
  );
}
