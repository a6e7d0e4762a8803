/**
 * Axis ticks for the report's charts: round values ("nice numbers") on the value axis and UTC
 * calendar steps on the time axis, each with its label. Pure.
 */
import { formatNumber, groupDecimal } from "./format.js";

export interface Tick {
  value: number;
  label: string;
}

/** What the value axis counts: dollars, a price, or a fraction shown in percent. */
export type AxisUnit = "usd" | "price" | "percent";

/** The smallest of 1, 2, 2.5, 5 × 10^k at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** The decimals a label needs to tell ticks `step` apart (2.5 × 10^k needs one more than 10^k). */
function decimalsFor(step: number): number {
  for (let d = 0; d < 8; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * scaled) return d;
  }
  return 8;
}

function valueLabel(value: number, step: number, unit: AxisUnit): string {
  if (unit === "percent") return `${formatNumber(value * 100, decimalsFor(step * 100))}%`;
  const prefix = unit === "usd" ? "$" : "";
  const abs = Math.abs(value);
  const sign = value < 0 ? "-" : "";
  if (abs >= 1e6 && step >= 1e4) return `${sign}${prefix}${formatNumber(abs / 1e6, decimalsFor(step / 1e6))}M`;
  return `${sign}${prefix}${groupDecimal(abs.toFixed(decimalsFor(step)), 0)}`;
}

/** About `count` round ticks inside [min, max]. */
export function valueTicks(min: number, max: number, unit: AxisUnit, count = 5): Tick[] {
  if (!(max > min)) return [{ value: min, label: valueLabel(min, Math.abs(min) || 1, unit) }];
  const step = niceStep((max - min) / count);
  const ticks: Tick[] = [];
  for (let i = Math.ceil(min / step); i * step <= max + step * 1e-9; i++) {
    const value = Object.is(i * step, -0) ? 0 : i * step;
    ticks.push({ value, label: valueLabel(value, step, unit) });
  }
  return ticks;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** The epoch fell on a Thursday: weeks start on Monday, four days later. */
const MONDAY_OFFSET = 4 * DAY;

const pad2 = (n: number) => String(n).padStart(2, "0");
const dayLabel = (d: Date) => `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;

function timeLabel(ms: number, step: number): string {
  const d = new Date(ms);
  if (step >= DAY || ms % DAY === 0) return dayLabel(d);
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

/** Calendar months (every `months`) from the first month start at or after `from`. */
function monthTicks(from: number, to: number, months: number): Tick[] {
  const start = new Date(from);
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth();
  if (Date.UTC(year, month, 1) < from) month += 1;
  month = Math.ceil(month / months) * months;
  const ticks: Tick[] = [];
  for (let t = Date.UTC(year, month, 1); t <= to; t = Date.UTC(year, month, 1)) {
    const d = new Date(t);
    ticks.push({ value: t, label: d.getUTCMonth() === 0 ? String(d.getUTCFullYear()) : `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}` });
    month += months;
    if (month >= 12) {
      year += Math.floor(month / 12);
      month %= 12;
    }
  }
  return ticks;
}

/** About `count` ticks on round UTC times inside [from, to]: minutes and hours, days, weeks, months. */
export function timeTicks(from: number, to: number, count = 6): Tick[] {
  if (!(to > from)) return [{ value: from, label: timeLabel(from, DAY) }];
  const raw = (to - from) / count;
  const step = TIME_STEPS.find((s) => s >= raw);
  if (step === undefined) {
    const months = [1, 2, 3, 6, 12, 24, 60, 120].find((m) => m * 30 * DAY >= raw) ?? 120;
    return monthTicks(from, to, months);
  }
  const offset = step === 7 * DAY || step === 14 * DAY ? MONDAY_OFFSET : 0;
  const ticks: Tick[] = [];
  for (let t = Math.ceil((from - offset) / step) * step + offset; t <= to; t += step) ticks.push({ value: t, label: timeLabel(t, step) });
  return ticks;
}
