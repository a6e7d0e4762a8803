/**
 * Words for the model page's risk limits and run statistics. The limit names come from the
 * server (src/trading/risk/limits.ts); their units are read from the name's suffix so a limit
 * added later still reads sensibly.
 */

/** Share of scheduler runs that failed, as a fraction; null before the first run. */
export function failureRate(runs: { runs: number; failedRuns: number }): number | null {
  return runs.runs > 0 ? runs.failedRuns / runs.runs : null;
}

/** Share of tool calls that failed, as a fraction; null before the first call. */
export function toolFailureRate(runs: { toolCalls: number; failedToolCalls: number }): number | null {
  return runs.toolCalls > 0 ? runs.failedToolCalls / runs.toolCalls : null;
}

/** A limit's name for people: "maxRiskPerTradePct" → "Max risk per trade" (the unit goes with the value). */
export function riskLabel(key: string): string {
  const words = key
    .replace(/(Pct|Minutes)$/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A limit's value with its unit: "2%", "30 min", "10×", "yes". */
export function riskValue(key: string, value: number | boolean): string {
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (key.endsWith("Pct")) return `${value}%`;
  if (key.endsWith("Minutes")) return `${value} min`;
  if (key === "maxLeverage") return `${value}×`;
  if (key === "maxGrossExposure") return `${value}× equity`;
  return String(value);
}
