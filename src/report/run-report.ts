import { mkdir, writeFile } from 'node:fs/promises';
import { freemem } from 'node:os';
import { join } from 'node:path';
import type { Analyst } from '../analyst/analyst.js';
import { type AnalystKind, createAnalyst } from '../analyst/create-analyst.js';
import { computeTickerFacts } from '../analyst/ticker-facts.js';
import type { Config } from '../config/index.js';
import type { JobProgress } from '../domain/job-run.js';
import { DEFAULT_PORTFOLIO } from '../portfolio/import-portfolio-file.js';
import { loadPortfolioAnalytics, requirePortfolio } from '../portfolio/load-portfolio-analytics.js';
import type { Store } from '../store/store.js';
import type { BatchMetrics } from './batch-metrics.js';
import { planBatches } from './batch-plan.js';
import { consolidateReports, type PortfolioReport } from './consolidate-reports.js';
import { createReportPrefetch } from './prefetch-report-data.js';
import { type PrefetchOutcome, runDeepAnalysis } from './run-deep-analysis.js';

/** What a report run is asked to analyse, as the report job's params carry it. */
export interface ReportRequest {
  tickers?: readonly string[];
  portfolio?: string;
  underperformers?: boolean;
  analyst?: AnalystKind;
  batchSize?: number;
  benchmark?: string;
  /** false: analyse the stored data as it is, with no phase 1 (offline). */
  prefetch?: boolean;
}

export interface RunReportOptions {
  store: Store;
  config: Config;
  runId: string;
  request: ReportRequest;
  signal: AbortSignal;
  progress(update: Partial<JobProgress>): void;
  log(line: string): void;
  /** Replaces phase 1 (tests); default the fetch engine against the configured sources. */
  prefetch?: (symbols: readonly string[], signal: AbortSignal) => Promise<PrefetchOutcome>;
  /** Replaces the configured analyst (tests, benches). */
  analyst?: Analyst;
  /** Free memory in bytes, for the automatic batch size; default the machine's. */
  freeMemoryBytes?: () => number;
}

export interface ReportRunResult {
  batch_metrics: BatchMetrics;
  report: Omit<PortfolioReport, 'batch_metrics'>;
  files: { metrics: string; markdown: string; json: string };
}

/** A report that cannot start: no ticker to analyse, or a portfolio that is not stored. */
export class ReportRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportRequestError';
  }
}

/** Phase 1 when asked not to fetch: every ticker's data is what the store holds. */
async function storedDataOnly(symbols: readonly string[]): Promise<PrefetchOutcome> {
  return { failed: [], sources: { store: symbols.length } };
}

/** Shares held now per symbol from a portfolio's transactions (splits applied). */
function heldSymbols(transactions: readonly { symbol: string; type: string; quantity: number }[]): string[] {
  const held = new Map<string, number>();
  for (const t of transactions) {
    const h = held.get(t.symbol) ?? 0;
    if (t.type === 'buy') held.set(t.symbol, h + t.quantity);
    else if (t.type === 'sell') held.set(t.symbol, h - t.quantity);
    else if (t.type === 'split') held.set(t.symbol, h * t.quantity);
  }
  return [...held].filter(([, q]) => q > 1e-9).map(([s]) => s);
}

/** The tickers and title of a request: explicit tickers, a portfolio's holdings, or its underperformers. */
async function resolveTickers(store: Store, req: ReportRequest): Promise<{ symbols: string[]; title: string }> {
  if (req.tickers && req.tickers.length > 0) {
    return { symbols: [...new Set(req.tickers)], title: `Report on ${req.tickers.length} tickers` };
  }
  const name = req.portfolio ?? DEFAULT_PORTFOLIO;
  const portfolio = await requirePortfolio(store, name).catch((e: Error) => {
    throw new ReportRequestError(
      req.portfolio === undefined && !req.underperformers
        ? `name the tickers to report on: tickers, a portfolio or its underperformers (${e.message})`
        : e.message,
    );
  });
  if (req.underperformers) {
    const analytics = await loadPortfolioAnalytics(store, portfolio, { benchmark: req.benchmark });
    return {
      symbols: analytics.underperformers.map((u) => u.symbol),
      title: `Underperformers of portfolio ${name}`,
    };
  }
  return { symbols: heldSymbols(portfolio.transactions), title: `Portfolio ${name}` };
}

/**
 * A whole report run: the tickers resolved, the batch plan logged, the three phases run, the reports
 * stored, and the metrics and the consolidated report written to <dataDir>/runs/<id>.json and
 * <dataDir>/reports/<id>.md|json.
 */
export async function runReport(opts: RunReportOptions): Promise<ReportRunResult> {
  const { store, config, request } = opts;
  const { symbols, title } = await resolveTickers(store, request);
  const benchmark = request.benchmark ?? 'SPY';
  const free = (opts.freeMemoryBytes ?? freemem)();
  const plan = planBatches(symbols.length, config, free, request.batchSize);
  const analyst = opts.analyst ?? createAnalyst(request.analyst ?? config.reportAnalyst, config);
  opts.log(
    `report: ${symbols.length} tickers, ${plan.mode === 'batch' ? `batches of ${plan.batchSize}` : 'one at a time'} (${plan.why}); ` +
      `BATCH_PREFETCH_ENABLED=${config.batchPrefetchEnabled} BATCH_PREFETCH_MIN_HOLDINGS=${config.batchPrefetchMinHoldings} ` +
      `DEEP_ANALYSIS_BATCH_SIZE=${config.deepAnalysisBatchSize || 'auto'} ENABLE_ALPHA_VANTAGE=${config.enableAlphaVantage} ` +
      `ALPHA_VANTAGE_RATE_LIMIT=${config.alphaVantageRateLimit}; analyst ${analyst.name}`,
  );
  const prefetch =
    opts.prefetch ??
    (request.prefetch === false ? storedDataOnly : undefined) ??
    createReportPrefetch({
      store,
      config,
      runId: opts.runId,
      extraSymbols: [benchmark],
      onProgress: (done, total) =>
        opts.progress({ done, total, stage: 'prefetch', message: `${done}/${total} fetched` }),
    });
  let bench: Awaited<ReturnType<Store['bars']['read']>> | undefined;
  const { reports, metrics } = await runDeepAnalysis({
    runId: opts.runId,
    symbols,
    analyst,
    plan,
    prefetch,
    signal: opts.signal,
    onProgress: (p) => opts.progress(p),
    log: opts.log,
    async loadFacts(symbol) {
      bench ??= await store.bars.read(benchmark);
      const bars = await store.bars.read(symbol);
      if (!bars || bars.dates.length === 0) {
        throw Object.assign(new Error(`${symbol} has no stored bars`), { kind: 'no-data' });
      }
      return computeTickerFacts(bars, await store.quotes.get(symbol), bench, benchmark);
    },
  });
  opts.progress({ done: symbols.length, total: symbols.length, stage: 'consolidation', message: 'writing the report' });
  if (reports.length > 0) await store.reports.add(reports);
  const { json, markdown } = consolidateReports(title, reports, metrics);
  const runsDir = join(config.dataDir, 'runs');
  const reportsDir = join(config.dataDir, 'reports');
  await mkdir(runsDir, { recursive: true });
  await mkdir(reportsDir, { recursive: true });
  const files = {
    metrics: join(runsDir, `${opts.runId}.json`),
    markdown: join(reportsDir, `${opts.runId}.md`),
    json: join(reportsDir, `${opts.runId}.json`),
  };
  await writeFile(files.metrics, `${JSON.stringify({ batch_metrics: metrics }, null, 2)}\n`);
  await writeFile(files.markdown, markdown);
  await writeFile(files.json, `${JSON.stringify(json, null, 2)}\n`);
  const { batch_metrics: _, ...report } = json;
  return { batch_metrics: metrics, report, files };
}
