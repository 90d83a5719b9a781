import type { ScreenerCell } from './api-types.js';
import { DASH, fmtCompact, fmtNumber, fmtPercent } from './format.js';

export type ColumnKind = 'text' | 'price' | 'percent' | 'number' | 'compact' | 'integer' | 'list';

export interface ScreenerColumn {
  key: string;
  label: string;
  kind: ColumnKind;
  /** Pixel width in the table. */
  width: number;
}

/** Every column the screener can show, in the order the chooser lists them. */
export const SCREENER_COLUMNS: readonly ScreenerColumn[] = [
  { key: 'symbol', label: 'Symbol', kind: 'text', width: 76 },
  { key: 'name', label: 'Name', kind: 'text', width: 140 },
  { key: 'sector', label: 'Sector', kind: 'text', width: 120 },
  { key: 'industry', label: 'Industry', kind: 'text', width: 150 },
  { key: 'close', label: 'Price', kind: 'price', width: 76 },
  { key: 'change1d', label: 'Chg', kind: 'price', width: 66 },
  { key: 'ret1d', label: '1D %', kind: 'percent', width: 80 },
  { key: 'ret1w', label: '1W %', kind: 'percent', width: 80 },
  { key: 'ret1m', label: '1M %', kind: 'percent', width: 80 },
  { key: 'ret3m', label: '3M %', kind: 'percent', width: 80 },
  { key: 'ret6m', label: '6M %', kind: 'percent', width: 80 },
  { key: 'retYtd', label: 'YTD %', kind: 'percent', width: 80 },
  { key: 'ret1y', label: '1Y %', kind: 'percent', width: 80 },
  { key: 'volume', label: 'Volume', kind: 'compact', width: 66 },
  { key: 'avgVolume50', label: 'Avg vol 50', kind: 'compact', width: 80 },
  { key: 'volumeRatio', label: 'Vol ratio', kind: 'number', width: 70 },
  { key: 'marketCap', label: 'Mkt cap', kind: 'compact', width: 76 },
  { key: 'trailingPE', label: 'P/E', kind: 'number', width: 62 },
  { key: 'forwardPE', label: 'Fwd P/E', kind: 'number', width: 66 },
  { key: 'eps', label: 'EPS', kind: 'number', width: 62 },
  { key: 'dividendYield', label: 'Div yld', kind: 'number', width: 62 },
  { key: 'rsi14', label: 'RSI 14', kind: 'number', width: 56 },
  { key: 'sma20', label: 'SMA 20', kind: 'price', width: 76 },
  { key: 'sma50', label: 'SMA 50', kind: 'price', width: 76 },
  { key: 'sma200', label: 'SMA 200', kind: 'price', width: 76 },
  { key: 'ema20', label: 'EMA 20', kind: 'price', width: 76 },
  { key: 'ema50', label: 'EMA 50', kind: 'price', width: 76 },
  { key: 'macd', label: 'MACD', kind: 'number', width: 66 },
  { key: 'macdHist', label: 'MACD hist', kind: 'number', width: 74 },
  { key: 'macdStage', label: 'MACD stage', kind: 'text', width: 126 },
  { key: 'bbPercentB', label: 'BB %B', kind: 'number', width: 62 },
  { key: 'atrPct', label: 'ATR %', kind: 'number', width: 62 },
  { key: 'vol20', label: 'Vol 20d', kind: 'number', width: 66 },
  { key: 'high52w', label: '52w high', kind: 'price', width: 76 },
  { key: 'low52w', label: '52w low', kind: 'price', width: 76 },
  { key: 'distHigh52w', label: 'From high', kind: 'percent', width: 80 },
  { key: 'relStrength', label: 'Rel str', kind: 'number', width: 66 },
  { key: 'signals', label: 'Signals', kind: 'list', width: 160 },
  { key: 'bars', label: 'Bars', kind: 'integer', width: 58 },
  { key: 'date', label: 'As of', kind: 'text', width: 90 },
  { key: 'flags', label: 'Flags', kind: 'list', width: 110 },
];

export const DEFAULT_COLUMNS: readonly string[] = [
  'symbol',
  'name',
  'sector',
  'close',
  'ret1d',
  'ret1w',
  'ret1m',
  'retYtd',
  'volume',
  'marketCap',
  'rsi14',
  'sma50',
  'sma200',
  'macdStage',
  'date',
];

const BY_KEY = new Map(SCREENER_COLUMNS.map((c) => [c.key, c]));

export function screenerColumn(key: string): ScreenerColumn | undefined {
  return BY_KEY.get(key);
}

/**
 * The text a cell shows (the CSV export writes the raw value instead). A figure nobody has (a market cap
 * before any quote was fetched) shows a dash, as on every other page; a missing name or list stays blank.
 */
export function cellText(kind: ColumnKind, value: ScreenerCell | undefined): string {
  if (value === null || value === undefined) return kind === 'text' || kind === 'list' ? '' : DASH;
  if (Array.isArray(value)) return value.join(' ');
  if (typeof value === 'string') return value;
  switch (kind) {
    case 'percent':
      return fmtPercent(value);
    case 'compact':
      return fmtCompact(value);
    case 'integer':
      return fmtNumber(value, 0);
    case 'text':
      return String(value);
    default:
      return fmtNumber(value, 2);
  }
}
