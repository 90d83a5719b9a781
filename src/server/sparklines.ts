import { isoFromDay } from '../domain/epoch-day.js';
import { normalizeSymbol } from '../domain/symbol.js';
import type { Store } from '../store/store.js';
import { badParam } from './bad-param.js';

/** Closes a screener sparkline shows: about three months of trading days. */
export const SPARKLINE_CLOSES = 60;
/** Symbols one request may ask for: a screen of visible rows, with room to spare. */
export const MAX_SPARKLINE_SYMBOLS = 500;

/** `symbols=A,B,C` (1-500 valid symbols); nothing else. */
export function parseSparklineQuery(params: URLSearchParams): string[] {
  let symbols: string[] | null = null;
  for (const [name, value] of params) {
    if (name !== 'symbols' || symbols !== null) throw badParam(name, value, 'only symbols, once');
    const list = value.split(',').filter((s) => s.trim() !== '');
    if (list.length < 1 || list.length > MAX_SPARKLINE_SYMBOLS) {
      throw badParam(name, value.slice(0, 80), `1 to ${MAX_SPARKLINE_SYMBOLS} comma-separated symbols`);
    }
    try {
      symbols = [...new Set(list.map(normalizeSymbol))];
    } catch {
      throw badParam(name, value.slice(0, 80), 'ticker symbols such as AAPL,BRK.B');
    }
  }
  if (symbols === null) throw badParam('symbols', '', `1 to ${MAX_SPARKLINE_SYMBOLS} comma-separated symbols`);
  return symbols;
}

/**
 * The last SPARKLINE_CLOSES closes of each symbol (null where one is missing), read from the store: the
 * screener draws them only for the rows on screen, so 10,000 tickers never travel at once. Dates and closes
 * alone, in one read where the store gives them (readCloses).
 */
export async function sparklines(
  store: Pick<Store, 'bars'>,
  symbols: readonly string[],
): Promise<Record<string, { dates: [string, string] | null; closes: (number | null)[] }>> {
  let series: Map<string, { dates: Int32Array; close: Float64Array }>;
  if (store.bars.readCloses) series = await store.bars.readCloses(symbols);
  else {
    series = new Map();
    await Promise.all(
      symbols.map(async (symbol) => {
        const bars = await store.bars.read(symbol);
        if (bars) series.set(symbol, bars);
      }),
    );
  }
  const out: Record<string, { dates: [string, string] | null; closes: (number | null)[] }> = {};
  for (const symbol of symbols) {
    const bars = series.get(symbol);
    if (!bars || bars.close.length === 0) {
      out[symbol] = { dates: null, closes: [] };
      continue;
    }
    const start = Math.max(0, bars.close.length - SPARKLINE_CLOSES);
    const closes = Array.from(bars.close.subarray(start), (v) => (Number.isFinite(v) ? v : null));
    out[symbol] = { dates: [isoFromDay(bars.dates[start]), isoFromDay(bars.dates[bars.dates.length - 1])], closes };
  }
  return out;
}
