import type { BreadthSeries } from '../domain/breadth-series.js';
import type { FetchState } from '../domain/fetch-state.js';
import type { JobProgress, JobRun } from '../domain/job-run.js';
import type { ScreenerRow } from '../domain/screener-row.js';
import type { Signal } from '../domain/signal.js';
import type { Store } from '../store/store.js';
import { type DataSetDescription, describeDataSet } from '../universe/describe-data-set.js';
import { sampleSymbols as loadSampleSymbols } from '../universe/sample-symbols.js';
import { type BreadthIndexPayload, buildBreadthPayload } from './build-breadth-payload.js';
import { buildHeatmap } from './build-heatmap.js';
import { buildOverview, type OverviewPayload } from './build-overview.js';
import { buildPipelineCharts } from './build-pipeline-charts.js';
import { buildScreener } from './build-screener.js';
import { buildTickerSummary } from './build-ticker-summary.js';
import { breadthCacheKey, CACHE_KEYS, DEFAULT_UNIVERSE, tickerCacheKey } from './cache-keys.js';
import type { DashboardCache } from './dashboard-cache.js';
import { dataLabelOf } from './data-label.js';
import { mergeQuoteFields } from './merge-quote-fields.js';

/** What `marketdeck precompute --json` prints and what a precompute job keeps as its metrics. */
export interface PrecomputeSummary {
  summary: string;
  details: {
    /** Entries per page payload family. */
    metrics_cached: Record<string, number>;
    /** Entries per chart family. */
    charts_cached: Record<string, number>;
  };
  entries_cached: number;
  bytes: number;
  duration_ms: number;
  cache_ttl_minutes: number;
}

export interface PrecomputeOptions {
  /** `quotes` absent: the screener's quote fields stay null. */
  store: Pick<Store, 'analysis' | 'fetchState' | 'jobRuns' | 'universes' | 'bars'> & Partial<Pick<Store, 'quotes'>>;
  cache: DashboardCache;
  now?: () => Date;
  onProgress?: (progress: JobProgress) => void;
  signal?: AbortSignal;
}

/**
 * Signals this recent (calendar days before the newest bar) feed the overview's week counts and each
 * ticker's summary: two trading weeks, since a whole-market history holds millions of signals.
 */
const RECENT_SIGNAL_DAYS = 14;
const SIGNALS_PER_TICKER = 5;
const PIPELINE_HISTORY_MS = 30 * 86_400_000;

/**
 * Builds every payload the dashboard shows from the analysis outputs and the job log, and publishes them to
 * dashboard_cache in one transaction, so readers see the previous set or the new one, never a mix.
 */
export async function precompute(opts: PrecomputeOptions): Promise<PrecomputeSummary> {
  const { store, cache } = opts;
  const started = performance.now();
  const now = opts.now?.() ?? new Date();
  const report = (stage: string, done: number, message: string) =>
    opts.onProgress?.({ done, total: 3, stage, message });

  report('load', 0, 'reading analysis results and the job log');
  const inputs = await loadDashboardInputs(store, now);
  const { rows, fetchStates, runs, breadth } = inputs;
  opts.signal?.throwIfAborted();

  report('build', 1, `building payloads for ${rows.length} tickers`);
  const entries: { key: string; value: unknown }[] = [];
  const metrics: Record<string, number> = {};
  const charts: Record<string, number> = {};
  const put = (family: Record<string, number>, name: string, key: string, value: unknown) => {
    entries.push({ key, value });
    family[name] = (family[name] ?? 0) + 1;
  };

  put(metrics, 'overview', CACHE_KEYS.overview, overviewOf(inputs, now));
  // Every page that shows prices says whether they are the bundled sample, and their dates.
  const label = dataLabelOf(inputs.dataSet);
  put(metrics, 'heatmap', CACHE_KEYS.heatmap, { ...buildHeatmap(rows), ...label });
  put(metrics, 'screener', CACHE_KEYS.screener, { ...buildScreener(rows, inputs.signals), ...label });
  const recent = recentSignalsBySymbol(inputs.signals);
  for (const row of rows) {
    const summary = buildTickerSummary(row, recent.get(row.symbol) ?? []);
    const tickerLabel = dataLabelOf(inputs.dataSet, inputs.sampleSymbols.has(row.symbol));
    put(metrics, 'ticker_summaries', tickerCacheKey(row.symbol), { ...summary, ...tickerLabel });
  }

  const index: BreadthIndexPayload = { universes: [] };
  for (const { universe, series } of breadth) {
    const key = breadthCacheKey(universe, series.scope);
    put(charts, 'breadth_series', key, buildBreadthPayload(universe, series));
    let entry = index.universes.find((u) => u.name === universe);
    if (!entry) index.universes.push((entry = { name: universe, scopes: [] }));
    entry.scopes.push({ scope: series.scope, key });
  }
  put(charts, 'breadth_index', CACHE_KEYS.breadthIndex, index);
  const pipeline = buildPipelineCharts({ runs, fetchStates, now });
  put(charts, 'pipeline_timeline_24h', CACHE_KEYS.pipelineTimeline24h, pipeline.timeline24h);
  put(charts, 'pipeline_fetch_throughput', CACHE_KEYS.pipelineFetchThroughput, pipeline.fetchThroughput);
  put(charts, 'pipeline_errors_30d', CACHE_KEYS.pipelineErrors30d, pipeline.errors30d);
  put(charts, 'pipeline_jobs_7d', CACHE_KEYS.pipelineJobs7d, pipeline.jobs7d);
  opts.signal?.throwIfAborted();

  report('write', 2, `writing ${entries.length} cache entries`);
  const bytes = await cache.setMany(entries);
  const durationMs = Math.round(performance.now() - started);
  report('done', 3, `cached ${entries.length} entries`);
  return {
    summary:
      `cached ${entries.length} entries (${(bytes / 1_048_576).toFixed(1)} MiB) in ${durationMs} ms: ` +
      `overview, heatmap, screener of ${rows.length} tickers, ${metrics.ticker_summaries ?? 0} ticker summaries, ` +
      `${charts.breadth_series ?? 0} breadth series, 4 pipeline charts; TTL ${cache.ttlMinutes} min`,
    details: { metrics_cached: metrics, charts_cached: charts },
    entries_cached: entries.length,
    bytes,
    duration_ms: durationMs,
    cache_ttl_minutes: cache.ttlMinutes,
  };
}

/** Everything the dashboard's payloads are made of, read once. */
export interface DashboardInputs {
  rows: ScreenerRow[];
  fetchStates: FetchState[];
  /** Job runs of the last 30 days. */
  runs: JobRun[];
  /** Every analysed breadth series: the whole market first, then each named universe that has one. */
  breadth: { universe: string; series: BreadthSeries }[];
  /** Signals of the last weeks before the newest bar. */
  signals: Signal[];
  /** What the data is (and whether it is the bundled sample), shown on every page. */
  dataSet: DataSetDescription;
  /** The tickers of the bundled sample (empty when it was never imported). */
  sampleSymbols: ReadonlySet<string>;
}

export async function loadDashboardInputs(store: PrecomputeOptions['store'], now: Date): Promise<DashboardInputs> {
  // The fetch states and the sample's tickers are read once: the data set's description needs both too.
  const states = store.fetchState.list();
  const sample = loadSampleSymbols(store, states);
  const [analysed, quotes, fetchStates, runs, breadth, dataSet, sampleSymbols] = await Promise.all([
    store.analysis.screenerRows(),
    store.quotes ? store.quotes.list() : [],
    states,
    store.jobRuns.list({ since: new Date(now.getTime() - PIPELINE_HISTORY_MS) }),
    loadBreadth(store),
    describeDataSet(store, sample),
    sample,
  ]);
  const rows = mergeQuoteFields(analysed, quotes);
  let latest: number | null = null;
  for (const r of rows) if (latest === null || r.date > latest) latest = r.date;
  const signals = latest === null ? [] : await store.analysis.signals({ since: latest - RECENT_SIGNAL_DAYS });
  return { rows, fetchStates, runs, breadth, signals, dataSet, sampleSymbols };
}

/** The overview from loaded inputs (also what the report job summarises). */
export function overviewOf(inputs: DashboardInputs, now: Date): OverviewPayload {
  const wholeMarket =
    inputs.breadth.find((b) => b.universe === DEFAULT_UNIVERSE && b.series.scope === 'all') ??
    inputs.breadth.find((b) => b.series.scope === 'all');
  return buildOverview({
    rows: inputs.rows,
    breadth: wholeMarket?.series ?? null,
    signals: inputs.signals,
    fetchStates: inputs.fetchStates,
    dataSet: inputs.dataSet,
    now,
  });
}

async function loadBreadth(
  store: Pick<Store, 'analysis' | 'universes'>,
): Promise<{ universe: string; series: BreadthSeries }[]> {
  const names = [DEFAULT_UNIVERSE, ...(await store.universes.list()).map((u) => u.name)];
  const out: { universe: string; series: BreadthSeries }[] = [];
  for (const universe of new Set(names)) {
    for (const scope of await store.analysis.breadthScopes(universe)) {
      const series = await store.analysis.breadth(universe, scope);
      if (series) out.push({ universe, series });
    }
  }
  return out;
}

/** Each symbol's newest signals, at most SIGNALS_PER_TICKER, newest first (a bounded insertion, no sort). */
function recentSignalsBySymbol(signals: readonly Signal[]): Map<string, Signal[]> {
  const out = new Map<string, Signal[]>();
  for (const s of signals) {
    let list = out.get(s.symbol);
    if (!list) out.set(s.symbol, (list = []));
    if (list.length === SIGNALS_PER_TICKER && list[list.length - 1].date >= s.date) continue;
    let i = list.length;
    while (i > 0 && list[i - 1].date < s.date) i--;
    list.splice(i, 0, s);
    if (list.length > SIGNALS_PER_TICKER) list.pop();
  }
  return out;
}
