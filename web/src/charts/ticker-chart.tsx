import {
  CandlestickSeries,
  ColorType,
  CrosshairMode,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  type IChartApi,
  LineSeries,
  type SeriesMarker,
  type Time,
} from 'lightweight-charts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { themeStore } from '../app-state.js';
import type { TickerBars } from '../state/api-types.js';
import type { Overlay } from '../state/ticker-view.js';
import { useStore } from '../store.js';
import { themeColors } from './theme-colors.js';

export type { Overlay };

export interface ChartMarker {
  date: string;
  /** What the crosshair legend says for that day (a signal's kind, a dividend's amount, a split's ratio). */
  text: string;
  tone: 'up' | 'down' | 'info';
  /** Splits are squares, the rest circles or arrows. */
  split?: boolean;
}

export interface TickerChartProps {
  bars: TickerBars;
  overlays: ReadonlySet<Overlay>;
  /** Signals, dividends and splits drawn as markers on the candles. */
  markers: ChartMarker[];
  /** First visible day; the whole history when absent. */
  from?: string;
}

type Num = (number | null)[];

const OVERLAY_LINES: Record<Overlay, { key: string; color: string; title: string }[]> = {
  ema20: [{ key: 'ema20', color: '#f5a623', title: 'EMA 20' }],
  sma50: [{ key: 'sma50', color: '#29b6f6', title: 'SMA 50' }],
  sma200: [{ key: 'sma200', color: '#ab47bc', title: 'SMA 200' }],
  bb: [
    { key: 'bbUpper', color: '#8d6e63', title: 'BB upper' },
    { key: 'bbMiddle', color: '#8d6e6399', title: 'BB mid' },
    { key: 'bbLower', color: '#8d6e63', title: 'BB lower' },
  ],
};

function line(dates: string[], values: Num | undefined) {
  const out: ({ time: Time; value: number } | { time: Time })[] = new Array(dates.length);
  for (let i = 0; i < dates.length; i++) {
    const v = values?.[i];
    out[i] = typeof v === 'number' ? { time: dates[i] as Time, value: v } : { time: dates[i] as Time };
  }
  return out;
}

/**
 * Candles and volume with moving-average and Bollinger overlays, then RSI and MACD panes below, all on one
 * time axis (lightweight-charts), with the attribution notice and link its licence asks for.
 */
export function TickerChart(props: TickerChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chartRef = useRef<IChartApi | null>(null);
  const theme = useStore(themeStore);
  const [legend, setLegend] = useState<string>('');
  const { bars, overlays, markers } = props;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const c = themeColors();
    const chart = createChart(el, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: c.bg },
        textColor: c.dim,
        fontSize: 11,
        // The library's own logo injects a <style> element, which the page's CSP refuses; the licence's
        // link and notice are given below the chart instead, which its terms accept.
        attributionLogo: false,
        panes: { separatorColor: c.border },
      },
      grid: { vertLines: { color: c.grid }, horzLines: { color: c.grid } },
      crosshair: { mode: CrosshairMode.Normal },
      rightPriceScale: { borderColor: c.border },
      timeScale: { borderColor: c.border },
    });
    chartRef.current = chart;
    const { dates } = bars;
    const candles = new Array(dates.length);
    const volume = new Array(dates.length);
    for (let i = 0; i < dates.length; i++) {
      const [o, h, l, cl, v] = [bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]];
      const time = dates[i] as Time;
      candles[i] =
        o !== null && h !== null && l !== null && cl !== null
          ? { time, open: o, high: h, low: l, close: cl }
          : { time };
      volume[i] =
        v !== null
          ? { time, value: v, color: cl !== null && o !== null && cl < o ? `${c.down}66` : `${c.up}66` }
          : { time };
    }
    const price = chart.addSeries(CandlestickSeries, {
      upColor: c.up,
      downColor: c.down,
      borderVisible: false,
      wickUpColor: c.up,
      wickDownColor: c.down,
    });
    price.setData(candles);
    const vol = chart.addSeries(HistogramSeries, {
      priceScaleId: 'volume',
      priceFormat: { type: 'volume' },
      lastValueVisible: false,
      priceLineVisible: false,
    });
    vol.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    vol.setData(volume);
    for (const o of overlays) {
      for (const spec of OVERLAY_LINES[o]) {
        const s = chart.addSeries(LineSeries, {
          color: spec.color,
          lineWidth: 1,
          title: '',
          lastValueVisible: false,
          priceLineVisible: false,
          crosshairMarkerVisible: false,
        });
        s.setData(line(dates, bars[spec.key] as Num | undefined));
      }
    }
    const sorted = [...markers].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const first = dates[0];
    const last = dates[dates.length - 1];
    const shown = sorted.filter((m) => m.date >= first && m.date <= last);
    // Small shapes without text, so a year of signals does not cover the candles; the legend names them.
    createSeriesMarkers(
      price,
      shown.map(
        (m): SeriesMarker<Time> => ({
          time: m.date as Time,
          position: m.tone === 'down' ? 'aboveBar' : 'belowBar',
          shape: m.split ? 'square' : m.tone === 'up' ? 'arrowUp' : m.tone === 'down' ? 'arrowDown' : 'circle',
          color: m.tone === 'up' ? c.up : m.tone === 'down' ? c.down : c.accent,
          size: 0.5,
        }),
      ),
    );
    const notes = new Map<string, string[]>();
    for (const m of shown) notes.set(m.date, [...(notes.get(m.date) ?? []), m.text]);

    // The RSI and MACD panes are short: a last-value tag on their price scale covers its own labels, so the
    // latest values are read in the legend above the chart instead.
    const subPaneLine = { lineWidth: 1, priceLineVisible: false, lastValueVisible: false } as const;
    const rsi = chart.addSeries(LineSeries, { ...subPaneLine, color: '#4c9aff' }, 1);
    rsi.setData(line(dates, bars.rsi14 as Num | undefined));
    rsi.createPriceLine({ price: 70, color: c.down, lineStyle: 2, lineWidth: 1, axisLabelVisible: false, title: '' });
    rsi.createPriceLine({ price: 30, color: c.up, lineStyle: 2, lineWidth: 1, axisLabelVisible: false, title: '' });
    const hist = (bars.macdHist as Num | undefined) ?? [];
    const macdHist = chart.addSeries(HistogramSeries, { priceLineVisible: false, lastValueVisible: false }, 2);
    macdHist.setData(
      dates.map((d, i) => {
        const v = hist[i];
        return typeof v === 'number'
          ? { time: d as Time, value: v, color: v >= 0 ? `${c.up}99` : `${c.down}99` }
          : { time: d as Time };
      }),
    );
    chart
      .addSeries(LineSeries, { ...subPaneLine, color: '#4c9aff' }, 2)
      .setData(line(dates, bars.macd as Num | undefined));
    chart
      .addSeries(LineSeries, { ...subPaneLine, color: '#f5a623' }, 2)
      .setData(line(dates, bars.macdSignal as Num | undefined));
    const panes = chart.panes();
    panes[0]?.setStretchFactor(3);
    panes[1]?.setStretchFactor(1);
    panes[2]?.setStretchFactor(1);

    const index = new Map(dates.map((d, i) => [d, i]));
    chart.subscribeCrosshairMove((p) => {
      const i = p.time === undefined ? dates.length - 1 : index.get(String(p.time));
      setLegend(i === undefined ? '' : legendText(bars, i, notes));
    });
    setLegend(legendText(bars, dates.length - 1, notes));
    return () => {
      chartRef.current = null;
      chart.remove();
    };
  }, [bars, overlays, markers, theme]);

  useEffect(() => {
    const chart = chartRef.current;
    if (!chart || bars.dates.length === 0) return;
    const last = bars.dates[bars.dates.length - 1];
    if (props.from && props.from > bars.dates[0])
      chart.timeScale().setVisibleRange({ from: props.from as Time, to: last as Time });
    else chart.timeScale().fitContent();
  }, [props.from, bars, overlays, markers, theme]);

  return (
    <div class="chart" data-testid="ticker-chart">
      <div class="chart-legend">{legend}</div>
      <div class="tv-chart" ref={box} />
      <p class="attribution">
        Panes: price and volume, RSI 14, MACD 12/26/9. Charts: TradingView Lightweight Charts™, Copyright (c) 2025
        TradingView, Inc.,{' '}
        <a href="https://www.tradingview.com/" rel="noopener noreferrer" target="_blank">
          https://www.tradingview.com/
        </a>
      </p>
    </div>
  );
}

function legendText(b: TickerBars, i: number, notes: Map<string, string[]>): string {
  const f = (v: number | null | undefined, d = 2) => (typeof v === 'number' ? v.toFixed(d) : '—');
  const n = (k: string) => (b[k] as Num | undefined)?.[i];
  return `${b.dates[i]}  O ${f(b.open[i])}  H ${f(b.high[i])}  L ${f(b.low[i])}  C ${f(b.close[i])}  V ${
    typeof b.volume[i] === 'number' ? (b.volume[i] as number).toLocaleString('en-US') : '—'
  }  RSI ${f(n('rsi14'), 1)}  MACD ${f(n('macd'))} / ${f(n('macdSignal'))}${
    notes.has(b.dates[i]) ? `  · ${notes.get(b.dates[i])?.join(', ')}` : ''
  }`;
}
