import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { themeStore } from '../app-state.js';
import { useStore } from '../store.js';
import { DAY_INCREMENTS, dayTicks } from './day-ticks.js';
import { PALETTE, themeColors } from './theme-colors.js';
import { trailingRange } from './trailing-range.js';

export interface SeriesSpec {
  label: string;
  color?: string;
  /** 'bars' draws columns (counts per day or hour); lines otherwise. */
  kind?: 'line' | 'bars';
  scale?: string;
  format?: (v: number | null) => string;
}

export interface UPlotChartProps {
  /** x in Unix seconds, then one array per series. */
  data: uPlot.AlignedData;
  series: SeriesSpec[];
  height: number;
  /** Charts with the same key share one crosshair. */
  syncKey?: string;
  /** Horizontal lines at these y values (the zero line of an oscillator). */
  rules?: number[];
  timeFormat?: 'day' | 'hour';
  /**
   * The x axis always spans this many seconds up to the newest point (a "last 24 hours" chart): left to itself,
   * uPlot stretches a single sample's axis over years.
   */
  spanSeconds?: number;
  testId?: string;
}

const fmtDefault = (v: number | null) =>
  v === null || v === undefined ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** A time-series chart (uPlot), sized to its box, with a legend that reads the values under the cursor. */
export function UPlotChart(props: UPlotChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const theme = useStore(themeStore);
  const [cursor, setCursor] = useState<number | null>(null);
  const { data, series } = props;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const c = themeColors();
    const axis = {
      stroke: c.dim,
      grid: { stroke: c.grid, width: 1 },
      ticks: { stroke: c.grid, width: 1 },
      font: '11px system-ui',
    };
    const bars = uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 40] }) : undefined;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: props.height,
      legend: { show: false },
      cursor: {
        sync: props.syncKey ? { key: props.syncKey, setSeries: false } : undefined,
        points: { size: 5 },
        drag: { x: false, y: false },
      },
      // Days and sample times are UTC, as the legend says: ticks fall on UTC midnights and hours.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: {
        x: props.spanSeconds
          ? { time: true, range: (u) => trailingRange(u.data[0], props.spanSeconds ?? 0) }
          : { time: true },
      },
      axes: [
        props.timeFormat === 'hour'
          ? { ...axis, values: (_u, ticks) => timeTicks(ticks) }
          : { ...axis, incrs: [...DAY_INCREMENTS], values: (_u, ticks) => dayTicks(ticks) },
        { ...axis, size: 52, values: (_u, ticks) => ticks.map(compactTick) },
      ],
      series: [
        {},
        ...series.map((s, i) => {
          const color = s.color ?? PALETTE[i % PALETTE.length];
          // An absent scale must stay absent: `scale: undefined` would detach the series from the y axis.
          const base: uPlot.Series = {
            label: s.label,
            stroke: color,
            points: { show: crowded, size: 7 },
            ...(s.scale ? { scale: s.scale } : {}),
          };
          return s.kind === 'bars' ? { ...base, fill: `${color}cc`, paths: bars } : { ...base, width: 1.25 };
        }),
      ],
      hooks: {
        setCursor: [(u) => setCursor(u.cursor.idx ?? null)],
        draw: props.rules?.length
          ? [
              (u) => {
                const ctx = u.ctx;
                ctx.save();
                ctx.strokeStyle = c.dim;
                ctx.setLineDash([4, 4]);
                for (const r of props.rules ?? []) {
                  const y = Math.round(u.valToPos(r, 'y', true));
                  ctx.beginPath();
                  ctx.moveTo(u.bbox.left, y);
                  ctx.lineTo(u.bbox.left + u.bbox.width, y);
                  ctx.stroke();
                }
                ctx.restore();
              },
            ]
          : [],
      },
    };
    const plot = new uPlot(opts, data, el);
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height: props.height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [data, series, theme, props.height, props.syncKey, props.spanSeconds]);

  const last = data[0].length - 1;
  const idx = cursor ?? last;
  const x = data[0][idx];
  return (
    <div class="chart" data-testid={props.testId ?? 'uplot-chart'}>
      <div class="chart-legend">
        {x !== undefined ? <span>{fmtX(x, props.timeFormat)}</span> : null}
        {series.map((s, i) => (
          <span key={s.label}>
            <span class="swatch" style={{ background: s.color ?? PALETTE[i % PALETTE.length] }} />
            {s.label} <b>{(s.format ?? fmtDefault)((data[i + 1]?.[idx] as number | null | undefined) ?? null)}</b>
          </span>
        ))}
      </div>
      <div ref={box} />
    </div>
  );
}

/**
 * Dots where a line would not show: it needs two points, and samples crowded into a few pixels (the first
 * minutes of a 24-hour chart) draw a line too short to see.
 */
function crowded(u: uPlot, _series: number, i0: number, i1: number): boolean {
  const xs = u.data[0];
  return i1 - i0 < 2 || u.valToPos(xs[i1], 'x') - u.valToPos(xs[i0], 'x') < 12;
}

/**
 * Axis labels of a time scale as precise as the tick spacing needs (UTC, as the legend): seconds when ticks are
 * under a minute apart (minutes of samples), else hours and minutes, else the day; so no two ticks read alike.
 */
export function timeTicks(ticks: number[]): string[] {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 3600;
  return ticks.map((t) => {
    const iso = new Date(t * 1000).toISOString();
    if (step >= 86_400) return iso.slice(5, 10);
    if (step >= 60) return iso.slice(11, 16);
    if (step >= 1) return iso.slice(11, 19);
    return iso.slice(11, 23);
  });
}

function fmtX(x: number, kind: UPlotChartProps['timeFormat']): string {
  const iso = new Date(x * 1000).toISOString();
  return kind === 'hour' ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso.slice(0, 10);
}

function compactTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toFixed(1)}B`;
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(0)}K`;
  return String(+v.toFixed(2));
}
