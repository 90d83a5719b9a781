import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AnalysisSummary, runAnalysis } from '../../src/analysis/run-analysis.js';
import { decodeTickerState, type TickerState } from '../../src/analysis/ticker-state.js';
import type { BarSeries } from '../../src/domain/bar-series.js';
import type { BreadthSeries } from '../../src/domain/breadth-series.js';
import type { ScreenerRow } from '../../src/domain/screener-row.js';
import type { Signal } from '../../src/domain/signal.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

/** A SQLite store in a fresh temp folder; `dispose` closes it and removes the folder. */
export async function tempStore(): Promise<{ store: SqliteStore; path: string; dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'marketdeck-analysis-'));
  const path = join(dir, 'test.db');
  const store = await SqliteStore.open(path);
  return {
    store,
    path,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function analyze(
  store: Store,
  opts: { full?: boolean; workers?: number; storeWhileComputing?: boolean } = {},
): Promise<AnalysisSummary> {
  const symbols = await store.tickers.symbolsWithBars();
  return runAnalysis(store, {
    universe: { name: 'cached', symbols },
    full: opts.full,
    workers: opts.workers ?? 1,
    minTickersForWorkers: 1,
    storeWhileComputing: opts.storeWhileComputing,
  });
}

export async function writeSeries(store: Store, series: BarSeries, sector: string | null = null): Promise<void> {
  await store.bars.writeTicker({
    symbol: series.symbol,
    info: { sector, name: `${series.symbol} Inc.` },
    bars: series,
  });
}

/** Everything an analysis run stores, in comparable form. */
export interface AnalysisSnapshot {
  rows: ScreenerRow[];
  signals: Signal[];
  breadth: Record<string, BreadthSeries | null>;
  states: Record<string, Omit<TickerState, 'epoch'> | null>;
}

export async function snapshot(store: Store, universe = 'cached'): Promise<AnalysisSnapshot> {
  const breadth: Record<string, BreadthSeries | null> = {};
  for (const scope of await store.analysis.breadthScopes(universe)) {
    breadth[scope] = await store.analysis.breadth(universe, scope);
  }
  // States compare without their epoch: it counts rewrites this store saw, which a fresh store did not.
  const states: Record<string, Omit<TickerState, 'epoch'> | null> = {};
  for (const [symbol, st] of await store.analysis.getStates()) {
    const decoded = decodeTickerState(st.state);
    if (decoded) {
      const { epoch: _epoch, ...rest } = decoded;
      states[symbol] = rest;
    } else states[symbol] = null;
  }
  return { rows: await store.analysis.screenerRows(), signals: await store.analysis.signals(), breadth, states };
}
