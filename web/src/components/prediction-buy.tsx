import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, send } from "../api/client.ts";
import { useModels } from "../api/queries.ts";
import type { OpenPositionView, PredictionMarketView } from "../api/types.ts";
import { isDecimal, multiplyDecimal } from "../lib/decimal.ts";
import { num, usd } from "../lib/format.ts";
import { buyErrorField, cents } from "../lib/prediction.ts";
import { ErrorBox, Loading } from "./ui.tsx";
import { FormField } from "./form-field.tsx";

const CHANGED = ["positions", "trades", "models", "leaderboard", "orders", "prediction-markets", "prediction-book"];

/** A manual buy of an outcome's shares for a model: a market order at the ask, as the model's own tools would place it. */
export function PredictionBuy({ market }: { market: PredictionMarketView }) {
  const client = useQueryClient();
  const models = useModels();
  const [modelId, setModelId] = useState("");
  const [symbol, setSymbol] = useState(market.outcomes[0]?.symbol ?? "");
  const [quantity, setQuantity] = useState("");
  const [sending, setSending] = useState(false);
  const [errors, setErrors] = useState<{ quantity?: string; symbol?: string; other?: unknown }>({});
  const [result, setResult] = useState<OpenPositionView | null>(null);

  if (models.isPending) return <Loading what="models" />;
  if (models.isError) return <ErrorBox error={models.error} what="Models" />;
  const choices = models.data.filter((m) => m.kind !== "mirror");
  const model = modelId || choices[0]?.id || "";
  const outcome = market.outcomes.find((o) => o.symbol === symbol);
  const q = quantity.trim();
  const cost = outcome?.ask && isDecimal(q) ? multiplyDecimal(q, outcome.ask) : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setResult(null);
    if (q === "") return setErrors({ quantity: "Enter a number of shares." });
    if (!model) return setErrors({ other: new Error("There is no model to buy for: add one first.") });
    setSending(true);
    try {
      setResult(await send<OpenPositionView>("POST", `/models/${encodeURIComponent(model)}/positions`, { symbol, side: "LONG", quantity: q }));
      void client.invalidateQueries({ predicate: (x) => CHANGED.includes(String(x.queryKey[0])) });
    } catch (err) {
      const field = err instanceof ApiError ? buyErrorField(err.status, err.code, err.message) : "";
      // A 400 names its field ("quantity: must be …"); the field's own label says that already.
      const text = err instanceof ApiError ? `${err.message.replace(/^(quantity|symbol):\s*/, "")} (${err.code})` : "";
      setErrors(field ? { [field]: text } : { other: err });
    } finally {
      setSending(false);
    }
  };

  return (
    <form className="pm-buy" onSubmit={(e) => void submit(e)} noValidate data-testid="pm-buy">
      <div className="form-pair">
        <FormField label="Model">
          <select value={model} onChange={(e) => setModelId(e.target.value)}>
            {choices.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Outcome" {...(errors.symbol ? { error: errors.symbol } : {})}>
          <select value={symbol} onChange={(e) => setSymbol(e.target.value)}>
            {market.outcomes.map((o) => (
              <option key={o.tokenId} value={o.symbol}>
                {o.outcome} ({cents(o.ask)})
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Shares" hint={`At least ${num(market.minOrderSize)} shares${cost ? `; about ${usd(cost)} at the ask` : ""}`} {...(errors.quantity ? { error: errors.quantity } : {})}>
          <input inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.target.value)} placeholder={market.minOrderSize} autoComplete="off" />
        </FormField>
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={sending || !symbol}>
          {sending ? "Buying…" : "Buy shares"}
        </button>
      </div>
      <ErrorBox error={errors.other} what="Not bought" />
      {result && (
        <div className="model-close-ok" role="status">
          {result.status === "filled" ? "Bought" : result.status === "partial" ? "Partly bought" : "Resting on the book:"} {num(result.filledQuantity, 2)} of {num(result.requestedQuantity, 2)} shares
          at {cents(result.averagePrice)}.
        </div>
      )}
    </form>
  );
}
