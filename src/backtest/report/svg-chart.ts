/**
 * One time-series chart as inline SVG, drawn on the server: lines, optional trade markers, grid,
 * axis labels and an HTML legend. The curves live in an inner SVG stretched to the plot
 * (preserveAspectRatio none, strokes that do not scale), while labels and markers are placed in
 * percent of the outer SVG, which has no viewBox: the chart fills any width, and its text and
 * markers keep their size on a phone and on a wide screen alike.
 */
import { escapeHtml } from "./format.js";
import type { Point, TradeMarks } from "./figures.js";
import { timeTicks, valueTicks, type AxisUnit } from "./ticks.js";

export interface LineSeries {
  /** Palette index (the model's colour). */
  colour: number;
  label: string;
  points: readonly Point[];
  dashed?: boolean;
}

export interface LegendEntry {
  colour: number | "muted";
  label: string;
  dashed?: boolean;
}

export interface ChartSpec {
  /** What the chart shows, for screen readers. */
  label: string;
  unit: AxisUnit;
  span: { from: number; to: number };
  series: LineSeries[];
  /** A neutral line under the series (the price of a symbol). */
  backdrop?: readonly Point[];
  backdropLabel?: string;
  trades?: readonly TradeMarks[];
  /** A horizontal reference line, e.g. the initial capital. */
  reference?: number;
  /** Draw the value axis down from zero (drawdowns). */
  topAtZero?: boolean;
  legend?: LegendEntry[];
  size?: "tall" | "small";
}

/** Number of colours in the palette (style.ts); models beyond it reuse colours in order. */
export const PALETTE_SIZE = 10;
export const colourClass = (colour: number | "muted") => (colour === "muted" ? "cm" : `c${colour % PALETTE_SIZE}`);

/** Inner plot coordinates: x in 0..X_UNITS, y in 0..Y_UNITS, whole numbers. */
const X_UNITS = 10_000;
const Y_UNITS = 1_000;

interface Scale {
  x: (t: number) => number;
  y: (v: number) => number;
}

function domain(spec: ChartSpec): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  const see = (v: number) => {
    if (!Number.isFinite(v)) return;
    if (v < min) min = v;
    if (v > max) max = v;
  };
  for (const s of spec.series) for (const p of s.points) see(p[1]);
  for (const p of spec.backdrop ?? []) see(p[1]);
  for (const t of spec.trades ?? []) {
    see(t.entry[1]);
    see(t.exit[1]);
  }
  if (spec.reference !== undefined) see(spec.reference);
  if (min === Infinity) return { min: 0, max: 1 };
  if (spec.topAtZero) return { min: Math.min(min * 1.08, -0.001), max: 0 };
  const pad = max > min ? (max - min) * 0.06 : Math.abs(max) * 0.01 || 1;
  return { min: min - pad, max: max + pad };
}

const pct = (fraction: number) => `${(Math.round(fraction * 1000) / 10).toString()}%`;

function path(points: readonly Point[], scale: Scale): string {
  const parts: string[] = [];
  for (const [t, v] of points) if (Number.isFinite(v)) parts.push(`${Math.round(scale.x(t) * X_UNITS)} ${Math.round(scale.y(v) * Y_UNITS)}`);
  if (parts.length === 0) return "";
  // one point alone would not show as a line: a flat stub of it
  if (parts.length === 1) parts.push(parts[0]!);
  return `M${parts[0]}L${parts.slice(1).join(" ")}`;
}

function grid(spec: ChartSpec, min: number, max: number, scale: Scale): string {
  const out: string[] = ['<g class="gr">'];
  const labels: string[] = ['<g class="yl">'];
  for (const tick of valueTicks(min, max, spec.unit, spec.size === "small" ? 3 : 5)) {
    const y = pct(scale.y(tick.value));
    out.push(`<line x2="100%" y1="${y}" y2="${y}"${tick.value === 0 && spec.unit !== "price" ? ' class="z"' : ""}/>`);
    labels.push(`<text x="-6" y="${y}" dy=".32em">${escapeHtml(tick.label)}</text>`);
  }
  const xLabels: string[] = ['<g class="xl">'];
  timeTicks(spec.span.from, spec.span.to, spec.size === "small" ? 4 : 7).forEach((tick, i) => {
    const x = pct(scale.x(tick.value));
    out.push(`<line x1="${x}" x2="${x}" y2="100%"/>`);
    xLabels.push(`<text x="${x}" y="100%" dy="1.35em"${i % 2 ? ' class="alt"' : ""}>${escapeHtml(tick.label)}</text>`);
  });
  return [...out, "</g>", ...labels, "</g>", ...xLabels, "</g>"].join("");
}

/** Above this many trades on one chart the markers are drawn smaller, so the price stays visible. */
const DENSE_TRADES = 150;

/**
 * Entry ▲ (long) or ▼ (short) and exit ○ per trade, grouped by model, entry then exit in trade
 * order (the hover script counts on it); a thin line joins each pair.
 */
function tradeMarks(trades: readonly TradeMarks[], scale: Scale): { links: string; marks: string } {
  const size = trades.length > DENSE_TRADES ? "s" : "";
  const [long, short, exit] = [`#mel${size}`, `#mes${size}`, `#mx${size}`];
  const links: string[] = [];
  const marks: string[] = [];
  let i = 0;
  while (i < trades.length) {
    const model = trades[i]!.model;
    const link: string[] = [];
    marks.push(`<g class="mk ${colourClass(model)}" data-model="${model}">`);
    for (; i < trades.length && trades[i]!.model === model; i++) {
      const t = trades[i]!;
      const [ex, ey, xx, xy] = [scale.x(t.entry[0]), scale.y(t.entry[1]), scale.x(t.exit[0]), scale.y(t.exit[1])];
      link.push(`M${Math.round(ex * X_UNITS)} ${Math.round(ey * Y_UNITS)} ${Math.round(xx * X_UNITS)} ${Math.round(xy * Y_UNITS)}`);
      marks.push(`<use href="${t.side === "LONG" ? long : short}" x="${pct(ex)}" y="${pct(ey)}"/><use href="${exit}" x="${pct(xx)}" y="${pct(xy)}"/>`);
    }
    marks.push("</g>");
    links.push(`<path class="lk ${colourClass(model)}" d="${link.join("")}"/>`);
  }
  return { links: links.join(""), marks: marks.join("") };
}

const MARKER_KEY = '<li class="mkey">▲ long entry · ▼ short entry · ○ exit</li>';

export function renderLegend(entries: readonly LegendEntry[], markerKey = false): string {
  const items = entries.map((e) => `<li><i class="${colourClass(e.colour)}${e.dashed ? " d" : ""}"></i>${escapeHtml(e.label)}</li>`);
  return `<ul class="legend">${items.join("")}${markerKey ? MARKER_KEY : ""}</ul>`;
}

/** The chart as a `<figure>`: the SVG and, when given, its legend. */
export function renderChart(spec: ChartSpec): string {
  const { min, max } = domain(spec);
  const width = spec.span.to - spec.span.from || 1;
  const scale: Scale = { x: (t) => (t - spec.span.from) / width, y: (v) => 1 - (v - min) / (max - min) };
  const inner: string[] = [];
  if (spec.reference !== undefined) inner.push(`<path class="ref" d="M0 ${Math.round(scale.y(spec.reference) * Y_UNITS)}H${X_UNITS}"/>`);
  if (spec.backdrop?.length) inner.push(`<path class="bd" d="${path(spec.backdrop, scale)}"><title>${escapeHtml(spec.backdropLabel ?? "")}</title></path>`);
  const marks = spec.trades?.length ? tradeMarks(spec.trades, scale) : { links: "", marks: "" };
  inner.push(marks.links);
  for (const s of spec.series) {
    const d = path(s.points, scale);
    if (d) inner.push(`<path class="ln ${colourClass(s.colour)}${s.dashed ? " d" : ""}" d="${d}"><title>${escapeHtml(s.label)}</title></path>`);
  }
  const data = `data-unit="${spec.unit}" data-x0="${spec.span.from}" data-x1="${spec.span.to}" data-y0="${min}" data-y1="${max}"`;
  const svg =
    `<div class="plot"><svg role="img" aria-label="${escapeHtml(spec.label)}" ${data}>` +
    grid(spec, min, max, scale) +
    `<svg class="in" viewBox="0 0 ${X_UNITS} ${Y_UNITS}" preserveAspectRatio="none" width="100%" height="100%">${inner.join("")}</svg>` +
    marks.marks +
    "</svg></div>";
  return `<figure class="chart${spec.size === "small" ? " small" : ""}">${svg}${spec.legend ? renderLegend(spec.legend, Boolean(spec.trades?.length)) : ""}</figure>`;
}
