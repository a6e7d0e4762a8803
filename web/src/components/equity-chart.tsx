import { useLayoutEffect, useMemo, useRef, useState } from "react";
import uPlot, { type AlignedData, type Options, type Series } from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatChartValue, seriesColor } from "../lib/curves.ts";

export interface EquityChartSeries {
  id: string;
  name: string;
  color?: string;
  points: Array<{ time: number /* ms epoch */; value: number }>;
  dashed?: boolean;
}

type Unit = "usd" | "pct";
type Colored = EquityChartSeries & { color: string };

/**
 * Times are milliseconds (uPlot's `ms: 1`) and shown in the browser's time zone, as uPlot does by
 * default. The formatters are made once: the axis formats its labels on every layout.
 */
const HOVER_TIME = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
const DAY = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const MONTH = new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric" });
const HOUR = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/**
 * Tick steps from a minute up (labels show no seconds). The month and year steps are uPlot's own
 * (30 and 365 days), for which it places ticks on calendar months and years.
 */
const TIME_STEPS = [1, 2, 5, 10, 15, 30]
  .map((m) => m * MINUTE_MS)
  .concat(
    [1, 2, 3, 4, 6, 8, 12].map((h) => h * HOUR_MS),
    [1, 2, 3, 7, 14].map((d) => d * DAY_MS),
    [1, 2, 3, 6].map((m) => m * 30 * DAY_MS),
    [1, 2, 5, 10].map((y) => y * 365 * DAY_MS),
  );

/** x labels: months, days, or times of day with the date where a new day starts. */
function timeLabels(_u: uPlot, splits: number[], _axis: number, _space: number, incr: number): string[] {
  return splits.map((t, i) => {
    const d = new Date(t);
    if (incr >= 28 * DAY_MS) return MONTH.format(d);
    if (incr >= DAY_MS) return DAY.format(d);
    const prev = i > 0 ? new Date(splits[i - 1]!) : null;
    return prev && prev.toDateString() !== d.toDateString() ? DAY.format(d) : HOUR.format(d);
  });
}

/** Round steps (1, 2, 5 × 10^k) from whole dollars or hundredths of a percent up: the axis then never repeats a label. */
function steps(fromExp: number): number[] {
  const out: number[] = [];
  for (let e = fromExp; e <= 9; e++) for (const m of [1, 2, 5]) out.push(Number((m * 10 ** e).toFixed(Math.max(0, -e))));
  return out;
}
const USD_STEPS = steps(0);
const PCT_STEPS = steps(-2);

interface Theme {
  text: string;
  grid: string;
  font: string;
}

let theme: Theme | null = null;

/** The dark theme's colours and the page font, read from the CSS variables once per page. */
function readTheme(): Theme {
  if (!theme) {
    const css = getComputedStyle(document.documentElement);
    const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    theme = { text: v("--muted", "#8b949e"), grid: v("--border", "#2a3140"), font: css.fontFamily || "system-ui, sans-serif" };
  }
  return theme;
}

let measurer: CanvasRenderingContext2D | null = null;

/** Width in CSS pixels of the widest label in `font`. */
function widest(labels: readonly string[], font: string): number {
  measurer ??= document.createElement("canvas").getContext("2d");
  if (!measurer) return Math.max(0, ...labels.map((l) => l.length * 7));
  measurer.font = font;
  return Math.max(0, ...labels.map((l) => measurer!.measureText(l).width));
}

/**
 * uPlot's aligned data: the union of all series' times (ms, ascending) and each series' value at
 * each of them, null where it has no point (drawn over with spanGaps). Of points at the same time
 * the last is kept; unreadable points are dropped.
 */
function alignedData(series: readonly Colored[]): { data: AlignedData; single: boolean[] } {
  const times = new Set<number>();
  for (const s of series) for (const p of s.points) if (Number.isFinite(p.time) && Number.isFinite(p.value)) times.add(p.time);
  const xs = Float64Array.from(times).sort();
  const index = new Map<number, number>();
  xs.forEach((t, i) => index.set(t, i));
  const single = [false];
  const data: Array<ArrayLike<number | null>> = [xs];
  for (const s of series) {
    const ys = new Array<number | null>(xs.length).fill(null);
    let n = 0;
    for (const p of s.points) {
      const i = index.get(p.time);
      if (i === undefined || !Number.isFinite(p.value)) continue;
      if (ys[i] === null) n++;
      ys[i] = p.value;
    }
    data.push(ys);
    single.push(n === 1);
  }
  return { data: data as AlignedData, single };
}

/** What one chart has been given so far (per uPlot instance, so a remount starts clean). */
interface Applied {
  u: uPlot;
  unit: Unit;
  /** Series ids, colours and styles in order: a change re-adds the series. */
  styles: string;
  /** Series ids in order and the unit: a change forgets the user's zoom. */
  shape: string;
  data: AlignedData | null;
  /** Series with a single point (drawn as a dot: a line needs two). */
  single: boolean[];
  /** The x range the user zoomed to, kept over data refreshes; null when the view fits the data. */
  zoom: { min: number; max: number } | null;
  tip: HTMLDivElement;
}

function seriesOptions(s: Colored, applied: Applied, visible: boolean): Series {
  const dpr = window.devicePixelRatio || 1;
  return {
    label: s.name,
    stroke: s.color,
    width: s.dashed ? 2 : 1,
    dash: s.dashed ? [6 * dpr, 5 * dpr] : undefined,
    spanGaps: true,
    show: visible,
    points: { show: (_u: uPlot, si: number) => applied.single[si] === true, size: 5 },
  };
}

/** The hover label: the time under the cursor and the value of the shown line nearest to it. */
function showTip(u: uPlot, a: Applied) {
  const { idx, left, top } = u.cursor;
  const tip = a.tip;
  if (idx == null || left == null || top == null || left < 0) {
    tip.style.display = "none";
    return;
  }
  let best = -1;
  let bestDist = Infinity;
  for (let i = 1; i < u.series.length; i++) {
    if (!u.series[i]!.show) continue;
    const v = u.data[i]![idx];
    if (v == null) continue;
    const d = Math.abs(u.valToPos(v, "y") - top);
    if (d < bestDist) {
      bestDist = d;
      best = i;
    }
  }
  if (best < 0) {
    tip.style.display = "none";
    return;
  }
  const s = u.series[best]!;
  const time = HOVER_TIME.format(new Date(u.data[0][idx]!));
  tip.replaceChildren();
  const when = document.createElement("div");
  when.className = "equity-tip-time";
  when.textContent = time;
  const what = document.createElement("div");
  const swatch = document.createElement("span");
  swatch.className = "legend-swatch";
  swatch.style.background = String(typeof s.stroke === "function" ? s.stroke(u, best) : s.stroke);
  what.append(swatch, `${String(s.label)}: ${formatChartValue(u.data[best]![idx]!, a.unit)}`);
  tip.append(when, what);
  tip.style.display = "block";
  const w = u.over.clientWidth;
  const h = u.over.clientHeight;
  const x = left > w / 2 ? left - tip.offsetWidth - 12 : left + 12;
  const y = Math.min(Math.max(0, top + 12), Math.max(0, h - tip.offsetHeight));
  tip.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
}

/**
 * Equity lines over time (uPlot: one canvas, fast with a hundred lines). The chart is created once
 * per mount; new data goes in with setData, and the series are only re-added when the set of lines
 * or their styles change. The view fits the data until the user zooms (drag across the chart;
 * double-click fits again), and again when the set of lines or the unit changes. Both happen in
 * layout effects: uPlot draws in the task that rendered the page, so the frame that first shows
 * the chart shows its lines (the arena's first screen is one frame, not two).
 */
export function EquityChart({ series, unit, height, testId = "equity-chart" }: { series: EquityChartSeries[]; unit: Unit; height?: number; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<Applied | null>(null);

  // lines switched off from the legend (a hundred at once are a thicket)
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (id: string) =>
    setHidden((h) => {
      const next = new Set(h);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  const colored = useMemo<Colored[]>(() => series.map((s, i) => ({ ...s, color: s.color ?? seriesColor(i) })), [series]);
  const aligned = useMemo(() => alignedData(colored), [colored]);

  useLayoutEffect(() => {
    const el = box.current!;
    const t = readTheme();
    const font = `11px ${t.font}`;
    const tip = document.createElement("div");
    tip.className = "equity-tip";
    tip.style.display = "none";
    const axis = { stroke: t.text, font, grid: { stroke: t.grid, width: 1 }, ticks: { stroke: t.grid, width: 1, size: 4 } };
    // filled in below, before the hooks can run
    let applied: Applied;
    const opts: Options = {
      width: Math.max(1, el.clientWidth),
      height: Math.max(1, el.clientHeight),
      ms: 1,
      legend: { show: false },
      cursor: { points: { show: false }, drag: { x: true, y: false, setScale: true } },
      scales: {
        // a single time gets an hour around it (no axis of repeated minutes)
        x: { time: true, range: (_u, min, max) => (min === max ? [min - HOUR_MS / 2, max + HOUR_MS / 2] : [min, max]) },
        // flat lines get a small band around their value, not 0..2x
        y: {
          auto: true,
          range: (_u, min, max) => {
            // a margin above and below, so no line runs along the edge
            const pad = min !== max ? (max - min) * 0.08 : applied.unit === "usd" ? Math.max(1, Math.abs(min) * 0.01) : 0.5;
            return [min - pad, max + pad];
          },
        },
      },
      series: [{}],
      axes: [
        { ...axis, space: 70, incrs: TIME_STEPS, values: timeLabels },
        {
          ...axis,
          side: 1,
          incrs: () => (applied.unit === "usd" ? USD_STEPS : PCT_STEPS),
          values: (_u, splits) => splits.map((v) => formatChartValue(v, applied.unit)),
          size: (_u, values) => (values ? Math.ceil(widest(values, font)) + 16 : 60),
        },
      ],
      hooks: {
        setCursor: [(u) => showTip(u, applied)],
        setScale: [
          (u, key) => {
            if (key !== "x") return;
            const xs = u.data[0];
            const { min, max } = u.scales.x!;
            const zoomed = xs.length > 1 && min != null && max != null && (min > xs[0]! || max < xs[xs.length - 1]!);
            applied.zoom = zoomed ? { min: min!, max: max! } : null;
          },
        ],
      },
    };
    const u = new uPlot(opts, [[]], el);
    applied = { u, unit: "usd", styles: "", shape: "", data: null, single: [false], zoom: null, tip };
    u.over.append(tip);
    chart.current = applied;

    const resize = new ResizeObserver(() => {
      const width = Math.max(1, el.clientWidth);
      const height = Math.max(1, el.clientHeight);
      if (width !== u.width || height !== u.height) u.setSize({ width, height });
    });
    resize.observe(el);
    const leave = () => void (tip.style.display = "none");
    u.over.addEventListener("mouseleave", leave);
    return () => {
      resize.disconnect();
      u.over.removeEventListener("mouseleave", leave);
      u.destroy();
      chart.current = null;
    };
    // the chart is made once; unit, series and visibility are applied by the effect below
  }, []);

  useLayoutEffect(() => {
    const a = chart.current;
    if (!a) return;
    const { u } = a;
    const styles = colored.map((s) => `${s.id}|${s.color}|${s.dashed ? 1 : 0}|${s.name}`).join("\n");
    const shape = `${unit}|${colored.map((s) => s.id).join(",")}`;
    u.batch(() => {
      a.unit = unit;
      if (styles !== a.styles) {
        for (let i = u.series.length - 1; i >= 1; i--) u.delSeries(i);
        colored.forEach((s) => u.addSeries(seriesOptions(s, a, !hidden.has(s.id))));
        a.styles = styles;
      } else {
        colored.forEach((s, i) => {
          const show = !hidden.has(s.id);
          if (u.series[i + 1]!.show !== show) u.setSeries(i + 1, { show });
        });
      }
      if (shape !== a.shape) {
        a.shape = shape;
        a.zoom = null;
      }
      if (aligned.data !== a.data) {
        const zoom = a.zoom;
        a.single = aligned.single;
        a.data = aligned.data;
        u.setData(aligned.data);
        if (zoom) u.setScale("x", zoom);
      }
    });
  }, [colored, aligned, unit, hidden]);

  return (
    <div className="equity-chart" data-testid={testId}>
      <div className="chart" ref={box} style={height ? { height } : undefined} />
      {colored.length > 0 && (
        <ul className="chart-legend">
          {colored.map((s) => (
            <li key={s.id}>
              <button type="button" className={hidden.has(s.id) ? "legend-item off" : "legend-item"} aria-pressed={!hidden.has(s.id)} title="Show or hide this line" onClick={() => toggle(s.id)}>
                <span className={s.dashed ? "legend-swatch dashed" : "legend-swatch"} style={s.dashed ? { borderColor: s.color } : { background: s.color }} />
                {s.name}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
