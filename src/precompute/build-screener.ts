import type { ScreenerRow } from '../domain/screener-row.js';
import type { Signal } from '../domain/signal.js';
import { isoDay } from './iso-day.js';
import { roundForDisplay } from './round-for-display.js';

/** Every screener field, in the order the table shows them. */
export const SCREENER_COLUMNS = [
  'symbol',
  'name',
  'sector',
  'industry',
  'marketCap',
  'trailingPE',
  'forwardPE',
  'eps',
  'dividendYield',
  'sharesOutstanding',
  'date',
  'bars',
  'close',
  'volume',
  'change1d',
  'ret1d',
  'ret1w',
  'ret1m',
  'ret3m',
  'ret6m',
  'retYtd',
  'ret1y',
  'ema10',
  'ema20',
  'ema50',
  'ema100',
  'ema200',
  'sma20',
  'sma50',
  'sma200',
  'rsi14',
  'macd',
  'macdSignal',
  'macdHist',
  'macdStage',
  'bbPercentB',
  'bbBandwidth',
  'atr14',
  'atrPct',
  'vol20',
  'vol60',
  'high52w',
  'low52w',
  'distHigh52w',
  'distLow52w',
  'avgVolume50',
  'volumeRatio',
  'relStrength',
  'flags',
] as const satisfies readonly (keyof ScreenerRow)[];

export type ScreenerCell = string | number | null | string[];

/**
 * The whole screener table, column names once and one array per ticker (a 10,000-row table as objects would
 * repeat every name 10,000 times); the page filters and sorts it in the browser.
 */
export interface ScreenerPayload {
  asOf: string | null;
  columns: readonly string[];
  rows: ScreenerCell[][];
}

/** Calendar days before the newest bar whose signals a screener row lists: the trading week. */
export const SCREENER_SIGNAL_DAYS = 7;

/** The columns of the payload: every screener field, then the kinds of each ticker's signals of the week. */
export const SCREENER_PAYLOAD_COLUMNS: readonly string[] = [...SCREENER_COLUMNS, 'signals'];

export function buildScreener(rows: readonly ScreenerRow[], signals: readonly Signal[] = []): ScreenerPayload {
  let latest: number | null = null;
  for (const r of rows) if (latest === null || r.date > latest) latest = r.date;
  // "Which tickers crossed their 200-day average this week" is a screener filter, so the kinds ride along.
  const week = new Map<string, Set<string>>();
  for (const s of signals) {
    if (latest === null || s.date <= latest - SCREENER_SIGNAL_DAYS) continue;
    let kinds = week.get(s.symbol);
    if (!kinds) week.set(s.symbol, (kinds = new Set()));
    kinds.add(s.kind);
  }
  const out: ScreenerCell[][] = new Array(rows.length);
  const sorted = [...rows].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i];
    const row: ScreenerCell[] = SCREENER_COLUMNS.map((c) => cell(c, r[c]));
    row.push([...(week.get(r.symbol) ?? [])].sort());
    out[i] = row;
  }
  return { asOf: latest === null ? null : isoDay(latest), columns: SCREENER_PAYLOAD_COLUMNS, rows: out };
}

function cell(column: (typeof SCREENER_COLUMNS)[number], value: ScreenerRow[keyof ScreenerRow]): ScreenerCell {
  if (column === 'date') return isoDay(value as number);
  // Whole numbers, and a yield that is a small fraction (0.0041): rounding to 4 decimals would cut either.
  if (
    column === 'marketCap' ||
    column === 'sharesOutstanding' ||
    column === 'dividendYield' ||
    column === 'volume' ||
    column === 'bars'
  ) {
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  }
  if (typeof value === 'number') return roundForDisplay(value);
  return value as ScreenerCell;
}
