import type { ScreenerRow } from '../domain/screener-row.js';

/** The benchmark relative strength is measured against when the universe holds it. */
export const BENCHMARK_SYMBOL = 'SPY';

export interface Benchmark {
  /** 'SPY', or 'equal-weight' for the universe's equal-weight index. */
  name: string;
  date: number | null;
  ret3m: number | null;
}

/**
 * Sets each row's relative strength: its 3-month return minus the benchmark's, in percentage points.
 * The benchmark is SPY when the rows hold it, else the universe's equal-weight index (the mean 3-month
 * return of the tickers). Only rows dated on the latest date are compared (a delisted ticker's last
 * return is not comparable); the mean is summed in symbol order so every run gives the same bits.
 */
export function applyRelativeStrength(rows: ScreenerRow[]): Benchmark {
  let latest = Number.NEGATIVE_INFINITY;
  for (const r of rows) if (r.date > latest) latest = r.date;
  const current = rows
    .filter((r) => r.date === latest && r.ret3m !== null)
    .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const spy = current.find((r) => r.symbol === BENCHMARK_SYMBOL);
  let benchmark: Benchmark;
  if (spy) benchmark = { name: BENCHMARK_SYMBOL, date: latest, ret3m: spy.ret3m };
  else {
    let sum = 0;
    for (const r of current) sum += r.ret3m!;
    benchmark = {
      name: 'equal-weight',
      date: current.length > 0 ? latest : null,
      ret3m: current.length > 0 ? sum / current.length : null,
    };
  }
  for (const r of rows) {
    r.relStrength =
      r.date === latest && r.ret3m !== null && benchmark.ret3m !== null ? r.ret3m - benchmark.ret3m : null;
  }
  return benchmark;
}
