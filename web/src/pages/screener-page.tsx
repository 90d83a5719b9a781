import { Component } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { SCREENER_PATH } from '../api-paths.js';
import { LiveInput } from '../components/live-input.js';
import { LoadState } from '../components/load-state.js';
import { Sparkline } from '../components/sparkline.js';
import { downloadText } from '../download-text.js';
import { locationStore, navigate, useLocation } from '../router.js';
import type { Payload, ScreenerAnswer, ScreenerCell } from '../state/api-types.js';
import { toCsv } from '../state/csv.js';
import { fmtInt, signClass } from '../state/format.js';
import { cellText, SCREENER_COLUMNS, type ScreenerColumn, screenerColumn } from '../state/screener-columns.js';
import {
  activeFilterCount,
  applyScreenerState,
  parseScreenerState,
  payloadDefaultState,
  type ScreenerState,
  type Side,
  serializeScreenerState,
} from '../state/screener-state.js';
import { useApi } from '../use-api.js';
import { useSparklines } from '../use-sparklines.js';

const ROW = 24;
/** Rows drawn beyond each edge of the view, so a fast scroll never shows a blank band. */
const OVERSCAN = 6;
/** Width of the sparkline column: the default columns and it fit a 1440 px screen. */
const SPARK_CELL = 84;

/** Changes the URL's state: a patch, or a function of the state the URL holds when it is applied. */
type SetState = (patch: Partial<ScreenerState> | ((current: ScreenerState) => Partial<ScreenerState>)) => void;

/** The whole-market table: filters, sort, column choice, all in the URL; virtualised for 10,000 rows. */
export default function ScreenerPage() {
  const loaded = useApi<Payload<ScreenerAnswer>>(SCREENER_PATH);
  return (
    <LoadState loaded={loaded} minHeight={500}>
      {({ data }) => <Screener payload={data} />}
    </LoadState>
  );
}

function Screener({ payload }: { payload: ScreenerAnswer }) {
  const { search } = useLocation();
  const base = useMemo(() => payloadDefaultState(payload), [payload]);
  const state = useMemo(() => parseScreenerState(new URLSearchParams(search), base), [search, base]);
  const set: SetState = (patch) => {
    // The URL as it is now, not as it was at this render: a box applies its text a moment after the typing.
    const current = parseScreenerState(new URLSearchParams(locationStore.get().search), base);
    const qs = serializeScreenerState({ ...current, ...(typeof patch === 'function' ? patch(current) : patch) }, base);
    navigate(`/screener${qs ? `?${qs}` : ''}`, { replace: true });
  };
  const rows = useMemo(() => applyScreenerState(payload, state), [payload, state]);
  const colIndex = useMemo(() => new Map(payload.columns.map((c, i) => [c, i])), [payload]);
  const columns = useMemo(
    () => state.cols.map((k) => screenerColumn(k)).filter((c): c is ScreenerColumn => !!c && colIndex.has(c.key)),
    [state.cols, colIndex],
  );
  const sectors = useMemo(() => distinct(payload, colIndex.get('sector')), [payload, colIndex]);
  const signals = useMemo(
    () => [...distinct(payload, colIndex.get('macdStage')), ...distinct(payload, colIndex.get('signals'))],
    [payload, colIndex],
  );
  const [chooser, setChooser] = useState(false);
  // On a phone the filters fold behind one button, so the table starts on the first screen.
  const [filtersOpen, setFiltersOpen] = useState(false);
  const active = activeFilterCount(state);

  const exportCsv = () => {
    const header = columns.map((c) => c.label);
    const body = rows.map((r) => columns.map((c) => payload.rows[r][colIndex.get(c.key)!]));
    downloadText(`marketdeck-screener-${payload.asOf ?? 'latest'}.csv`, toCsv(header, body));
  };

  return (
    <>
      <div class="page-title">
        <h1>Screener</h1>
        <span class="as-of">as of {payload.asOf ?? '—'}</span>
        <span class="dim" data-testid="screener-count">
          {fmtInt(rows.length)} of {fmtInt(payload.rows.length)} tickers
        </span>
      </div>
      <div class={`toolbar screener-filters ${filtersOpen ? 'open' : ''}`} data-testid="screener-filters">
        <LiveInput
          type="search"
          placeholder="Symbol or name"
          value={state.q}
          onCommit={(q) => set({ q })}
          aria-label="Symbol or name"
          data-testid="screener-search"
        />
        <button
          type="button"
          class="filters-toggle"
          aria-expanded={filtersOpen}
          onClick={() => setFiltersOpen(!filtersOpen)}
          data-testid="filters-toggle"
        >
          Filters{active > 0 ? ` · ${active}` : ''} {filtersOpen ? '▴' : '▾'}
        </button>
        <label class="filter">
          Sector
          <select
            value={state.sector}
            onChange={(e) => set({ sector: e.currentTarget.value })}
            data-testid="sector-filter"
          >
            <option value="">all</option>
            {sectors.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <Range label="Price" col="close" state={state} set={set} />
        <Range label="Mkt cap" col="marketCap" state={state} set={set} />
        <Range label="RSI" col="rsi14" state={state} set={set} />
        <Range label="1M %" col="ret1m" state={state} set={set} />
        <Range label="YTD %" col="retYtd" state={state} set={set} />
        <SideSelect label="SMA 50" value={state.sma50} onChange={(v) => set({ sma50: v })} />
        <SideSelect label="SMA 200" value={state.sma200} onChange={(v) => set({ sma200: v })} />
        <label class="filter">
          Signal
          <select value={state.signal} onChange={(e) => set({ signal: e.currentTarget.value })}>
            <option value="">any</option>
            {signals.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setChooser(!chooser)} aria-expanded={chooser}>
          Columns
        </button>
        <button type="button" onClick={() => navigate('/screener', { replace: true })}>
          Reset
        </button>
        <button type="button" onClick={exportCsv} data-testid="export-csv">
          Export CSV
        </button>
      </div>
      {chooser ? <ColumnChooser state={state} set={set} available={colIndex} /> : null}
      <VirtualTable payload={payload} rows={rows} columns={columns} colIndex={colIndex} state={state} set={set} />
      <p class="hint">
        j / k move, Enter opens the ticker; click a header to sort. Sample-data figures carry the sample badge above.
      </p>
    </>
  );
}

function Range(props: { label: string; col: string; state: ScreenerState; set: SetState }) {
  const { col, state, set } = props;
  const bound = (which: 'min' | 'max', raw: string) =>
    set((current) => {
      const next = { ...current[which] };
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) delete next[col];
      else next[col] = n;
      return { [which]: next };
    });
  return (
    <label class="filter">
      {props.label}
      <LiveInput
        class="narrow"
        inputMode="decimal"
        placeholder="min"
        value={String(state.min[col] ?? '')}
        onCommit={(raw) => bound('min', raw)}
        aria-label={`${props.label} min`}
        data-testid={`min-${col}`}
      />
      <LiveInput
        class="narrow"
        inputMode="decimal"
        placeholder="max"
        value={String(state.max[col] ?? '')}
        onCommit={(raw) => bound('max', raw)}
        aria-label={`${props.label} max`}
        data-testid={`max-${col}`}
      />
    </label>
  );
}

function SideSelect(props: { label: string; value: Side; onChange: (v: Side) => void }) {
  return (
    <label class="filter">
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as Side)}>
        <option value="">any</option>
        <option value="above">close above</option>
        <option value="below">close below</option>
      </select>
    </label>
  );
}

function ColumnChooser(props: { state: ScreenerState; set: SetState; available: Map<string, number> }) {
  const { state, set } = props;
  return (
    <div class="col-chooser" data-testid="column-chooser">
      {SCREENER_COLUMNS.filter((c) => props.available.has(c.key)).map((c) => (
        <label key={c.key}>
          <input
            type="checkbox"
            checked={state.cols.includes(c.key)}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              const cols = on
                ? SCREENER_COLUMNS.map((x) => x.key).filter((k) => k === c.key || state.cols.includes(k))
                : state.cols.filter((k) => k !== c.key);
              if (cols.length > 0) set({ cols });
            }}
          />
          {c.label}
        </label>
      ))}
    </div>
  );
}

function VirtualTable(props: {
  payload: ScreenerAnswer;
  rows: number[];
  columns: ScreenerColumn[];
  colIndex: Map<string, number>;
  state: ScreenerState;
  set: SetState;
}) {
  const { payload, rows, columns, colIndex, state, set } = props;
  const box = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: 600 });
  const [selected, setSelected] = useState(0);
  const actions = useRef<RowActions>({ select: () => {}, open: () => {} });

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setScroll({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => setSelected((s) => Math.min(s, Math.max(0, rows.length - 1))), [rows]);

  const open = (i: number) => {
    const sym = payload.rows[rows[i]]?.[colIndex.get('symbol')!];
    if (typeof sym === 'string') navigate(`/ticker/${encodeURIComponent(sym)}`);
  };
  const move = (to: number) => {
    const i = Math.max(0, Math.min(rows.length - 1, to));
    setSelected(i);
    const el = box.current;
    if (!el) return;
    const top = i * ROW;
    const viewTop = el.scrollTop;
    const viewBottom = viewTop + el.clientHeight - ROW * 2;
    if (top < viewTop) el.scrollTop = top;
    else if (top > viewBottom) el.scrollTop = top - el.clientHeight + ROW * 2;
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName)) return;
      if (e.key === 'j') move(selected + 1);
      else if (e.key === 'k') move(selected - 1);
      else if (e.key === 'Enter') open(selected);
      else return;
      e.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  });

  const first = Math.max(0, Math.floor(scroll.top / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scroll.top + scroll.height) / ROW) + OVERSCAN);
  const iSymbol = colIndex.get('symbol')!;
  const onScreen = rows.slice(first, last).map((r) => String(payload.rows[r][iSymbol]));
  const spark = useSparklines(onScreen);
  const width = columns.reduce((w, c) => w + c.width, 0) + (spark.available ? SPARK_CELL : 0);

  actions.current.select = setSelected;
  actions.current.open = open;
  const visible = [];
  for (let i = first; i < last; i++) {
    const row = payload.rows[rows[i]];
    visible.push(
      <ScreenerRowView
        key={rows[i]}
        position={i}
        row={row}
        columns={columns}
        colIndex={colIndex}
        selected={i === selected}
        width={width}
        spark={spark.available ? (spark.closes.get(String(row[iSymbol])) ?? EMPTY) : null}
        actions={actions.current}
      />,
    );
  }

  return (
    <div
      class="vtable"
      ref={box}
      // Scroll events arrive once per frame; rendering in the same frame keeps the rows in step with it.
      onScroll={(e) => setScroll({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}
      data-testid="screener-table"
    >
      <div class="vtable-head" style={{ width: `${width}px` }}>
        {columns.map((c) => {
          const sorted = state.sort === c.key;
          const numeric = c.kind !== 'text' && c.kind !== 'list';
          return (
            <button
              type="button"
              key={c.key}
              class={`cell head-cell ${numeric ? 'num' : ''} ${sorted ? 'sorted' : ''}`}
              style={{ width: `${c.width}px` }}
              title={`Sort by ${c.label}`}
              aria-pressed={sorted}
              onClick={() => set({ sort: c.key, dir: sorted && state.dir === 'desc' ? 'asc' : 'desc' })}
              data-testid={`sort-${c.key}`}
            >
              {c.label}
              {sorted ? (state.dir === 'asc' ? ' ▲' : ' ▼') : ''}
            </button>
          );
        })}
        {spark.available ? (
          <div class="cell" style={{ width: `${SPARK_CELL}px` }}>
            60 closes
          </div>
        ) : null}
      </div>
      <div class="vtable-body" style={{ height: `${rows.length * ROW}px` }}>
        {visible}
      </div>
      {rows.length === 0 ? <p class="empty">No ticker passes these filters.</p> : null}
    </div>
  );
}

interface RowActions {
  select(position: number): void;
  open(position: number): void;
}

interface RowProps {
  position: number;
  row: ScreenerCell[];
  columns: ScreenerColumn[];
  colIndex: Map<string, number>;
  selected: boolean;
  width: number;
  /** The last closes, [] while they load, null when the server has no sparklines. */
  spark: readonly (number | null)[] | null;
  actions: RowActions;
}

const EMPTY: readonly (number | null)[] = [];

/**
 * One table row, rendered again only when something it shows changed: a scroll renders the few rows it
 * reveals, not every row on screen.
 */
class ScreenerRowView extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps): boolean {
    const p = this.props;
    return (
      next.position !== p.position ||
      next.row !== p.row ||
      next.columns !== p.columns ||
      next.colIndex !== p.colIndex ||
      next.selected !== p.selected ||
      next.width !== p.width ||
      next.spark !== p.spark
    );
  }

  override render() {
    const { position, row, columns, colIndex, selected, width, spark, actions } = this.props;
    return (
      // biome-ignore lint/a11y/noStaticElementInteractions: the keyboard reaches rows through j/k/Enter on the page; the pointer only moves the selection
      <div
        class={`vrow ${selected ? 'selected' : ''}`}
        style={{ top: `${position * ROW}px`, width: `${width}px` }}
        onPointerDown={() => actions.select(position)}
        onDblClick={() => actions.open(position)}
        data-testid="screener-row"
      >
        {columns.map((c) => {
          const v = row[colIndex.get(c.key)!];
          const numeric = c.kind !== 'text' && c.kind !== 'list';
          const tone = c.kind === 'percent' || c.key === 'change1d' ? signClass(v as number | null) : '';
          const text = cellText(c.kind, v);
          return (
            <div
              key={c.key}
              class={`cell ${numeric ? 'num' : ''} ${tone}`}
              style={{ width: `${c.width}px` }}
              // A name, sector or signal list cut to the column's width is read whole on hover.
              title={numeric || !text ? undefined : text}
            >
              {c.key === 'symbol' ? (
                <a
                  href={`/ticker/${encodeURIComponent(String(v))}`}
                  onClick={(e) => {
                    e.preventDefault();
                    actions.open(position);
                  }}
                >
                  {String(v)}
                </a>
              ) : (
                text
              )}
            </div>
          );
        })}
        {spark ? (
          <div class="cell" style={{ width: `${SPARK_CELL}px` }}>
            <Sparkline values={spark} width={SPARK_CELL - 12} height={18} />
          </div>
        ) : null}
      </div>
    );
  }
}

function distinct(payload: ScreenerAnswer, index: number | undefined): string[] {
  if (index === undefined) return [];
  const set = new Set<string>();
  for (const row of payload.rows) {
    const v = row[index];
    if (typeof v === 'string' && v) set.add(v);
    else if (Array.isArray(v)) for (const x of v) set.add(x);
  }
  return [...set].sort();
}
