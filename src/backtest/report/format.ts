/**
 * Text for the report: HTML escaping and the formats of money, ratios, times and durations.
 * Money arrives as exact decimal strings and is formatted as a string (grouped, padded), never
 * through a float; a difference of two amounts is taken on scaled integers.
 */
import { formatScaled, parseScaled } from "../../core/decimal.js";

/** The placeholder for a missing value (a null metric, a model absent from one run). */
export const NONE = "—";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text made safe for HTML content and for quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const PLAIN_DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** "1234567.5" -> "1,234,567.50": digits grouped by thousands, at least `minDecimals` decimals, nothing rounded. */
export function groupDecimal(value: string, minDecimals = 2): string {
  const m = PLAIN_DECIMAL.exec(value.trim());
  if (!m) return value;
  const whole = (m[2] ?? "0").replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+$)/g, ",");
  const frac = (m[3] ?? "").padEnd(minDecimals, "0");
  const sign = m[1] === "-" && /[1-9]/.test(m[2]! + (m[3] ?? "")) ? "-" : "";
  return `${sign}${whole}${frac ? `.${frac}` : ""}`;
}

/** An exact dollar amount: "-1234.5" -> "-$1,234.50"; `signed` puts a "+" on positive amounts (differences). */
export function formatMoney(value: string | null, signed = false): string {
  if (value === null) return NONE;
  const grouped = groupDecimal(value);
  if (!PLAIN_DECIMAL.test(value.trim())) return grouped;
  if (grouped.startsWith("-")) return `-$${grouped.slice(1)}`;
  return `${signed && /[1-9]/.test(grouped) ? "+" : ""}$${grouped}`;
}

/**
 * Formatted money as HTML for the summary tables: the digits past the cent in smaller type, so
 * "$10,234.567891" reads as dollars and cents at a glance and still shows every digit it was given.
 */
export function moneyHtml(formatted: string): string {
  const m = /^(.*\.\d{2})(\d+)$/.exec(formatted);
  return m ? `${escapeHtml(m[1]!)}<small>${m[2]}</small>` : escapeHtml(formatted);
}

/** A price or a quantity: exact, grouped, no currency and no padding. */
export function formatQuantity(value: string): string {
  return groupDecimal(value, 0);
}

function decimalsOf(value: string): number {
  const m = PLAIN_DECIMAL.exec(value.trim());
  return m?.[3]?.length ?? 0;
}

/** a − b exactly (both decimal strings), as a decimal string; null when either is missing or not a decimal. */
export function subtractMoney(a: string | null, b: string | null): string | null {
  if (a === null || b === null || !PLAIN_DECIMAL.test(a.trim()) || !PLAIN_DECIMAL.test(b.trim())) return null;
  const scale = Math.max(decimalsOf(a), decimalsOf(b));
  return formatScaled(parseScaled(a, scale) - parseScaled(b, scale), scale);
}

/** A number with fixed decimals, "∞" for an infinity, the placeholder for null or NaN. */
export function formatNumber(value: number | null, decimals = 2, signed = false): string {
  if (value === null || Number.isNaN(value)) return NONE;
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "-∞";
  const text = value.toFixed(decimals);
  // -0.00 reads as a loss that is not there
  if (/^-0\.?0*$/.test(text)) return text.slice(1);
  return signed && value > 0 ? `+${text}` : text;
}

/** A fraction as a percentage: 0.0523 -> "5.23%". */
export function formatPercent(fraction: number | null, decimals = 2, signed = false): string {
  if (fraction === null || Number.isNaN(fraction)) return NONE;
  return `${formatNumber(fraction * 100, decimals, signed)}%`;
}

/** A difference of two fractions in percentage points: 0.012 -> "+1.20 pp". */
export function formatPoints(fractionDiff: number | null, decimals = 2): string {
  if (fractionDiff === null || Number.isNaN(fractionDiff)) return NONE;
  return `${formatNumber(fractionDiff * 100, decimals, true)} pp`;
}

/** A whole number grouped by thousands: 1234567 -> "1,234,567". */
export function formatCount(value: number, signed = false): string {
  const grouped = groupDecimal(String(Math.round(Math.abs(value))), 0);
  if (value < 0 && grouped !== "0") return `-${grouped}`;
  return signed && value > 0 ? `+${grouped}` : grouped;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** Epoch ms as a UTC date: "2024-03-01". */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** Epoch ms as a UTC date and minute: "2024-03-01 14:05". */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${formatDate(ms)} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

/** A close time next to its open time: the time of day alone when both fall on the same UTC day. */
export function formatCloseTime(closedAt: number, openedAt: number): string {
  const full = formatDateTime(closedAt);
  return formatDate(closedAt) === formatDate(openedAt) ? full.slice(11) : full;
}

/** A span of milliseconds in the largest units that read naturally: "250 ms", "4.2 s", "5 min", "1 h 30 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${formatNumber(ms / 1000, ms < 10_000 ? 1 : 0)} s`;
  if (ms < 600_000) {
    const seconds = Math.round(ms / 1000);
    return seconds % 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds / 60} min`;
  }
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** Basis points: 2.5 -> "2.5 bps". */
export function formatBps(bps: number): string {
  return `${Number.isInteger(bps) ? bps : formatNumber(bps, 4).replace(/\.?0+$/, "")} bps`;
}
