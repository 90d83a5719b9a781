import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import type { BreadthSeriesPayload } from '../state/api-types.js';
import { dayToSeconds } from './theme-colors.js';
import { type SeriesSpec, UPlotChart } from './uplot-chart.js';

type BreadthField = keyof BreadthSeriesPayload['series'];

export interface BreadthChartSpec {
  title: string;
  /** `factor` multiplies the stored values (100 turns a fraction into percent). */
  series: { key: BreadthField; label: string; color?: string; kind?: 'line' | 'bars'; factor?: number }[];
  rules?: number[];
}

/** The overview's breadth panel: the four series a market-breadth reader checks first. */
export const CORE_BREADTH: BreadthChartSpec[] = [
  { title: 'Advance-decline line', series: [{ key: 'adLine', label: 'AD line', color: '#4c9aff' }] },
  {
    title: '% above SMA 50 / 200',
    series: [
      { key: 'pctAboveSma50', label: '% > SMA 50', color: '#f5a623' },
      { key: 'pctAboveSma200', label: '% > SMA 200', color: '#ab47bc' },
    ],
    rules: [50],
  },
  {
    title: 'New highs minus new lows',
    series: [{ key: 'netNewHighs', label: 'net new highs', color: '#26a69a', kind: 'bars' }],
    rules: [0],
  },
  {
    title: 'McClellan oscillator',
    series: [{ key: 'mcClellanOscillator', label: 'McClellan osc', color: '#29b6f6' }],
    rules: [0],
  },
];

/** Every other breadth series, for the breadth page. */
export const MORE_BREADTH: BreadthChartSpec[] = [
  {
    title: 'Advancers / decliners',
    series: [
      { key: 'advancers', label: 'advancers', color: '#26a69a' },
      { key: 'decliners', label: 'decliners', color: '#ef5350' },
    ],
  },
  { title: '% above SMA 20', series: [{ key: 'pctAboveSma20', label: '% > SMA 20', color: '#d4e157' }], rules: [50] },
  {
    title: 'New highs / new lows',
    series: [
      { key: 'newHighs', label: 'new highs', color: '#26a69a' },
      { key: 'newLows', label: 'new lows', color: '#ef5350' },
    ],
  },
  {
    title: 'High-low index',
    series: [{ key: 'highLowIndex', label: 'high-low index', color: '#8d6e63' }],
    rules: [50],
  },
  {
    title: 'McClellan summation',
    series: [{ key: 'mcClellanSummation', label: 'McClellan sum', color: '#29b6f6' }],
    rules: [0],
  },
  // A ratio around 1 and a share between -100 and 100 % do not read on one axis: one chart each.
  { title: 'AD ratio (advancers / decliners)', series: [{ key: 'adRatio', label: 'AD ratio' }], rules: [1] },
  {
    title: 'AD % (advancers - decliners, % of tickers)',
    series: [{ key: 'adPercent', label: 'AD %', color: '#f5a623', factor: 100 }],
    rules: [0],
  },
  { title: 'TRIN (Arms index)', series: [{ key: 'trin', label: 'TRIN', color: '#ab47bc' }], rules: [1] },
  {
    title: 'Up / down volume',
    series: [
      { key: 'upVolume', label: 'up volume', color: '#26a69a' },
      { key: 'downVolume', label: 'down volume', color: '#ef5350' },
    ],
  },
  {
    title: '% RSI above 70 / below 30',
    series: [
      { key: 'pctRsiAbove70', label: '% RSI > 70', color: '#26a69a' },
      { key: 'pctRsiBelow30', label: '% RSI < 30', color: '#ef5350' },
    ],
  },
];

/** Breadth charts over one series payload, sharing one crosshair (the same date under the cursor in each). */
export function BreadthCharts(props: {
  payload: BreadthSeriesPayload;
  specs: BreadthChartSpec[];
  from?: string;
  to?: string;
  height?: number;
  syncKey: string;
  class?: string;
}) {
  const { payload, from, to } = props;
  const range = useMemo(() => {
    let start = 0;
    let end = payload.dates.length;
    if (from) while (start < end && payload.dates[start] < from) start++;
    if (to) while (end > start && payload.dates[end - 1] > to) end--;
    return { start, end, x: payload.dates.slice(start, end).map(dayToSeconds) };
  }, [payload, from, to]);
  const charts = useMemo(
    () =>
      props.specs
        .filter((spec) => spec.series.some((s) => payload.series[s.key]))
        .map((spec) => ({
          spec,
          data: [
            range.x,
            ...spec.series.map((s) => {
              const values = (payload.series[s.key] ?? []).slice(range.start, range.end);
              const f = s.factor;
              return f ? values.map((v) => (v === null ? v : v * f)) : values;
            }),
          ] as uPlot.AlignedData,
          series: spec.series.map((s): SeriesSpec => ({ label: s.label, color: s.color, kind: s.kind })),
        })),
    [props.specs, payload, range],
  );
  if (range.x.length === 0) return <p class="empty">No breadth dates in this range.</p>;
  return (
    <div class={`breadth-charts ${props.class ?? ''}`}>
      {charts.map((c) => (
        <div key={c.spec.title} class="breadth-chart">
          <h3 class="chart-title">{c.spec.title}</h3>
          <UPlotChart
            data={c.data}
            series={c.series}
            height={props.height ?? 130}
            syncKey={props.syncKey}
            rules={c.spec.rules}
            testId="breadth-chart"
          />
        </div>
      ))}
    </div>
  );
}
