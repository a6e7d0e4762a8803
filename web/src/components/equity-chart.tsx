import { useEffect, useMemo, useRef, useState } from "react";
import { createChart, LineSeries, LineStyle, TickMarkType, type IChartApi, type ISeriesApi, type Time, type UTCTimestamp } from "lightweight-charts";
import { formatChartValue, seriesColor, toLineData, type ChartPoint } from "../lib/curves.ts";

export interface EquityChartSeries {
  id: string;
  name: string;
  color?: string;
  points: Array<{ time: number /* ms epoch */; value: number }>;
  dashed?: boolean;
}

type Unit = "usd" | "pct";

/**
 * Series times are shifted to local wall time (see toLineData), so they are read back as UTC.
 * The formatters are made once: the chart formats every tick mark on each layout, and a fresh
 * Intl formatter per label cost most of a hundred-line chart's first render.
 */
const CROSSHAIR_TIME = new Intl.DateTimeFormat(undefined, { timeZone: "UTC", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
const TICK_FORMATS: Record<TickMarkType, Intl.DateTimeFormat> = {
  [TickMarkType.Year]: new Intl.DateTimeFormat(undefined, { timeZone: "UTC", year: "numeric" }),
  [TickMarkType.Month]: new Intl.DateTimeFormat(undefined, { timeZone: "UTC", month: "short" }),
  [TickMarkType.DayOfMonth]: new Intl.DateTimeFormat(undefined, { timeZone: "UTC", month: "short", day: "numeric" }),
  [TickMarkType.Time]: new Intl.DateTimeFormat(undefined, { timeZone: "UTC", hour: "2-digit", minute: "2-digit" }),
  [TickMarkType.TimeWithSeconds]: new Intl.DateTimeFormat(undefined, { timeZone: "UTC", hour: "2-digit", minute: "2-digit", second: "2-digit" }),
};

function formatTime(time: Time): string {
  return typeof time === "number" ? CROSSHAIR_TIME.format(time * 1000) : String(time);
}

function formatTick(time: Time, type: TickMarkType): string | null {
  return typeof time === "number" ? TICK_FORMATS[type].format(time * 1000) : null;
}

function themeColor(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

interface Line {
  api: ISeriesApi<"Line">;
  points: ChartPoint[] | null;
  style: string;
}

/**
 * Equity lines over time (lightweight-charts). The chart is created once per mount; new data
 * only updates the lines that changed (a line whose points array is the same is skipped), so a
 * live refresh of a hundred curves does not rebuild anything. The view fits the data until the
 * user zooms or pans, and again when the set of lines or the unit changes.
 */
export function EquityChart({ series, unit, height, testId = "equity-chart" }: { series: EquityChartSeries[]; unit: Unit; height?: number; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const lines = useRef(new Map<string, Line>());
  const userMoved = useRef(false);
  const shape = useRef("");

  // lines switched off from the legend (a hundred at once are a thicket)
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (id: string) =>
    setHidden((h) => {
      const next = new Set(h);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  const colored = useMemo(() => series.map((s, i) => ({ ...s, color: s.color ?? seriesColor(i) })), [series]);

  useEffect(() => {
    const el = box.current!;
    const text = themeColor("--muted", "#8b949e");
    const grid = themeColor("--border", "#2a3140");
    const c = createChart(el, {
      autoSize: true,
      layout: { background: { color: "transparent" }, textColor: text, attributionLogo: false, fontFamily: getComputedStyle(el).fontFamily },
      grid: { vertLines: { color: grid }, horzLines: { color: grid } },
      rightPriceScale: { borderColor: grid },
      // a small minimum spacing lets fitContent show thousands of points (many unaligned curves)
      timeScale: { borderColor: grid, timeVisible: true, secondsVisible: false, minBarSpacing: 0.05, tickMarkFormatter: formatTick },
      localization: { timeFormatter: formatTime },
      crosshair: { horzLine: { labelBackgroundColor: themeColor("--panel-2", "#1c2230") }, vertLine: { labelBackgroundColor: themeColor("--panel-2", "#1c2230") } },
    });
    chart.current = c;
    const moved = () => void (userMoved.current = true);
    el.addEventListener("wheel", moved, { passive: true });
    el.addEventListener("pointerdown", moved);
    const map = lines.current;
    return () => {
      el.removeEventListener("wheel", moved);
      el.removeEventListener("pointerdown", moved);
      map.clear();
      c.remove();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.applyOptions({ localization: { priceFormatter: (v: number) => formatChartValue(v, unit) } });
  }, [unit]);

  // whole dollars or hundredths of a percent: the axis then never repeats a label
  const priceFormat = useMemo(() => ({ type: "custom" as const, minMove: unit === "usd" ? 1 : 0.01, formatter: (v: number) => formatChartValue(v, unit) }), [unit]);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const map = lines.current;
    const wanted = new Set(colored.map((s) => s.id));
    for (const [id, line] of map) {
      if (!wanted.has(id)) {
        c.removeSeries(line.api);
        map.delete(id);
      }
    }
    for (const s of colored) {
      const style = { color: s.color, lineWidth: s.dashed ? 2 : 1, lineStyle: s.dashed ? LineStyle.LargeDashed : LineStyle.Solid, priceFormat, visible: !hidden.has(s.id) } as const;
      const styleKey = `${s.color}|${s.dashed ? 1 : 0}|${unit}|${style.visible ? 1 : 0}`;
      let line = map.get(s.id);
      if (!line) {
        line = { api: c.addSeries(LineSeries, { ...style, priceLineVisible: false, lastValueVisible: false, crosshairMarkerRadius: 3 }), points: null, style: styleKey };
        map.set(s.id, line);
      } else if (line.style !== styleKey) {
        line.api.applyOptions(style);
        line.style = styleKey;
      }
      if (line.points !== s.points) {
        line.api.setData(toLineData(s.points).map((p) => ({ time: p.time as UTCTimestamp, value: p.value })));
        line.points = s.points;
      }
    }
    const nextShape = `${unit}|${colored.map((s) => s.id).join(",")}`;
    if (nextShape !== shape.current) {
      shape.current = nextShape;
      userMoved.current = false;
    }
    if (!userMoved.current) c.timeScale().fitContent();
  }, [colored, unit, priceFormat, hidden]);

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
