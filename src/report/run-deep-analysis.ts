import type { Analyst, TokenUsage } from '../analyst/analyst.js';
import type { TickerFacts } from '../analyst/ticker-facts.js';
import type { TickerReport } from '../domain/analyst-report.js';
import type { JobProgress } from '../domain/job-run.js';
import type { BatchMetrics } from './batch-metrics.js';
import type { BatchPlan } from './batch-plan.js';

/** What the prefetch phase reports: the tickers it could not fetch and where the rest came from. */
export interface PrefetchOutcome {
  failed: { symbol: string; kind: string; reason: string }[];
  /** Tickers per data source: a source's name for fetched ones, 'store' for those already fresh. */
  sources: Record<string, number>;
  /** Said plainly when the prefetch fell back to stored data (the source unreachable, a ticker failing). */
  notice?: string;
}

export interface DeepAnalysisOptions {
  runId: string;
  symbols: readonly string[];
  analyst: Analyst;
  plan: BatchPlan;
  /** Phase 1: every ticker's data through the fetch engine, in parallel; analysts never fetch. */
  prefetch(symbols: readonly string[], signal: AbortSignal): Promise<PrefetchOutcome>;
  /** A ticker's facts from the store (after the prefetch). */
  loadFacts(symbol: string): Promise<TickerFacts>;
  signal?: AbortSignal;
  onProgress?(progress: JobProgress): void;
  log?(line: string): void;
  /** Milliseconds for durations; default performance.now. */
  clock?: () => number;
  /** Resident memory in bytes; default process.memoryUsage.rss. */
  memoryBytes?: () => number;
  now?: () => Date;
}

export interface DeepAnalysisResult {
  reports: TickerReport[];
  metrics: BatchMetrics;
}

interface Failure {
  symbol: string;
  phase: 'prefetch' | 'analysis';
  kind: string;
  reason: string;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * The deep analysis of many tickers: (1) prefetch every ticker's data at once, skipping those that failed;
 * (2) analysts in concurrent batches (or one at a time, see planBatches), a ticker's failure never
 * stopping its batch, and the rest run one at a time once more than half of those analysed have failed;
 * (3) the reports and the run's metrics. Consolidating the reports into one document is the caller's.
 */
export async function runDeepAnalysis(opts: DeepAnalysisOptions): Promise<DeepAnalysisResult> {
  const clock = opts.clock ?? (() => performance.now());
  const memory = opts.memoryBytes ?? (() => process.memoryUsage.rss());
  const now = opts.now ?? (() => new Date());
  const signal = opts.signal ?? new AbortController().signal;
  const log = opts.log ?? (() => {});
  const progress = opts.onProgress ?? (() => {});
  const startedAt = now();
  const t0 = clock();
  let peak = memory();

  const total = opts.symbols.length;
  progress({ done: 0, total, stage: 'prefetch', message: `prefetching ${total} tickers` });
  const pre = await opts.prefetch(opts.symbols, signal);
  const prefetchSeconds = (clock() - t0) / 1000;
  const failures: Failure[] = pre.failed.map((f) => ({ ...f, phase: 'prefetch' as const }));
  const skipped = new Set(pre.failed.map((f) => f.symbol));
  if (pre.notice) log(pre.notice);
  if (skipped.size > 0) log(`prefetch failed for ${skipped.size} ticker(s), skipped: ${[...skipped].join(', ')}`);
  log(`prefetch of ${total} tickers in ${prefetchSeconds.toFixed(2)} s`);
  peak = Math.max(peak, memory());

  const queue = opts.symbols.filter((s) => !skipped.has(s));
  const reports: TickerReport[] = [];
  const usage: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  let mode = opts.plan.mode;
  let fallbackReason: string | null = null;
  let analysedMs = 0;
  let batches = 0;
  let analysed = 0;
  let analysisFailed = 0;
  const t1 = clock();
  const factsCache = new Map<string, Promise<TickerFacts>>();
  /** A ticker's facts, read once: asked early for the next batch, awaited when its turn comes. */
  const factsOf = (symbol: string): Promise<TickerFacts> => {
    let p = factsCache.get(symbol);
    if (!p) {
      p = opts.loadFacts(symbol);
      // Awaited later by the ticker's own analysis, which reports the failure; never unhandled meanwhile.
      p.catch(() => {});
      factsCache.set(symbol, p);
    }
    return p;
  };
  const expectedBatches = () =>
    batches + Math.ceil((queue.length - analysed) / (mode === 'batch' ? opts.plan.batchSize : 1));
  while (analysed < queue.length) {
    signal.throwIfAborted();
    const size = mode === 'batch' ? opts.plan.batchSize : 1;
    const batch = queue.slice(analysed, analysed + size);
    const of = expectedBatches();
    batches++;
    const tb = clock();
    const running = Promise.all(
      batch.map(async (symbol) => {
        const ts = clock();
        try {
          const facts = await factsOf(symbol);
          factsCache.delete(symbol);
          const opinion = await opts.analyst.analyze(facts, signal);
          return { symbol, facts, opinion, ms: clock() - ts };
        } catch (error) {
          if (signal.aborted) throw error;
          const kind = (error as { kind?: unknown }).kind;
          return {
            symbol,
            error: {
              kind: typeof kind === 'string' ? kind : 'error',
              reason: (error as Error).message ?? String(error),
            },
            ms: clock() - ts,
          };
        }
      }),
    );
    // The next batch's facts are read from the store while this batch waits on its analysts.
    for (const symbol of queue.slice(analysed + size, analysed + 2 * size)) factsOf(symbol);
    const outcomes = await running;
    let batchFailed = 0;
    for (const o of outcomes) {
      analysedMs += o.ms;
      if ('error' in o && o.error) {
        batchFailed++;
        failures.push({ symbol: o.symbol, phase: 'analysis', ...o.error });
      } else if ('opinion' in o) {
        const { verdict, reasons, summary } = o.opinion;
        if (o.opinion.usage) {
          usage.promptTokens += o.opinion.usage.promptTokens;
          usage.completionTokens += o.opinion.usage.completionTokens;
          usage.totalTokens += o.opinion.usage.totalTokens;
        }
        reports.push({
          symbol: o.symbol,
          runId: opts.runId,
          analyst: opts.analyst.name,
          verdict,
          reasons,
          summary,
          facts: o.facts as unknown as Record<string, unknown>,
          createdAt: now(),
        });
      }
    }
    analysed += batch.length;
    analysisFailed += batchFailed;
    peak = Math.max(peak, memory());
    const shown = batch.length > 6 ? `${batch.slice(0, 6).join(', ')}, ...` : batch.join(', ');
    const line = `Batch ${batches}/${of}: ${shown} completed in ${((clock() - tb) / 1000).toFixed(1)} s${batchFailed > 0 ? ` (${batchFailed} failed)` : ''}`;
    log(line);
    progress({ done: skipped.size + analysed, total, stage: 'analysis', message: line });
    if (mode === 'batch' && fallbackReason === null && analysisFailed * 2 > analysed && analysed < queue.length) {
      mode = 'sequential';
      fallbackReason =
        `${analysisFailed} of the ${analysed} tickers analysed in batches of ${opts.plan.batchSize} failed (more than half); ` +
        `the remaining ${queue.length - analysed} ran one at a time`;
      log(fallbackReason);
    }
  }
  const analysisSeconds = (clock() - t1) / 1000;
  const totalSeconds = (clock() - t0) / 1000;
  const sequential = prefetchSeconds + analysedMs / 1000;
  const errorSummary: Record<string, number> = {};
  for (const f of failures) errorSummary[`${f.phase}:${f.kind}`] = (errorSummary[`${f.phase}:${f.kind}`] ?? 0) + 1;
  const rss = memory();
  peak = Math.max(peak, rss);
  const mb = (b: number) => round(b / 1024 / 1024, 1);
  return {
    reports,
    metrics: {
      session_id: opts.runId,
      timestamp: startedAt.toISOString(),
      total_tickers: total,
      successful_tickers: reports.length,
      failed_tickers: failures.length,
      prefetch_duration_seconds: round(prefetchSeconds),
      analysis_duration_seconds: round(analysisSeconds),
      total_duration_seconds: round(totalSeconds),
      estimated_sequential_time_seconds: round(sequential),
      time_savings_percentage: sequential > 0 ? round((1 - totalSeconds / sequential) * 100, 1) : 0,
      batch_size: opts.plan.mode === 'batch' ? opts.plan.batchSize : 1,
      total_batches: batches,
      memory_usage_mb: mb(rss),
      peak_memory_usage_mb: mb(peak),
      failed_ticker_list: failures,
      error_summary: errorSummary,
      fallback_reason: fallbackReason,
      data_sources: pre.sources,
      prefetch_notice: pre.notice ?? null,
      mode: opts.plan.mode,
      analyst: opts.analyst.name,
      token_usage: {
        prompt_tokens: usage.promptTokens,
        completion_tokens: usage.completionTokens,
        total_tokens: usage.totalTokens,
      },
    },
  };
}
