import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BREADTH_FIELDS, type BreadthSeries } from '../../src/domain/breadth-series.js';
import { dayFromIso, type EpochDay } from '../../src/domain/epoch-day.js';
import type { ScreenerRow } from '../../src/domain/screener-row.js';
import type { Signal } from '../../src/domain/signal.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { commitAnalysis } from '../support/commit-analysis.js';

/** A real SQLite store in a temp folder; `dispose` closes it and removes the folder. */
export async function openTempStore(): Promise<{ store: Store; dispose: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'marketdeck-precompute-test-'));
  const store = await SqliteStore.open(join(dir, 'test.db'));
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const LATEST = dayFromIso('2018-02-07');

/** A screener row with plausible values; `over` sets what a test is about. */
export function screenerRow(symbol: string, over: Partial<ScreenerRow> = {}): ScreenerRow {
  return {
    symbol,
    name: `${symbol} Inc.`,
    sector: 'Technology',
    industry: 'Software',
    marketCap: 1e9,
    trailingPE: null,
    forwardPE: null,
    eps: null,
    dividendYield: null,
    sharesOutstanding: null,
    date: LATEST,
    bars: 1259,
    close: 100,
    volume: 1_000_000,
    change1d: 1,
    ret1d: 1,
    ret1w: 2,
    ret1m: 3,
    ret3m: 4,
    ret6m: 5,
    retYtd: 6,
    ret1y: 7,
    ema10: 99,
    ema20: 98,
    ema50: 97,
    ema100: 96,
    ema200: 95,
    sma20: 98,
    sma50: 97,
    sma200: 95,
    rsi14: 55,
    macd: 0.5,
    macdSignal: 0.4,
    macdHist: 0.1,
    macdStage: 'bullish-rising',
    bbPercentB: 0.6,
    bbBandwidth: 0.1,
    atr14: 2,
    atrPct: 2,
    vol20: 20,
    vol60: 22,
    high52w: 110,
    low52w: 80,
    distHigh52w: -9.09,
    distLow52w: 25,
    avgVolume50: 900_000,
    volumeRatio: 1.11,
    relStrength: 0.5,
    flags: [],
    ...over,
  };
}

/** A breadth series of `days` consecutive dates ending at LATEST, every measure equal to its index. */
export function breadthSeries(scope: string, days = 5): BreadthSeries {
  const dates = Int32Array.from({ length: days }, (_, i) => LATEST - days + 1 + i);
  const series = { scope, dates } as BreadthSeries;
  for (const field of BREADTH_FIELDS) {
    (series as unknown as Record<string, Float64Array>)[field] = Float64Array.from({ length: days }, (_, i) => i);
  }
  series.trin[0] = Number.NaN;
  return series;
}

export function signal(symbol: string, date: number, kind: Signal['kind'], value = 1): Signal {
  return { symbol, date: date as EpochDay, kind, value };
}

/** Three technology tickers, one energy ticker, signals and breadth for 'all' and two sectors. */
export async function seedAnalysis(store: Store): Promise<ScreenerRow[]> {
  const rows = [
    screenerRow('AAPL', { marketCap: 900e9, ret1d: 2.5, volume: 30e6 }),
    screenerRow('MSFT', { marketCap: 700e9, ret1d: -1.5, volume: 25e6 }),
    screenerRow('ORCL', { marketCap: 200e9, ret1d: 0.5, industry: 'Databases', volume: 10e6 }),
    screenerRow('XOM', { marketCap: 350e9, ret1d: -3, sector: 'Energy', industry: 'Oil & Gas', volume: 15e6 }),
  ];
  await commitAnalysis(store, {
    screenerRows: rows,
    signals: [
      signal('AAPL', LATEST, 'new-52w-high', 170),
      signal('AAPL', LATEST - 3, 'rsi-above-70', 72),
      signal('XOM', LATEST, 'death-cross', 80),
      signal('MSFT', LATEST - 100, 'golden-cross', 60),
    ],
    breadth: {
      universe: 'cached',
      series: [breadthSeries('all'), breadthSeries('sector:Technology'), breadthSeries('sector:Energy')],
    },
  });
  return rows;
}
