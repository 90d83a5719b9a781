import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { HEATMAP_PATH } from '../api-paths.js';
import { themeStore } from '../app-state.js';
import { themeColors } from '../charts/theme-colors.js';
import { LoadState } from '../components/load-state.js';
import { navigate, useLocation } from '../router.js';
import type { HeatmapPayload, Payload } from '../state/api-types.js';
import { fmtCompact, fmtNumber, fmtPercent, signClass } from '../state/format.js';
import { ellipsis, type MeasureText, tileLabel } from '../state/tile-label.js';
import {
  type ChangePeriod,
  changeColor,
  layoutTreemap,
  SATURATION,
  type Tile,
  tileAt,
} from '../state/treemap-layout.js';
import { useStore } from '../store.js';
import { useApi } from '../use-api.js';

const PERIODS: { key: ChangePeriod; label: string }[] = [
  { key: 'd1', label: '1D' },
  { key: 'w1', label: '1W' },
  { key: 'm1', label: '1M' },
  { key: 'ytd', label: 'YTD' },
];

/** Sector -> industry -> ticker treemap on a canvas, coloured by the chosen period's change. */
export default function HeatmapPage() {
  const loaded = useApi<Payload<HeatmapPayload>>(HEATMAP_PATH);
  return (
    <LoadState loaded={loaded} minHeight={500}>
      {({ data }) => <Heatmap payload={data} />}
    </LoadState>
  );
}

function Heatmap({ payload }: { payload: HeatmapPayload }) {
  const { search } = useLocation();
  const period = (PERIODS.find((p) => p.key === new URLSearchParams(search).get('period'))?.key ??
    'd1') as ChangePeriod;
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const theme = useStore(themeStore);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [hover, setHover] = useState<{ tile: Tile; x: number; y: number } | null>(null);
  const touched = useRef(false);
  const tickers = useMemo(() => payload.sectors.reduce((n, s) => n + s.tickers, 0), [payload]);

  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const layout = useMemo(() => (size.w > 0 ? layoutTreemap(payload, size.w, size.h) : null), [payload, size]);

  useEffect(() => {
    const cv = canvas.current;
    if (!cv || !layout) return;
    const dpr = window.devicePixelRatio || 1;
    cv.width = Math.round(size.w * dpr);
    cv.height = Math.round(size.h * dpr);
    cv.style.width = `${size.w}px`;
    cv.style.height = `${size.h}px`;
    const ctx = cv.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const c = themeColors();
    ctx.fillStyle = c.bg;
    ctx.fillRect(0, 0, size.w, size.h);
    ctx.textBaseline = 'top';
    const limit = SATURATION[period];
    const measure: MeasureText = (text, size, line) => {
      ctx.font = line === 'symbol' ? symbolFont(size) : changeFont(size);
      return ctx.measureText(text).width;
    };
    for (const t of layout.tiles) {
      const w = t.x1 - t.x0;
      const h = t.y1 - t.y0;
      if (t.depth === 1) {
        ctx.fillStyle = c.border;
        ctx.fillRect(t.x0, t.y0, w, h);
        ctx.fillStyle = c.fg;
        ctx.font = '600 11px system-ui, sans-serif';
        if (w > 40) ctx.fillText(fitText(ctx, t.name.toUpperCase(), w - 6), t.x0 + 3, t.y0 + 3);
      } else if (t.depth === 2) {
        if (t.name && w > 40 && h > 40) {
          ctx.fillStyle = c.dim;
          ctx.font = '10px system-ui, sans-serif';
          ctx.fillText(fitText(ctx, t.name, w - 4), t.x0 + 2, t.y0 + 1);
        }
      } else if (t.ticker) {
        const ch = t.ticker.change[period];
        ctx.fillStyle = changeColor(ch, limit);
        ctx.fillRect(t.x0, t.y0, w, h);
        const label = tileLabel(measure, t.ticker.symbol, fmtPercent(ch), w, h);
        if (label) {
          ctx.fillStyle = '#fff';
          ctx.textAlign = 'center';
          const small = label.size - 3;
          const top = t.y0 + (h - (label.change ? label.size + 2 + small : label.size)) / 2;
          ctx.font = symbolFont(label.size);
          ctx.fillText(label.symbol, t.x0 + w / 2, top);
          if (label.change) {
            ctx.font = changeFont(small);
            ctx.fillText(label.change, t.x0 + w / 2, top + label.size + 2);
          }
          ctx.textAlign = 'left';
        }
      }
    }
  }, [layout, period, theme, size]);

  const pointer = (e: MouseEvent) => {
    if (!layout) return null;
    const r = (e.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    const tile = tileAt(layout.tiles, x, y);
    return tile ? { tile, x, y } : null;
  };
  const setPeriod = (p: ChangePeriod) => navigate(`/heatmap${p === 'd1' ? '' : `?period=${p}`}`, { replace: true });

  return (
    <>
      <div class="page-title">
        <h1>Heatmap</h1>
        <span class="as-of">as of {payload.asOf ?? '—'}</span>
        <span class="dim">
          {tickers.toLocaleString('en-US')} tickers ·{' '}
          {layout?.sizing === 'equal'
            ? 'equal weight: no market caps known (fetch quotes to size by market cap)'
            : layout?.sizing === 'mixed'
              ? `sized by market cap; ${layout.unknownCaps} without a known cap drawn at the median size`
              : 'sized by market cap'}
        </span>
      </div>
      <div class="toolbar">
        <span class="dim">Colour by change over</span>
        {PERIODS.map((p) => (
          <button type="button" key={p.key} class={period === p.key ? 'active' : ''} onClick={() => setPeriod(p.key)}>
            {p.label}
          </button>
        ))}
        <span class="legend-scale" title="colour scale">
          {[-1, -0.5, 0, 0.5, 1].map((f) => (
            <span key={f} style={{ background: changeColor(f * SATURATION[period], SATURATION[period]) }}>
              {fmtPercent(f * SATURATION[period], 0)}
            </span>
          ))}
        </span>
      </div>
      <div class="treemap-wrap" ref={wrap}>
        <canvas
          ref={canvas}
          data-testid="heatmap-canvas"
          role="img"
          aria-label={`Treemap of ${tickers} tickers by sector and industry, coloured by change`}
          onPointerMove={(e) => {
            if (e.pointerType !== 'touch') setHover(pointer(e));
          }}
          onPointerLeave={(e) => {
            if (e.pointerType !== 'touch') setHover(null);
          }}
          onPointerDown={(e) => {
            touched.current = e.pointerType === 'touch';
          }}
          onClick={(e) => {
            const hit = pointer(e);
            if (!hit?.tile.ticker) return;
            // A touch screen has no hover: the first tap on a tile names it (a small tile has no room for its
            // label), the second opens it.
            if (touched.current && hover?.tile !== hit.tile) {
              setHover(hit);
              return;
            }
            navigate(`/ticker/${encodeURIComponent(hit.tile.ticker.symbol)}`);
          }}
        />
        {hover?.tile.ticker ? <TileTooltip hover={hover} size={size} period={period} /> : null}
      </div>
    </>
  );
}

function TileTooltip({
  hover,
  size,
  period,
}: {
  hover: { tile: Tile; x: number; y: number };
  size: { w: number; h: number };
  period: ChangePeriod;
}) {
  const t = hover.tile.ticker!;
  // Beside the pointer, on whichever side has room, and never past the map's edges (a phone is narrow).
  const left = Math.max(0, hover.x + 190 > size.w ? hover.x - 190 : hover.x + 14);
  const top = Math.max(0, hover.y + 150 > size.h ? hover.y - 150 : hover.y + 14);
  return (
    <div class="tooltip" style={{ left: `${left}px`, top: `${top}px` }} data-testid="heatmap-tooltip">
      <div>
        <strong>{t.symbol}</strong> {t.name ?? ''}
      </div>
      <div class="dim">
        {hover.tile.sector}
        {hover.tile.industry && hover.tile.industry !== 'Unknown' ? ` · ${hover.tile.industry}` : ''}
      </div>
      <div>
        Close {fmtNumber(t.close)} · Mkt cap {t.marketCap === null ? 'unknown' : fmtCompact(t.marketCap)}
      </div>
      <div>
        {PERIODS.map((p) => (
          <span key={p.key} class={`${signClass(t.change[p.key])} ${p.key === period ? 'strong' : ''}`}>
            {p.label} {fmtPercent(t.change[p.key])}{' '}
          </span>
        ))}
      </div>
    </div>
  );
}

const symbolFont = (size: number) => `600 ${size}px system-ui, sans-serif`;
const changeFont = (size: number) => `${size}px system-ui, sans-serif`;

/** A sector or industry name cut to `max` px in the canvas's current font. */
const fitText = (ctx: CanvasRenderingContext2D, text: string, max: number) =>
  ellipsis((s) => ctx.measureText(s).width, text, max) ?? '';
