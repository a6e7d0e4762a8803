import { useEffect, useRef, useState } from "react";
import {
  CandlestickSeries,
  ColorType,
  createChart,
  createSeriesMarkers,
  TickMarkType,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type Time,
  type UTCTimestamp,
} from "lightweight-charts";
import type { CandleView } from "../api/types.ts";
import type { ChartMarker } from "../lib/market-markers.ts";

/** Bars shown at first: about two hours of 1m candles, ten hours of 5m, five days of 1h. */
const VISIBLE_BARS = 120;

const secondsOf = (iso: string) => Math.floor(Date.parse(iso) / 1000) as UTCTimestamp;

/** The chart library shows UTC; these show the browser's own time zone instead. */
const asDate = (t: Time) => new Date((t as number) * 1000);
function tickLabel(t: Time, type: TickMarkType): string {
  const d = asDate(t);
  if (type === TickMarkType.Year) return String(d.getFullYear());
  if (type === TickMarkType.Month) return d.toLocaleDateString(undefined, { month: "short" });
  if (type === TickMarkType.DayOfMonth) return d.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  return d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", ...(type === TickMarkType.TimeWithSeconds ? { second: "2-digit" } : {}) });
}

interface Handles {
  chart: IChartApi;
  series: ISeriesApi<"Candlestick">;
  markers: ISeriesMarkersPluginApi<Time>;
}

/**
 * Candles with the models' entries and exits as markers. `fitKey` changes when the view should
 * be refitted (another symbol or interval); otherwise the user's zoom and scroll are kept.
 */
/** Below this width marker labels are left out. */
const NARROW_PX = 600;

export function MarketChart({ candles, markers, priceDecimals, fitKey }: { candles: readonly CandleView[]; markers: readonly ChartMarker[]; priceDecimals: number; fitKey: string }) {
  const box = useRef<HTMLDivElement>(null);
  const handles = useRef<Handles | null>(null);
  const fitted = useRef<string | null>(null);

  useEffect(() => {
    const chart = createChart(box.current!, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: "transparent" }, textColor: "#8b949e", attributionLogo: false },
      grid: { vertLines: { color: "#1f2530" }, horzLines: { color: "#1f2530" } },
      rightPriceScale: { borderColor: "#2a3140" },
      timeScale: { borderColor: "#2a3140", timeVisible: true, secondsVisible: false, rightOffset: 12, tickMarkFormatter: tickLabel },
      localization: { timeFormatter: (t: Time) => asDate(t).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }) },
    });
    const series = chart.addSeries(CandlestickSeries, { upColor: "#3fb950", downColor: "#f85149", borderVisible: false, wickUpColor: "#3fb950", wickDownColor: "#f85149" });
    handles.current = { chart, series, markers: createSeriesMarkers(series, []) };
    return () => {
      handles.current = null;
      fitted.current = null;
      chart.remove();
    };
  }, []);

  useEffect(() => {
    handles.current?.series.applyOptions({ priceFormat: { type: "price", precision: priceDecimals, minMove: 10 ** -priceDecimals } });
  }, [priceDecimals]);

  useEffect(() => {
    const h = handles.current;
    if (!h) return;
    const seen = new Set<number>();
    const data = [];
    for (const c of candles) {
      const time = secondsOf(c.openTime);
      if (!Number.isFinite(time) || seen.has(time)) continue;
      seen.add(time);
      data.push({ time, open: Number(c.open), high: Number(c.high), low: Number(c.low), close: Number(c.close) });
    }
    data.sort((a, b) => a.time - b.time);
    h.series.setData(data);
    if (data.length > 0 && fitted.current !== fitKey) {
      fitted.current = fitKey;
      // The latest bars, wide enough to read the markers; scrolling back shows the rest.
      h.chart.timeScale().setVisibleLogicalRange({ from: Math.max(0, data.length - VISIBLE_BARS), to: data.length + 12 });
    }
  }, [candles, fitKey]);

  // On a phone-wide chart the labels run into each other: the arrows and dots stay, the legend below explains them.
  const [narrow, setNarrow] = useState(false);
  useEffect(() => {
    const el = box.current!;
    const observer = new ResizeObserver(() => setNarrow(el.clientWidth < NARROW_PX));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    handles.current?.markers.setMarkers(markers.map((m) => ({ ...m, time: m.time as UTCTimestamp, ...(narrow ? { text: "" } : {}) })));
  }, [markers, candles, narrow]);

  return <div ref={box} className="chart market-chart" data-testid="market-chart" />;
}
