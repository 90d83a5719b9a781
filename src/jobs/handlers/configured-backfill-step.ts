import type { Config } from '../../config/index.js';
import { dayFromIso, type EpochDay, todayUtc } from '../../domain/epoch-day.js';
import { computeCoverage } from '../../fetch/compute-coverage.js';
import { createHistorySource, sourceRateLimits } from '../../fetch/create-history-source.js';
import { planGapRequests } from '../../fetch/plan-gap-requests.js';
import { type BackfillMetrics, defaultBackfillWorkers, runBackfill } from '../../fetch/run-backfill.js';
import type { Store } from '../../store/store.js';
import { JobErrorWithMetrics } from '../job-error-with-metrics.js';
import type { JobItemFailure, JobMetrics } from '../job-handler.js';
import { coverageSymbolsOf } from './coverage-symbols-of.js';
import { fetchProgressMessage } from './fetch-progress-message.js';
import type { SourceStepOptions } from './source-step-options.js';
import type { StepRunner } from './step-runner.js';

type BackfillStepConfig = Parameters<typeof createHistorySource>[1] &
  Pick<Config, 'fetchMaxConcurrent' | 'fetchRetries'>;

/** What a backfill run leaves in its metrics: the plan's figures and the engine's, as `backfill --json` prints them. */
export interface BackfillRunMetrics extends BackfillMetrics {
  universe: string;
  /** The universe's tickers; `tickers` counts those backfilled. */
  universeTickers: number;
  complete: number;
  /** The tickers with no gap in the window. */
  noGaps: string[];
  mode: 'gaps' | 'whole range';
  /** The window's first day (epoch day), or null for each ticker's whole stored range. */
  from: number | null;
}

/**
 * The backfill job's step, set up from config like `marketdeck backfill` with no flags: params
 * (JOB_PARAM_SCHEMAS.backfill) may name `universe` (default: every stored ticker) or `tickers`, `days` or
 * `from` (where the gaps start), `workers` (default: what the source's rate limit allows), `gaps: false` (the
 * whole range again) and `source` (default yahoo). It lists the coverage, plans one request per gap and fills
 * them. Some tickers failing ends the run partial with them listed; every ticker failing fails it, and a
 * cancel ends it cancelled after the requests in flight, both with the metrics of what was stored before.
 */
export function createConfiguredBackfillStep(
  store: Store,
  config: BackfillStepConfig,
  options: SourceStepOptions = {},
): StepRunner {
  return async (ctx) => {
    const p = ctx.params;
    const sourceName = typeof p.source === 'string' ? p.source : 'yahoo';
    const configured = createHistorySource(sourceName, config, options);
    const from: EpochDay | undefined =
      typeof p.days === 'number'
        ? ((todayUtc() - p.days) as EpochDay)
        : typeof p.from === 'string'
          ? dayFromIso(p.from)
          : undefined;
    const workers =
      typeof p.workers === 'number'
        ? p.workers
        : defaultBackfillWorkers(sourceRateLimits(sourceName, config), config.fetchMaxConcurrent);
    const { name, symbols } = await coverageSymbolsOf(
      store,
      typeof p.universe === 'string' ? p.universe : undefined,
      typeof p.tickers === 'string' || Array.isArray(p.tickers) ? (p.tickers as string | string[]) : undefined,
    );
    const report = await computeCoverage(store, { symbols, universe: name });
    const plan = planGapRequests(report, { from, wholeRange: p.gaps === false });
    const tickers = report.tickers.length;
    if (plan.total === 0) {
      const message =
        tickers === 0 ? `nothing to backfill: ${name} has no tickers` : `all ${tickers} tickers complete, 0 requests`;
      ctx.progress({ done: 0, total: 0, stage: 'backfill', message });
      return { universe: name, tickers, complete: tickers, requests: 0, message, results: [] };
    }
    // The phase starts now: a terminal's bar times its rate and ETA from here, not from the first ticker done.
    const total = plan.requests.size;
    ctx.progress({ done: 0, total, stage: 'backfill', message: backfillMessage(0, 0) });
    const engine = await runBackfill({
      store,
      source: configured.source,
      requests: plan.requests,
      workers,
      rateLimiter: options.rateLimiter ?? configured.rateLimiter,
      retries: config.fetchRetries,
      signal: ctx.signal,
      onProgress: (b) =>
        ctx.progress({ done: b.done, total: b.total, stage: 'backfill', message: backfillMessage(b.done, b.failed) }),
    });
    const metrics: BackfillRunMetrics = {
      universe: name,
      universeTickers: tickers,
      complete: plan.complete.length,
      noGaps: plan.complete,
      mode: p.gaps === false ? 'whole range' : 'gaps',
      from: from ?? null,
      ...engine,
    };
    // What was stored before a cancel stays; the run ends cancelled with the metrics saying how far it got.
    if (ctx.signal.aborted) throw new JobErrorWithMetrics('cancelled', metrics as unknown as JobMetrics);
    if (engine.failed === 0) return metrics as unknown as JobMetrics;
    const message = `${engine.failed} of ${engine.tickers} tickers failed`;
    if (engine.failed === engine.tickers) throw new JobErrorWithMetrics(message, metrics as unknown as JobMetrics);
    return { ...(metrics as unknown as JobMetrics), partial: { message, failed: failuresOf(engine) } };
  };
}

/** The progress message in the fetch step's words, so a terminal draws the fetch engine's bar for a backfill too. */
function backfillMessage(done: number, failed: number): string {
  return fetchProgressMessage({ fetched: done - failed, failed, skipped: 0 });
}

/** The failed tickers as a partial run lists them: the reason's error kind (`not-found: ...`) split off. */
function failuresOf(m: BackfillMetrics): JobItemFailure[] {
  return m.results
    .filter((r) => r.status === 'failed')
    .map((r) => {
      const [, kind, reason] = /^([\w-]+): ([\s\S]*)$/.exec(r.reason ?? '') ?? [];
      return { item: r.symbol, kind: kind ?? 'failed', reason: reason ?? r.reason ?? '' };
    });
}
