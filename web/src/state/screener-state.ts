import type { ScreenerCell, ScreenerPayload } from './api-types.js';
import { DEFAULT_COLUMNS, screenerColumn } from './screener-columns.js';

export type Side = '' | 'above' | 'below';

/** Everything the screener shows, as it is written in the page's URL (so a link reproduces the view). */
export interface ScreenerState {
  /** Symbol or name contains this (case-insensitive). */
  q: string;
  sector: string;
  /** Inclusive bounds per numeric column. */
  min: Record<string, number>;
  max: Record<string, number>;
  sma50: Side;
  sma200: Side;
  /** A signal kind of the week or a MACD stage. */
  signal: string;
  sort: string;
  dir: 'asc' | 'desc';
  cols: string[];
}

export const DEFAULT_SORT = 'marketCap';

export function defaultScreenerState(): ScreenerState {
  return {
    q: '',
    sector: '',
    min: {},
    max: {},
    sma50: '',
    sma200: '',
    signal: '',
    sort: DEFAULT_SORT,
    dir: 'desc',
    cols: [...DEFAULT_COLUMNS],
  };
}

/**
 * The view with nothing in the URL for a payload: largest market cap first, or by symbol when no row has a
 * market cap (offline sample data has no quotes, so every cap would be blank).
 */
export function payloadDefaultState(payload: ScreenerPayload): ScreenerState {
  const s = defaultScreenerState();
  const i = payload.columns.indexOf(DEFAULT_SORT);
  if (i < 0 || !payload.rows.some((r) => typeof r[i] === 'number')) {
    s.sort = 'symbol';
    s.dir = 'asc';
  }
  return s;
}

const side = (v: string | null): Side => (v === 'above' || v === 'below' ? v : '');

/**
 * Reads the state from a query string; unknown columns and non-numeric bounds are dropped, not guessed.
 * What the query leaves out comes from `base` (the default view, or payloadDefaultState's).
 */
export function parseScreenerState(params: URLSearchParams, base = defaultScreenerState()): ScreenerState {
  const s: ScreenerState = { ...base, min: {}, max: {}, cols: [...base.cols] };
  s.q = params.get('q') ?? '';
  s.sector = params.get('sector') ?? '';
  s.sma50 = side(params.get('sma50'));
  s.sma200 = side(params.get('sma200'));
  s.signal = params.get('signal') ?? '';
  const sort = params.get('sort');
  if (sort && screenerColumn(sort)) s.sort = sort;
  const dir = params.get('dir');
  if (dir === 'asc' || dir === 'desc') s.dir = dir;
  const cols = params.get('cols');
  if (cols) {
    const known = cols.split(',').filter((c) => screenerColumn(c));
    if (known.length > 0) s.cols = [...new Set(known)];
  }
  for (const [name, value] of params) {
    const m = /^(min|max)\.(\w+)$/.exec(name);
    const n = Number(value);
    if (!m || value.trim() === '' || !Number.isFinite(n) || !screenerColumn(m[2])) continue;
    s[m[1] as 'min' | 'max'][m[2]] = n;
  }
  return s;
}

/** The query string of a state: only what differs from `base` (the default view), in a stable order. */
export function serializeScreenerState(s: ScreenerState, base = defaultScreenerState()): string {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.sector) p.set('sector', s.sector);
  for (const k of Object.keys(s.min).sort()) p.set(`min.${k}`, String(s.min[k]));
  for (const k of Object.keys(s.max).sort()) p.set(`max.${k}`, String(s.max[k]));
  if (s.sma50) p.set('sma50', s.sma50);
  if (s.sma200) p.set('sma200', s.sma200);
  if (s.signal) p.set('signal', s.signal);
  if (s.sort !== base.sort) p.set('sort', s.sort);
  if (s.dir !== base.dir) p.set('dir', s.dir);
  if (s.cols.join(',') !== DEFAULT_COLUMNS.join(',')) p.set('cols', s.cols.join(','));
  return p.toString();
}

/** Indices (into payload.rows) of the rows that pass the filters, in the chosen order; unknown values last. */
export function applyScreenerState(payload: ScreenerPayload, s: ScreenerState): number[] {
  const col = new Map(payload.columns.map((c, i) => [c, i]));
  const at = (name: string) => col.get(name) ?? -1;
  const iSymbol = at('symbol');
  const iName = at('name');
  const iSector = at('sector');
  const iClose = at('close');
  const iSma50 = at('sma50');
  const iSma200 = at('sma200');
  const iStage = at('macdStage');
  const iSignals = at('signals');
  const bounds = [
    ...Object.entries(s.min).map(([k, v]) => ({ i: at(k), v, lower: true })),
    ...Object.entries(s.max).map(([k, v]) => ({ i: at(k), v, lower: false })),
  ].filter((b) => b.i >= 0);
  const q = s.q.trim().toLowerCase();
  const vsSma = (row: ScreenerCell[], i: number, want: Side) => {
    if (!want) return true;
    const close = row[iClose];
    const sma = row[i];
    if (typeof close !== 'number' || typeof sma !== 'number') return false;
    return want === 'above' ? close > sma : close < sma;
  };

  const out: number[] = [];
  payload.rows.forEach((row, index) => {
    if (s.sector && row[iSector] !== s.sector) return;
    if (q) {
      const sym = String(row[iSymbol] ?? '').toLowerCase();
      const name = String(row[iName] ?? '').toLowerCase();
      if (!sym.includes(q) && !name.includes(q)) return;
    }
    for (const b of bounds) {
      const v = row[b.i];
      if (typeof v !== 'number' || (b.lower ? v < b.v : v > b.v)) return;
    }
    if (!vsSma(row, iSma50, s.sma50) || !vsSma(row, iSma200, s.sma200)) return;
    if (s.signal) {
      const signals = iSignals >= 0 ? row[iSignals] : null;
      const hit = row[iStage] === s.signal || (Array.isArray(signals) && signals.includes(s.signal));
      if (!hit) return;
    }
    out.push(index);
  });

  const iSort = at(s.sort);
  if (iSort >= 0) {
    const sign = s.dir === 'asc' ? 1 : -1;
    out.sort((a, b) => {
      const x = payload.rows[a][iSort];
      const y = payload.rows[b][iSort];
      const xMissing = x === null || x === undefined;
      const yMissing = y === null || y === undefined;
      if (xMissing || yMissing) return xMissing === yMissing ? a - b : xMissing ? 1 : -1;
      if (typeof x === 'number' && typeof y === 'number') return (x - y) * sign || a - b;
      return String(x).localeCompare(String(y)) * sign || a - b;
    });
  }
  return out;
}

/** How many filters narrow the table besides the search box: the phone's folded filter bar shows the count. */
export function activeFilterCount(s: ScreenerState): number {
  const chosen = [s.sector, s.signal, s.sma50, s.sma200].filter((v) => v !== '').length;
  return chosen + Object.keys(s.min).length + Object.keys(s.max).length;
}
