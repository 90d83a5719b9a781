import { availableParallelism } from 'node:os';
import type { BarSeries } from '../domain/bar-series.js';
import type { BreadthSeries } from '../domain/breadth-series.js';
import type { ScreenerRow } from '../domain/screener-row.js';
import type { TickerInfo } from '../domain/ticker.js';
import type { AnalysisRunWriter, AnalysisState, SignalColumns, Store, SupersededBars } from '../store/store.js';
import { AnalysisShare, type ChunkResult, type CountsLayout, type WireJob, type WireResult } from './analysis-share.js';
import { AnalysisWorkerPool, addTimes, type ExecutedRun, emptyRun } from './analysis-worker-pool.js';
import { BreadthCounts } from './breadth-counts.js';
import { BreadthRetraction, inexactCounterVolumes, inexactVolumes } from './breadth-retraction.js';
import { breadthSeriesFromCounts } from './breadth-series-from-counts.js';
import { type BreadthState, type CountedTicker, decodeBreadthState, encodeBreadthState } from './breadth-state.js';
import { inReadSnapshot } from './read-snapshot.js';
import { applyRelativeStrength, type Benchmark } from './relative-strength.js';
import type { RemoteChunks } from './remote-chunks.js';
import { SIGNAL_KINDS } from './signal-kinds.js';
import { extendsState } from './ticker-analyzer.js';
import { decodeTickerState, type TickerState } from './ticker-state.js';

/** The tickers an analysis covers; `name` keys its breadth series ('cached', 'sp500', ...). */
export interface AnalysisUniverse {
  name: string;
  symbols: readonly string[];
  /** Sector per symbol where the universe's source knows it; stored ticker info wins. */
  sectors?: ReadonlyMap<string, string>;
}

export interface RunAnalysisOptions {
  universe: AnalysisUniverse;
  /** Recompute every ticker and the breadth from scratch instead of only what changed. */
  full?: boolean;
  /** Worker threads; 0 or absent = one per core; 1 = everything on the calling thread. */
  workers?: number;
  /**
   * Use worker threads from this many tickers to analyse on. By default they are used when the estimated
   * work pays for starting them.
   */
  minTickersForWorkers?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * A full run on worker threads (or other processes) stores each chunk's signals while the next ones are
   * analysed, instead of writing everything at the end. On a store whose run shares its one connection
   * (SQLite) the run's transaction then stays open on it for the whole run, so set this only where nothing
   * else uses that connection meanwhile (a one-shot command): another job of the same process would read the
   * unfinished run, and its writes would join the run's transaction (and be rolled back with it). A store
   * whose run holds a connection of its own (AnalysisRepo.runWriterSharesConnection false) always does it.
   * Default false.
   */
  storeWhileComputing?: boolean;
  /**
   * False for a list of tickers picked by hand: their screener rows, signals and states are stored, but no
   * breadth, since a few chosen tickers are not a market to measure (and would add a "universe" of their
   * own to every breadth list). Default true.
   */
  storeBreadth?: boolean;
  /**
   * Other processes to run the pass's chunks (the workers of a shared queue). Used when a pass has more
   * tickers to analyse than one remote chunk holds; a smaller pass runs here as without them.
   */
  remote?: RemoteChunks;
}

export interface AnalysisSummary {
  universe: string;
  mode: 'full' | 'incremental';
  /** Why a run asked to be incremental recomputed everything, or null. */
  fullReason: string | null;
  /** Tickers of the universe with bars. */
  tickers: number;
  /** Tickers analysed from their first bar / continued over their new bars / unchanged. */
  recomputed: number;
  resumed: number;
  skipped: number;
  /** Tickers whose analysis was dropped because they no longer have bars. */
  removed: number;
  /**
   * Tickers whose old contribution an incremental run took out of the breadth counters: a rewritten
   * history (split, correction), a ticker that left the universe or moved to another sector.
   */
  retracted: number;
  /** Bars run through the indicators. */
  bars: number;
  /** Signals written (the new ones of a resumed ticker, all of a recomputed one). */
  signals: number;
  breadthScopes: number;
  breadthDates: number;
  benchmark: Benchmark;
  threads: number;
  /** Chunks run by other processes (RunAnalysisOptions.remote); 0 when the pass ran here. */
  remoteChunks: number;
  /**
   * Wall time of the run and of the planning and storing phases; load, indicators, signals and breadth
   * are summed over the threads that ran them (so they can add up to more than the wall time).
   */
  seconds: {
    total: number;
    plan: number;
    load: number;
    indicators: number;
    signals: number;
    breadth: number;
    store: number;
  };
}

const MAX_CHUNK_TICKERS = 96;
/**
 * Below this much work (in bars through the kernels) the calling thread is faster: each worker starts
 * its own engine, compiles the analysis afresh and opens its own connection (~0.2 s before it helps).
 */
const WORK_FOR_WORKERS = 2_500_000;
/** A resumed ticker costs about as much as this many bars of a full run (reading its recent bars dominates). */
const RESUME_WORK = 100;
/** Bars per ticker assumed before planning, to decide whether a full run starts its workers at once. */
const FULL_WORK_GUESS = 1000;

/**
 * Analyses a universe and stores the results in one transaction: a screener row and the signals of every
 * ticker, breadth series for the universe and each sector, and per-ticker state for the next run.
 *
 * Incremental by default: a ticker whose bar version did not change is skipped; one that only gained
 * bars continues its stored indicator recurrences over the new bars; breadth counters gain the new bars'
 * contributions. A ticker whose history was rewritten (the store keeps its superseded bars), that left
 * the universe or moved to another sector has its old contribution recomputed from the counted bars and
 * taken out of the counters, and is recounted from its first bar. The result equals a full run's bit for
 * bit. Whatever an increment cannot correct (a rewrite whose old bars are unknown, volumes that would not
 * subtract exactly) turns the run into a full one, and the summary says why.
 */
export async function runAnalysis(store: Store, opts: RunAnalysisOptions): Promise<AnalysisSummary> {
  const started = performance.now();
  const workers = opts.workers && opts.workers > 0 ? opts.workers : availableParallelism();
  const threads = new ThreadChoice(store, opts, workers);
  try {
    const first = await attempt(store, opts, threads, opts.full === true, null, started);
    if (typeof first !== 'string') return first;
    const second = await attempt(store, opts, threads, true, first, started);
    if (typeof second === 'string') throw new Error(`a full analysis asked to restart: ${second}`);
    return second;
  } finally {
    await threads.close();
  }
}

/**
 * Whether a pass runs on worker threads, and the pool when it does. A run that will likely need them
 * (a full run of a large universe) starts them at once, so their start-up overlaps the planning; otherwise
 * they start when a pass turns out to have enough work.
 */
class ThreadChoice {
  private pool: AnalysisWorkerPool | null = null;

  constructor(
    private readonly store: Store,
    private readonly opts: RunAnalysisOptions,
    private readonly workers: number,
  ) {
    const tickers = opts.universe.symbols.length;
    // With other processes to run a large pass, threads here start only for a pass too small to send.
    const likely =
      opts.remote === undefined &&
      (opts.minTickersForWorkers !== undefined
        ? tickers >= opts.minTickersForWorkers
        : tickers * (opts.full ? FULL_WORK_GUESS : RESUME_WORK) >= WORK_FOR_WORKERS);
    if (likely) this.start();
  }

  /** The pool for a pass of these jobs, or null to run it on the calling thread. */
  forJobs(jobs: readonly WireJob[], infos: ReadonlyMap<string, TickerInfo>): AnalysisWorkerPool | null {
    const worth =
      this.opts.minTickersForWorkers !== undefined
        ? jobs.length >= this.opts.minTickersForWorkers
        : estimatedWork(jobs, infos) >= WORK_FOR_WORKERS;
    return worth ? this.start() : null;
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }

  private start(): AnalysisWorkerPool | null {
    const reader = this.store.readerLocation();
    if (!this.pool && this.workers > 1 && reader !== null) {
      this.pool = AnalysisWorkerPool.start(reader, this.workers);
    }
    return this.pool;
  }
}

/** One pass; returns the reason instead of a summary when an incremental pass must become a full one. */
async function attempt(
  store: Store,
  opts: RunAnalysisOptions,
  threadChoice: ThreadChoice,
  fullRequested: boolean,
  reasonIn: string | null,
  started: number,
): Promise<AnalysisSummary | string> {
  const { universe } = opts;
  let full = fullRequested;
  let fullReason = reasonIn;
  const withBars = new Set(await store.tickers.symbolsWithBars());
  const symbols = [...new Set(universe.symbols)].filter((s) => withBars.has(s)).sort();
  const infos = new Map<string, TickerInfo>((await store.tickers.list()).map((t) => [t.symbol, t]));
  const versions = await store.bars.versions();
  const storedStates = await store.analysis.getStates();
  const bucketOf = (s: string) => infos.get(s)?.sector ?? universe.sectors?.get(s) ?? '';
  let counted: BreadthState | null = null;
  if (!full) {
    counted = decodeBreadthState(await store.analysis.breadthState(universe.name));
    if (!counted) {
      full = true;
      fullReason = `no breadth counters stored for universe "${universe.name}" yet`;
    }
  }
  const states = new Map<string, { stored: AnalysisState; decoded: TickerState | null }>();
  for (const [symbol, stored] of storedStates) states.set(symbol, { stored, decoded: decodeTickerState(stored.state) });
  // Tickers whose analysed history the store says was rewritten since (not only appended to).
  const historyVersions = (await store.bars.historyVersions?.()) ?? new Map<string, number>();
  const rewritten = new Set<string>();
  for (const [symbol, st] of states) {
    if ((historyVersions.get(symbol) ?? 0) > st.stored.barVersion) rewritten.add(symbol);
  }
  // Histories rewritten since their last analysis, as they were then (see BarRepo.superseded). One kept
  // from before the ticker's last analysis (a run that could not clear it) is not what was counted.
  const supersededRows = (await store.bars.superseded?.()) ?? new Map<string, SupersededBars>();
  const superseded = new Map<string, BarSeries>();
  for (const [symbol, row] of supersededRows) {
    if (row.barVersion >= (states.get(symbol)?.stored.barVersion ?? 0)) superseded.set(symbol, row.bars);
  }
  let retractions: Retraction[] = [];
  if (counted) {
    const plan = await planRetractions(store, counted, new Set(symbols), bucketOf, states, rewritten, superseded);
    if (typeof plan === 'string') {
      full = true;
      fullReason = plan;
      counted = null;
    } else retractions = plan;
  }
  // Recounted from their first bar, in their current sector: their old contribution is taken out below.
  const recount = new Set(retractions.filter((r) => r.recount).map((r) => r.symbol));

  const stats = await store.bars.stats();
  let baseDay = stats.firstDate ?? 0;
  let lastDay = stats.lastDate ?? baseDay;
  if (counted) {
    baseDay = Math.min(baseDay, counted.counts.baseDay);
    lastDay = Math.max(lastDay, counted.counts.baseDay + counted.counts.days - 1);
  }
  const symbolBuckets = new Set(symbols.map(bucketOf));
  const bucketSet = new Set(symbolBuckets);
  for (const b of counted?.counts.buckets ?? []) bucketSet.add(b);
  const layout: CountsLayout = { baseDay, days: lastDay - baseDay + 1, buckets: [...bucketSet].sort() };
  const bucketIndex = new Map(layout.buckets.map((b, i) => [b, i]));
  // What the retracted tickers had contributed, recomputed the way it was counted.
  let removedCounts: BreadthCounts | null = null;
  if (retractions.length > 0) {
    removedCounts = new BreadthCounts(layout.baseDay, layout.days, layout.buckets);
    const retraction = new BreadthRetraction();
    for (const r of retractions) retraction.collect(r.series, r.lastDate, removedCounts, bucketIndex.get(r.bucket)!);
  }

  const jobs: WireJob[] = [];
  const skipped: string[] = [];
  for (const symbol of symbols) {
    const st = states.get(symbol);
    const rec = counted?.tickers.get(symbol);
    const bucket = bucketIndex.get(bucketOf(symbol))!;
    const state = st?.stored.state ?? null;
    const decoded = st?.decoded ?? null;
    // A superseded history marks the ticker rewritten, so its new epoch tells any other universe that
    // counted the old history (and now cannot subtract it) to recount.
    const isRewritten = rewritten.has(symbol) || superseded.has(symbol);
    if (!rec || !st?.decoded || recount.has(symbol)) {
      jobs.push({ symbol, bucket, state, decoded, breadthAfter: null, resume: false, rewritten: isRewritten });
    } else if (st.stored.barVersion === versions.get(symbol) && rec.lastDate === st.decoded.lastDate) {
      skipped.push(symbol);
    } else {
      const resume = st.decoded.resumable && rec.lastDate === st.decoded.lastDate && !isRewritten;
      jobs.push({ symbol, bucket, state, decoded, breadthAfter: rec.lastDate, resume, rewritten: isRewritten });
    }
  }
  // Skipped tickers keep their stored rows (relative strength and metadata are refreshed below); a ticker
  // whose row is missing is analysed after all.
  const storedRows = await storedRowsOf(store, skipped);
  for (let i = skipped.length - 1; i >= 0; i--) {
    const symbol = skipped[i];
    if (storedRows.has(symbol)) continue;
    skipped.splice(i, 1);
    const bucket = bucketIndex.get(bucketOf(symbol))!;
    const breadthAfter = counted?.tickers.get(symbol)?.lastDate ?? null;
    jobs.push({
      symbol,
      bucket,
      state: states.get(symbol)?.stored.state ?? null,
      decoded: states.get(symbol)?.decoded ?? null,
      breadthAfter,
      resume: false,
      rewritten: false,
    });
  }
  const planned = performance.now();

  const remote = opts.remote && jobs.length > opts.remote.chunkTickers ? opts.remote : null;
  const pool = remote ? null : threadChoice.forJobs(jobs, infos);
  const threads = pool ? pool.size : 1;
  // Several chunks per thread, so the one that ends last has little left to do.
  const chunkSize = remote
    ? remote.chunkTickers
    : Math.max(1, Math.min(MAX_CHUNK_TICKERS, Math.ceil(jobs.length / (threads * 4))));
  // A ticker counted in the stored breadth whose history turns out rewritten makes this a full run: no
  // point analysing the rest first.
  const breadthAfterOf = new Map(jobs.map((j) => [j.symbol, j.breadthAfter]));
  const mustRestart = (r: WireResult) =>
    breadthAfterOf.get(r.symbol) !== null && (r.historyChanged || r.mode === 'missing');
  const stop = (c: ChunkResult) => c.results.some(mustRestart);
  const chunks: WireJob[][] = [];
  for (let i = 0; i < jobs.length; i += chunkSize) chunks.push(jobs.slice(i, i + chunkSize));
  // Asked to, a full pass on worker threads stores each chunk's signals while the workers analyse the next
  // ones (the calling thread would otherwise wait idle, then write them all), in the run's one transaction.
  // A store whose run holds a connection of its own (PostgreSQL) is safe to write this way in any process.
  const writeWhileComputing = opts.storeWhileComputing || store.analysis.runWriterSharesConnection === false;
  const writer =
    writeWhileComputing && full && (pool || remote) && store.analysis.beginRun
      ? await store.analysis.beginRun({ replacing: new Set(jobs.map((j) => j.symbol)) })
      : null;
  try {
    const out = await finishAttempt();
    // A pass that must restart as a full one stores nothing.
    if (typeof out === 'string') await writer?.abort();
    return out;
  } catch (error) {
    await writer?.abort();
    throw error;
  }

  async function finishAttempt(): Promise<AnalysisSummary | string> {
    const writes: Promise<void>[] = [];
    let writeError: unknown = null;
    const stopOrWrite = !writer
      ? stop
      : (c: ChunkResult) => {
          writes.push(
            writer.addSignals(signalWrites([c])).catch((error: unknown) => {
              writeError ??= error;
            }),
          );
          return writeError !== null || stop(c);
        };
    const run = remote
      ? await remote.run(layout, chunks, stopOrWrite, opts.onProgress)
      : pool
        ? await pool.run(layout, chunks, stopOrWrite, opts.onProgress)
        : await runHere(store, layout, chunks, stop, opts.onProgress);
    // A failed write fails the run (the writer rolled back everything written so far).
    await Promise.all(writes);
    if (writeError !== null) throw writeError;
    const computed = performance.now();

    const results: WireResult[] = run.chunks.flatMap((c) => c.results);
    for (const r of results) {
      if (mustRestart(r)) {
        return `the bars of ${r.symbol} changed before its last analysed date (${r.mode === 'missing' ? 'removed' : 'history rewritten'})`;
      }
    }

    // Breadth: the stored counters less the retracted contributions, plus every thread's new ones.
    const all = new BreadthCounts(layout.baseDay, layout.days, layout.buckets);
    if (counted) all.add(counted.counts);
    if (removedCounts) all.subtract(removedCounts);
    for (const c of run.counts) all.add(c);
    // Buckets the universe no longer has a ticker in (all of it retracted) are dropped, as a full run has none.
    const kept = layout.buckets.filter((b) => symbolBuckets.has(b));
    const counts = new BreadthCounts(
      layout.baseDay,
      layout.days,
      kept,
      kept.map((b) => all.data[bucketIndex.get(b)!]),
    );
    const series: BreadthSeries[] = [breadthSeriesFromCounts('all', counts.total(), layout.baseDay, layout.days)];
    kept.forEach((bucket, b) => {
      if (bucket === '') return;
      series.push(breadthSeriesFromCounts(`sector:${bucket}`, counts.data[b], layout.baseDay, layout.days));
    });
    const countedTickers = new Map<string, CountedTicker>();
    const resultBySymbol = new Map(results.map((r) => [r.symbol, r]));
    for (const symbol of symbols) {
      const r = resultBySymbol.get(symbol);
      if (r && r.mode !== 'missing')
        countedTickers.set(symbol, { lastDate: r.lastDate, bucket: bucketOf(symbol), epoch: r.epoch });
      else if (!r && counted?.tickers.has(symbol)) countedTickers.set(symbol, counted.tickers.get(symbol)!);
    }
    const breadthDone = performance.now();

    // Rows: new ones, and the stored ones of skipped tickers (their relative strength moves with the benchmark).
    const flags = await flagsBySymbol(store);
    const rows: ScreenerRow[] = [];
    for (const symbol of symbols) {
      const r = resultBySymbol.get(symbol);
      const row = r ? r.row : (storedRows.get(symbol) ?? null);
      if (!row) continue;
      const info = infos.get(symbol);
      row.name = info?.name ?? null;
      row.sector = bucketOf(symbol) || null;
      row.industry = info?.industry ?? null;
      row.marketCap = info?.marketCap ?? null;
      row.flags = flags.get(symbol) ?? [];
      rows.push(row);
    }
    const benchmark = applyRelativeStrength(rows);

    let signalCount = 0;
    for (const c of run.chunks) signalCount += c.signalDates.length;
    const newStates: AnalysisState[] = [];
    const removed = new Set([...storedStates.keys()].filter((s) => !withBars.has(s)));
    let bars = 0;
    let resumed = 0;
    let recomputed = 0;
    for (const r of results) {
      if (r.mode === 'missing') {
        removed.add(r.symbol);
        continue;
      }
      if (r.mode === 'resume') resumed++;
      else recomputed++;
      bars += r.barsComputed;
      newStates.push({
        symbol: r.symbol,
        barVersion: versions.get(r.symbol) ?? 0,
        lastDate: r.lastDate,
        state: r.state,
      });
    }
    // Superseded histories this run accounted for: of every ticker it analysed (their old contribution is
    // out of these counters, and their new epoch warns other universes) and of counted tickers whose bars
    // are gone (their analysis state goes with them).
    const clearSuperseded = [...supersededRows.keys()].filter(
      (s) =>
        !superseded.has(s) || (resultBySymbol.has(s) && resultBySymbol.get(s)!.mode !== 'missing') || removed.has(s),
    );
    const rest = {
      clearSuperseded,
      screenerRows: rows,
      // The writer stored every chunk's signals already.
      ...(writer ? signalWrites([]) : signalWrites(run.chunks)),
      states: newStates,
      deleteSymbols: [...removed],
      ...(opts.storeBreadth === false
        ? {}
        : {
            breadth: {
              universe: universe.name,
              series,
              state: encodeBreadthState({ counts, tickers: countedTickers }),
            },
          }),
    };
    if (writer) await writer.commit(rest);
    else await store.analysis.commitRun(rest);
    const done = performance.now();
    const t = run.times;
    return {
      universe: universe.name,
      mode: full ? 'full' : 'incremental',
      fullReason,
      tickers: symbols.length,
      recomputed,
      resumed,
      skipped: skipped.length,
      removed: removed.size,
      retracted: retractions.length,
      bars,
      signals: signalCount,
      breadthScopes: series.length,
      breadthDates: series[0].dates.length,
      benchmark,
      threads,
      remoteChunks: remote ? run.chunks.length : 0,
      seconds: {
        total: (done - started) / 1000,
        plan: (planned - started) / 1000,
        load: t.load / 1000,
        indicators: t.indicators / 1000,
        signals: t.signals / 1000,
        breadth: (t.breadth + (breadthDone - computed)) / 1000,
        store: (done - breadthDone) / 1000,
      },
    };
  }
}

/**
 * The chunks' signals, as AnalysisRunWriter.addSignals and commitRun take them (missing tickers are
 * deleted at commit).
 */
function signalWrites(chunks: readonly ChunkResult[]): Parameters<AnalysisRunWriter['addSignals']>[0] {
  const signalsFrom = new Map<string, number | null>();
  // A resumed ticker's new signals follow every stored one: they are appended, not rewritten.
  const signalsAppend = new Set<string>();
  for (const c of chunks) {
    for (const r of c.results) {
      if (r.mode === 'missing') continue;
      if (r.mode === 'resume') signalsAppend.add(r.symbol);
      else signalsFrom.set(r.symbol, r.signalsFrom);
    }
  }
  return { signalsFrom, signalsAppend, signals: signalColumns(chunks) };
}

/** A counted ticker whose old contribution leaves the breadth counters before the run adds its new one. */
interface Retraction {
  symbol: string;
  /** The bars that were counted (bars dated after `lastDate` are ignored), and the bucket they were in. */
  series: BarSeries;
  lastDate: number;
  bucket: string;
  /** Still in the universe: recount it from its first bar (else it just leaves the counters). */
  recount: boolean;
}

/**
 * The counted tickers whose contribution must come out of the stored counters: rewritten histories (whose
 * superseded bars the store kept), tickers that left the universe or lost their bars, tickers that moved
 * to another sector. Returns why the counters cannot be corrected instead, when they cannot: the counted
 * bars are unknown, or subtracting their volumes would not be exact.
 */
async function planRetractions(
  store: Store,
  counted: BreadthState,
  symbols: ReadonlySet<string>,
  bucketOf: (s: string) => string,
  states: ReadonlyMap<string, { decoded: TickerState | null }>,
  rewritten: ReadonlySet<string>,
  superseded: ReadonlyMap<string, BarSeries>,
): Promise<Retraction[] | string> {
  const out: Retraction[] = [];
  for (const [symbol, rec] of counted.tickers) {
    const st = states.get(symbol)?.decoded;
    if (!st) return `the analysis state of ${symbol} is missing`;
    if (st.epoch !== rec.epoch || st.lastDate < rec.lastDate) return `the history of ${symbol} was rewritten`;
    const inUniverse = symbols.has(symbol);
    const moved = inUniverse && bucketOf(symbol) !== rec.bucket;
    const old = superseded.get(symbol);
    if (inUniverse && !old && !moved) {
      if (rewritten.has(symbol)) return `the history of ${symbol} was rewritten`;
      continue;
    }
    // Unless rewritten, the current bars still start with the counted ones.
    const series = old ?? (await store.bars.read(symbol));
    if (!series || series.dates.length === 0) return `${symbol} lost its bars and its counted history is unknown`;
    if (!extendsState(series, st)) return `the history of ${symbol} was rewritten`;
    const inexact = inexactVolumes(series, rec.lastDate);
    if (inexact) return inexact;
    out.push({ symbol, series, lastDate: rec.lastDate, bucket: rec.bucket, recount: inUniverse });
  }
  if (out.length > 0) {
    const inexact = inexactCounterVolumes(counted.counts);
    if (inexact) return inexact;
  }
  return out;
}

/** Bars the jobs will run through the kernels, estimated from each ticker's date span (weekdays). */
function estimatedWork(jobs: readonly WireJob[], infos: ReadonlyMap<string, TickerInfo>): number {
  let work = 0;
  for (const job of jobs) {
    if (job.resume) {
      work += RESUME_WORK;
      continue;
    }
    const info = infos.get(job.symbol);
    const span = info?.firstDate != null && info.lastDate != null ? info.lastDate - info.firstDate + 1 : 3650;
    work += (span * 5) / 7;
  }
  return work;
}

/** The stored rows of the given tickers (all rows read at once when there are many). */
async function storedRowsOf(store: Store, symbols: readonly string[]): Promise<Map<string, ScreenerRow>> {
  const out = new Map<string, ScreenerRow>();
  if (symbols.length > 100) {
    const wanted = new Set(symbols);
    for (const r of await store.analysis.screenerRows()) if (wanted.has(r.symbol)) out.set(r.symbol, r);
  } else {
    for (const symbol of symbols) {
      const r = await store.analysis.screenerRow(symbol);
      if (r) out.set(symbol, r);
    }
  }
  return out;
}

async function runHere(
  store: Store,
  layout: CountsLayout,
  chunks: readonly WireJob[][],
  stop: (c: ChunkResult) => boolean,
  onProgress?: (done: number, total: number) => void,
): Promise<ExecutedRun> {
  const share = new AnalysisShare(store, layout);
  const out = emptyRun();
  out.counts.push(share.counts);
  const total = chunks.reduce((n, c) => n + c.length, 0);
  let done = 0;
  for (const jobs of chunks) {
    const result = await inReadSnapshot(store, () => share.run(jobs));
    out.chunks.push(result);
    addTimes(out.times, result);
    done += jobs.length;
    onProgress?.(done, total);
    if (stop(result)) break;
  }
  return out;
}

/** Every chunk's signals as one set of columns; the symbols are the analysed tickers in result order. */
function signalColumns(chunks: readonly ChunkResult[]): SignalColumns {
  let n = 0;
  for (const c of chunks) n += c.signalDates.length;
  const symbols: string[] = [];
  const symbolIndex = new Int32Array(n);
  const dates = new Int32Array(n);
  const kindIndex = new Uint8Array(n);
  const values = new Float64Array(n);
  let at = 0;
  for (const c of chunks) {
    dates.set(c.signalDates, at);
    kindIndex.set(c.signalKinds, at);
    values.set(c.signalValues, at);
    let i = at;
    for (const r of c.results) {
      const k = symbols.length;
      symbols.push(r.symbol);
      symbolIndex.fill(k, i, i + r.signalCount);
      i += r.signalCount;
    }
    at += c.signalDates.length;
  }
  return { symbols, kinds: SIGNAL_KINDS, symbolIndex, dates, kindIndex, values };
}

/** Data-quality flag kinds recorded for each ticker by any source, sorted. */
async function flagsBySymbol(store: Store): Promise<Map<string, string[]>> {
  const sets = new Map<string, Set<string>>();
  for (const fs of await store.fetchState.list()) {
    if (fs.flags.length === 0) continue;
    let set = sets.get(fs.symbol);
    if (!set) sets.set(fs.symbol, (set = new Set()));
    for (const f of fs.flags) set.add(f.kind);
  }
  return new Map([...sets].map(([s, set]) => [s, [...set].sort()]));
}
