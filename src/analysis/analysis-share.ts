import type { BarSeries } from '../domain/bar-series.js';
import type { ScreenerRow } from '../domain/screener-row.js';
import type { Store } from '../store/store.js';
import { BreadthCounts } from './breadth-counts.js';
import { SignalBuffer } from './detect-signals.js';
import { type PhaseTimes, TickerAnalyzer, type TickerResult } from './ticker-analyzer.js';
import { decodeTickerState, encodeTickerState, type TickerState } from './ticker-state.js';

/** The day span and buckets every thread counts breadth into, so their counters add up. */
export interface CountsLayout {
  baseDay: number;
  days: number;
  buckets: readonly string[];
}

/** One ticker to analyse, in a form that crosses threads (the state as its stored bytes). */
export interface WireJob {
  symbol: string;
  bucket: number;
  state: Uint8Array | null;
  breadthAfter: number | null;
  /** Continue from the state over the appended bars (else the whole history is recomputed). */
  resume: boolean;
  /** The store reports the ticker's analysed history rewritten since the state was stored. */
  rewritten: boolean;
  /** `state` already decoded, when the job stays on the thread that planned it (never sent to a worker). */
  decoded?: TickerState | null;
}

/** One analysed ticker as it crosses threads. */
export interface WireResult {
  symbol: string;
  /** 'missing': the ticker had no bars when read. */
  mode: 'full' | 'resume' | 'missing';
  row: ScreenerRow | null;
  signalsFrom: number | null;
  signalCount: number;
  state: Uint8Array | null;
  lastDate: number;
  epoch: number;
  historyChanged: boolean;
  barsComputed: number;
}

/** A batch of analysed tickers; the signals of result i follow those of results 0..i-1. */
export interface ChunkResult {
  results: WireResult[];
  signalDates: Int32Array;
  signalKinds: Uint8Array;
  signalValues: Float64Array;
  times: PhaseTimes;
}

/**
 * One thread's part of an analysis run: reads each job's bars from the store, analyses them and keeps
 * the breadth counters until the run ends. Runs the same in a worker thread (over its own connection)
 * and in the main thread.
 */
export class AnalysisShare {
  readonly counts: BreadthCounts;
  private readonly signals = new SignalBuffer();
  private readonly analyzer: TickerAnalyzer;

  constructor(
    private readonly store: Store,
    layout: CountsLayout,
  ) {
    this.counts = new BreadthCounts(layout.baseDay, layout.days, layout.buckets);
    this.analyzer = new TickerAnalyzer(this.counts, this.signals);
  }

  async run(jobs: readonly WireJob[]): Promise<ChunkResult> {
    this.signals.clear();
    const before = { ...this.analyzer.times };
    let load = 0;
    const results: WireResult[] = [];
    const states = jobs.map((wire) => (wire.decoded !== undefined ? wire.decoded : decodeTickerState(wire.state)));
    // The whole histories this chunk needs, read together: one statement for the chunk where a server store
    // would otherwise answer one query per ticker (on PostgreSQL, half of a full analysis's time).
    const whole = jobs.filter((wire, i) => !(wire.resume && states[i]?.resumable)).map((wire) => wire.symbol);
    const prefetched = new Map<string, BarSeries>();
    if (whole.length > 1) {
      const t0 = performance.now();
      for await (const series of this.store.bars.readAll(whole)) prefetched.set(series.symbol, series);
      load += performance.now() - t0;
    }
    for (const [i, wire] of jobs.entries()) {
      const state = states[i];
      const job = {
        symbol: wire.symbol,
        bucket: wire.bucket,
        state,
        breadthAfter: wire.breadthAfter,
        rewritten: wire.rewritten,
      };
      let result: TickerResult | null = null;
      if (wire.resume && state?.resumable) {
        const t0 = performance.now();
        const recent = await this.store.bars.read(wire.symbol, { from: state.windowStart });
        load += performance.now() - t0;
        if (recent && recent.dates.length > 0) result = this.analyzer.analyzeResume(recent, job);
      }
      if (!result) {
        const t0 = performance.now();
        const series = prefetched.get(wire.symbol) ?? (await this.store.bars.read(wire.symbol));
        prefetched.delete(wire.symbol);
        load += performance.now() - t0;
        if (series && series.dates.length > 0) result = this.analyzer.analyzeFull(series, job);
      }
      results.push(result ? toWire(result) : missing(wire.symbol));
    }
    const n = this.signals.length;
    const after = this.analyzer.times;
    return {
      results,
      signalDates: this.signals.dates.slice(0, n),
      signalKinds: this.signals.kinds.slice(0, n),
      signalValues: this.signals.values.slice(0, n),
      times: {
        load,
        indicators: after.indicators - before.indicators,
        signals: after.signals - before.signals,
        breadth: after.breadth - before.breadth,
      },
    };
  }
}

function toWire(r: TickerResult): WireResult {
  return {
    symbol: r.symbol,
    mode: r.mode,
    row: r.row,
    signalsFrom: r.signalsFrom,
    signalCount: r.signalsEnd - r.signalsStart,
    state: encodeTickerState(r.state),
    lastDate: r.state.lastDate,
    epoch: r.state.epoch,
    historyChanged: r.historyChanged,
    barsComputed: r.barsComputed,
  };
}

function missing(symbol: string): WireResult {
  return {
    symbol,
    mode: 'missing',
    row: null,
    signalsFrom: null,
    signalCount: 0,
    state: null,
    lastDate: 0,
    epoch: 0,
    historyChanged: true,
    barsComputed: 0,
  };
}
