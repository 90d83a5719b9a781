import { type EpochDay, firstDayOfYear } from '../domain/epoch-day.js';
import type { Signal, SignalKind } from '../domain/signal.js';
import { SIGNAL_CODE, SIGNAL_KINDS } from '../domain/signal-kinds.js';
import { bufferToFloat64, bufferToInt32 } from './bar-codec.js';
import type { SignalColumns } from './store.js';

/** One symbol's signals of one year, as columns sorted by date. */
export interface YearSignals {
  dates: Int32Array;
  kinds: Uint8Array;
  values: Float64Array;
}

export function kindCode(kind: SignalKind): number {
  const code = SIGNAL_CODE[kind];
  if (code === undefined) {
    throw new RangeError(`signal kind "${kind}" is not known; expected one of ${SIGNAL_KINDS.join(', ')}`);
  }
  return code;
}

export function decodeYear(dates: Buffer, kinds: Buffer, vals: Buffer): YearSignals {
  return { dates: bufferToInt32(dates), kinds: new Uint8Array(kinds), values: bufferToFloat64(vals) };
}

/**
 * The columns with each symbol's signals in one run, by date. A run's output already is (each ticker's
 * signals in date order), and is returned as it is; anything else is sorted (stable) into that shape.
 */
export function groupedBySymbol(c: SignalColumns): SignalColumns {
  const n = c.dates.length;
  const seen = new Uint8Array(c.symbols.length);
  let grouped = true;
  for (let i = 0; i < n && grouped; i++) {
    const k = c.symbolIndex[i];
    if (i > 0 && k === c.symbolIndex[i - 1]) {
      if (c.dates[i] < c.dates[i - 1]) grouped = false;
    } else if (seen[k]) grouped = false;
    seen[k] = 1;
  }
  if (grouped) return c;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (x, y) => c.symbolIndex[x] - c.symbolIndex[y] || c.dates[x] - c.dates[y] || x - y,
  );
  return {
    symbols: c.symbols,
    kinds: c.kinds,
    symbolIndex: Int32Array.from(order, (i) => c.symbolIndex[i]),
    dates: Int32Array.from(order, (i) => c.dates[i]),
    kindIndex: Uint8Array.from(order, (i) => c.kindIndex[i]),
    values: Float64Array.from(order, (i) => c.values[i]),
  };
}

export function concatYears(x: YearSignals, y: YearSignals): YearSignals {
  const n = x.dates.length + y.dates.length;
  const out: YearSignals = { dates: new Int32Array(n), kinds: new Uint8Array(n), values: new Float64Array(n) };
  out.dates.set(x.dates);
  out.dates.set(y.dates, x.dates.length);
  out.kinds.set(x.kinds);
  out.kinds.set(y.kinds, x.kinds.length);
  out.values.set(x.values);
  out.values.set(y.values, x.values.length);
  return out;
}

/** First index in [lo, hi) whose date is >= day. */
export function lowerBoundIn(dates: Int32Array, lo: number, hi: number, day: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dates[mid] < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function validateColumns(c: SignalColumns): void {
  const n = c.dates.length;
  if (c.symbolIndex.length !== n || c.kindIndex.length !== n || c.values.length !== n) {
    throw new RangeError(
      `signal columns differ in length: dates ${n}, symbolIndex ${c.symbolIndex.length}, kindIndex ${c.kindIndex.length}, values ${c.values.length}`,
    );
  }
  for (const kind of c.kinds) kindCode(kind);
  for (let i = 0; i < n; i++) {
    if (c.symbolIndex[i] < 0 || c.symbolIndex[i] >= c.symbols.length || c.kindIndex[i] >= c.kinds.length) {
      throw new RangeError(`signal ${i} points outside the symbols or kinds lists`);
    }
  }
}

export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Adds a year row's signals dated `since` or later (of one kind code, or all for -1) to `out`. */
export function collectYearSignals(
  out: Signal[],
  symbol: string,
  col: YearSignals,
  since: number,
  kindFilter: number,
): void {
  for (let i = 0; i < col.dates.length; i++) {
    if (col.dates[i] < since || (kindFilter >= 0 && col.kinds[i] !== kindFilter)) continue;
    out.push({ symbol, date: col.dates[i] as EpochDay, kind: SIGNAL_KINDS[col.kinds[i]], value: col.values[i] });
  }
}

/** How many of `out` fall in `year` or later: a newest-first read of years may stop once they reach its limit. */
export function signalsFromYear(out: readonly Signal[], year: number): number {
  const yearStart = firstDayOfYear(year);
  let newer = 0;
  for (const sig of out) if (sig.date >= yearStart) newer++;
  return newer;
}

/** Newest first, then by symbol and kind, cut at `limit`. */
export function newestSignalsFirst(out: Signal[], limit: number): Signal[] {
  out.sort(
    (a, b) =>
      b.date - a.date ||
      (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0) ||
      SIGNAL_CODE[a.kind] - SIGNAL_CODE[b.kind],
  );
  return Number.isFinite(limit) ? out.slice(0, Math.max(0, limit)) : out;
}
