import { useState, type FormEvent } from "react";
import { Link } from "wouter";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, send } from "../api/client.ts";
import type { MarketView, ModelView, OpenPositionView } from "../api/types.ts";
import { parseFieldErrors, placeFieldErrors } from "../lib/form-errors.ts";
import { num, usd } from "../lib/format.ts";
import { ErrorBox, Segmented } from "./ui.tsx";
import { FormField } from "./form-field.tsx";

type Side = "LONG" | "SHORT";

/** The inputs of this form, by the names the server gives fields in a 400. */
const FIELDS = ["symbol", "quantity", "leverage", "exitPlan.stop", "exitPlan.target"];

function FillResult({ result }: { result: OpenPositionView }) {
  return (
    <div className={`sim-result ${result.status === "resting" ? "" : "ok"}`} role="status">
      <strong>{result.status === "filled" ? "Filled" : result.status === "partial" ? "Partly filled" : "Resting on the book"}</strong>
      <div className="stats">
        <div>
          <div className="stat-label">Filled / requested</div>
          <div className="num">
            {num(result.filledQuantity)} / {num(result.requestedQuantity)}
          </div>
        </div>
        <div>
          <div className="stat-label">Average price</div>
          <div className="num">{num(result.averagePrice)}</div>
        </div>
        <div>
          <div className="stat-label">Fees</div>
          <div className="num">{usd(result.fees, { places: 4 })}</div>
        </div>
        {result.position && (
          <div>
            <div className="stat-label">Position now</div>
            <div className="num">
              {result.position.side} {num(result.position.quantity)} @ {num(result.position.entryPrice)}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

/** A manual market order for a model, as its tools would place one. */
export function SimOrderForm({ models, markets }: { models: readonly ModelView[]; markets: readonly MarketView[] }) {
  const client = useQueryClient();
  const [modelId, setModelId] = useState("");
  const [symbol, setSymbol] = useState("");
  const [side, setSide] = useState<Side>("LONG");
  const [quantity, setQuantity] = useState("");
  const [leverage, setLeverage] = useState("1");
  const [stop, setStop] = useState("");
  const [target, setTarget] = useState("");
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<OpenPositionView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  const model = modelId || models[0]?.id || "";
  const sym = symbol || markets[0]?.symbol || "";
  const market = markets.find((m) => m.symbol === sym);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    setError(null);
    setFieldErrors({});
    if (!model || !sym || quantity.trim() === "") {
      setFieldErrors(quantity.trim() === "" ? { quantity: "Enter a quantity." } : {});
      return;
    }
    const exitPlan = { ...(stop.trim() ? { stop: stop.trim() } : {}), ...(target.trim() ? { target: target.trim() } : {}) };
    setSending(true);
    try {
      const body = { symbol: sym, side, quantity: quantity.trim(), ...(leverage.trim() ? { leverage: leverage.trim() } : {}), ...(Object.keys(exitPlan).length > 0 ? { exitPlan } : {}) };
      setResult(await send<OpenPositionView>("POST", `/models/${encodeURIComponent(model)}/positions`, body));
      void client.invalidateQueries({ predicate: (q) => ["positions", "models", "orders", "leaderboard"].includes(String(q.queryKey[0])) });
    } catch (err) {
      const placed = err instanceof ApiError && err.status === 400 ? placeFieldErrors(parseFieldErrors(err.message), FIELDS) : null;
      if (placed) setFieldErrors(placed.byField);
      // Problems shown under their inputs are not repeated in the box.
      if (!placed || placed.other.length > 0) setError(placed ? new Error(placed.other.join("; ")) : err);
    } finally {
      setSending(false);
    }
  };

  return (
    <form className="fields" onSubmit={(e) => void submit(e)} noValidate data-testid="sim-order-form">
      <div className="form-pair">
        <FormField label="Model">
          <select value={model} onChange={(e) => setModelId(e.target.value)}>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} ({m.status})
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Market" error={fieldErrors.symbol}>
          <select value={sym} onChange={(e) => setSymbol(e.target.value)}>
            {markets.map((m) => (
              <option key={m.symbol} value={m.symbol}>
                {m.symbol}
              </option>
            ))}
          </select>
        </FormField>
      </div>
      <FormField label="Side">
        <Segmented label="Side" value={side} options={["LONG", "SHORT"] as const} onChange={setSide} />
      </FormField>
      <div className="form-pair">
        <FormField
          label={`Quantity${market ? ` (${market.symbol})` : ""}`}
          error={fieldErrors.quantity}
          hint={market ? `At most ${market.sizeDecimals} decimals; minimum ${market.minBaseAmount}.` : undefined}
        >
          <input value={quantity} onChange={(e) => setQuantity(e.target.value)} inputMode="decimal" />
        </FormField>
        <FormField label="Leverage" error={fieldErrors.leverage} hint="1 to 20.">
          <input value={leverage} onChange={(e) => setLeverage(e.target.value)} inputMode="decimal" />
        </FormField>
      </div>
      <div className="form-pair">
        <FormField label="Stop (optional)" error={fieldErrors["exitPlan.stop"]} hint={`${market?.mid ? `Mid now ${num(market.mid)}. ` : ""}Models usually require a stop (risk limit requireStop).`}>
          <input value={stop} onChange={(e) => setStop(e.target.value)} inputMode="decimal" />
        </FormField>
        <FormField label="Target (optional)" error={fieldErrors["exitPlan.target"]}>
          <input value={target} onChange={(e) => setTarget(e.target.value)} inputMode="decimal" />
        </FormField>
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={sending || !model || !sym}>
          {sending ? "Placing…" : `Place ${side === "LONG" ? "buy" : "sell"} order`}
        </button>
        {model && (
          <Link href={`/models/${encodeURIComponent(model)}`} className="small">
            Open the model&apos;s page
          </Link>
        )}
      </div>
      {result && <FillResult result={result} />}
      <ErrorBox error={error} what="Order not placed" />
    </form>
  );
}
