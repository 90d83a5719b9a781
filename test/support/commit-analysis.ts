import type { BreadthSeries } from '../../src/domain/breadth-series.js';
import type { ScreenerRow } from '../../src/domain/screener-row.js';
import type { Signal } from '../../src/domain/signal.js';
import type { AnalysisState, SignalColumns, Store } from '../../src/store/store.js';

/** What a test lays down as the results of an analysis; absent parts are left as stored. */
export interface AnalysisResults {
  screenerRows?: readonly ScreenerRow[];
  /** Every stored signal of the symbols these name is replaced by these. */
  signals?: readonly Signal[];
  states?: readonly AnalysisState[];
  /** Replaces the universe's breadth series; its breadth counters are dropped. */
  breadth?: { universe: string; series: readonly BreadthSeries[] };
  /** Symbols whose rows, signals and states are removed. */
  deleteSymbols?: readonly string[];
  /** Tickers whose superseded bar series are forgotten, as an analysis that accounted for them does. */
  clearSuperseded?: readonly string[];
}

/**
 * Stores analysis results the way analysis itself does, as one committed run, so a test seeds pages or
 * checks reads without a store method analysis never calls.
 */
export function commitAnalysis(store: Store, results: AnalysisResults): Promise<void> {
  const signals = results.signals ?? [];
  return store.analysis.commitRun({
    screenerRows: results.screenerRows ?? [],
    signalsFrom: new Map(signals.map((s) => [s.symbol, null])),
    signals: signalColumns(signals),
    states: results.states ?? [],
    deleteSymbols: results.deleteSymbols,
    clearSuperseded: results.clearSuperseded,
    breadth: results.breadth && { ...results.breadth, state: null },
  });
}

/** Signals in the columns an analysis run commits, in the order given. */
export function signalColumns(signals: readonly Signal[]): SignalColumns {
  const symbols = [...new Set(signals.map((s) => s.symbol))];
  const kinds = [...new Set(signals.map((s) => s.kind))];
  return {
    symbols,
    kinds,
    symbolIndex: Int32Array.from(signals, (s) => symbols.indexOf(s.symbol)),
    dates: Int32Array.from(signals, (s) => s.date),
    kindIndex: Uint8Array.from(signals, (s) => kinds.indexOf(s.kind)),
    values: Float64Array.from(signals, (s) => s.value),
  };
}
