import { roundDecimal } from "./decimal.ts";

/**
 * Display formatting. Money arrives as decimal strings and is rounded as a string (half away
 * from zero), never through a float, so "$1,234.57" is exactly the API's 1234.565.
 */

function group(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** "$1,234.57", "-$12.00"; `signed` adds "+" to positive amounts; "—" for null or unreadable. */
export function usd(value: string | null | undefined, opts: { signed?: boolean; places?: number } = {}): string {
  if (value === null || value === undefined) return "—";
  const r = roundDecimal(value, opts.places ?? 2);
  if (r === null) return "—";
  const neg = r.startsWith("-");
  const [int, frac] = (neg ? r.slice(1) : r).split(".");
  const body = `$${group(int!)}${frac !== undefined ? `.${frac}` : ""}`;
  return neg ? `-${body}` : opts.signed && !/^[0.]*$/.test(r) ? `+${body}` : body;
}

/** A price or quantity as the API gives it, grouped, at most `places` decimals (trailing zeros kept to `min`). */
export function num(value: string | null | undefined, places = 8, min = 0): string {
  if (value === null || value === undefined) return "—";
  const r = roundDecimal(value, places);
  if (r === null) return "—";
  const neg = r.startsWith("-");
  let [int, frac = ""] = (neg ? r.slice(1) : r).split(".");
  frac = frac.replace(/0+$/, "").padEnd(min, "0");
  return `${neg ? "-" : ""}${group(int!)}${frac ? `.${frac}` : ""}`;
}

/** A percentage number (already in percent): "+1.23%"; ratios given as fractions use `ratioPct`. */
export function pct(value: number | null | undefined, opts: { signed?: boolean; places?: number } = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const s = value.toFixed(opts.places ?? 2);
  const zero = Number(s) === 0;
  return `${opts.signed && value > 0 && !zero ? "+" : ""}${zero ? (0).toFixed(opts.places ?? 2) : s}%`;
}

/** A fraction (0.25) as a percentage ("25.0%"). */
export function ratioPct(value: number | null | undefined, places = 1): string {
  return value === null || value === undefined ? "—" : pct(value * 100, { places });
}

/**
 * Why an annualised ratio (Sharpe, Sortino, Calmar) shows "—": the server leaves it null over less
 * than six days of equity curve (src/core/metrics.ts, MIN_SPAN_FOR_RATIOS_MS), where it is noise.
 */
export const ANNUALISED_NA = "— with under six days of equity history: annualised from a shorter span it would be noise";

/** A plain ratio such as Sharpe: "1.23" or "—". */
export function ratio(value: number | null | undefined, places = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "—" : value.toFixed(places);
}

/**
 * The CSS class for a P&L: gains green, losses red, zero neutral. Accepts a decimal string or a
 * number. The sign is the one shown at `places` decimals, so "-0.00%" or "$0.00" is never red.
 */
export function pnlClass(value: string | number | null | undefined, places = 2): string {
  if (value === null || value === undefined) return "";
  const shown = typeof value === "number" ? (Number.isFinite(value) ? value.toFixed(places) : null) : roundDecimal(value, places);
  const n = shown === null ? NaN : Number(shown);
  if (!Number.isFinite(n) || n === 0) return "";
  return n > 0 ? "gain" : "loss";
}

/** "14:03:07" today, "Dec 1, 14:03" otherwise, in the browser's time zone. */
export function time(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  const sameDay = d.toDateString() === now.toDateString();
  return sameDay
    ? d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" })
    : d.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** The full local date and time, for tooltips. */
export function fullTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleString();
}

/** "850 ms", "12.3 s", "4m 05s", "2h 10m", "3d 4h". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}
