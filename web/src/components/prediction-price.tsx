import { cents, probability } from "../lib/prediction.ts";

/** An outcome's price as cents with its probability beneath ("61¢" / "61%"); "—" for an empty side. */
export function PredictionPrice({ price, label }: { price: string | null; label: string }) {
  if (price === null)
    return (
      <span className="muted" aria-label={`${label}: none`}>
        —
      </span>
    );
  return (
    <span className="pm-price" aria-label={`${label}: ${cents(price)}, ${probability(price)}`} data-price={price}>
      <span>{cents(price)}</span>
      <span className="muted small">{probability(price)}</span>
    </span>
  );
}
