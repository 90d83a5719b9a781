import { type Config, parseDuration } from '../../config/index.js';
import { dayFromIso } from '../../domain/epoch-day.js';
import { createHistorySource } from '../../fetch/create-history-source.js';
import { createQuoteSource } from '../../fetch/create-quote-source.js';
import { runFetch } from '../../fetch/fetch-engine.js';
import { runQuoteFetch } from '../../fetch/fetch-quotes.js';
import { fetchErrorText, fetchFailures, fetchOutcome, recentRequestTimes } from '../../fetch/fetch-run-record.js';
import type { Store } from '../../store/store.js';
import { JobErrorWithMetrics } from '../job-error-with-metrics.js';
import type { JobMetrics, JobPartial } from '../job-handler.js';
import { DURATION_EXPECTED } from '../job-params.js';
import { fetchProgressMessage, quoteProgressMessage } from './fetch-progress-message.js';
import { fetchSymbolsOf } from './fetch-symbols.js';
import type { SourceStepOptions } from './source-step-options.js';
import type { StepRunner } from './step-runner.js';

type FetchStepConfig = Parameters<typeof createHistorySource>[1] &
  Pick<Config, 'fetchMaxAge' | 'fetchMaxConcurrent' | 'fetchRetries'> &
  Partial<Pick<Config, 'fetchGiveUpAfter'>>;

/**
 * The fetch step of fetch and update jobs, set up from config like `marketdeck fetch` with no flags:
 * params (JOB_PARAM_SCHEMAS.fetch) may name `universe` (default: every stored ticker), `tickers`, `source`
 * (default yahoo), `maxStocks`, `expand`, `maxConcurrent`, `from`, `refetchGaps`, `forceRefresh`, `maxAge`
 * (default FETCH_MAX_AGE) and `quotes` (false skips the quote phase that follows a Yahoo history fetch). Some
 * tickers or quote batches failing is a success with the failures in the metrics; every ticker failing fails
 * the step, and a cancel ends it cancelled, both with the metrics of what was done (JobErrorWithMetrics).
 */
export function createConfiguredFetchStep(
  store: Store,
  config: FetchStepConfig,
  options: SourceStepOptions = {},
): StepRunner {
  return async (ctx) => {
    const p = ctx.params;
    const maxAgeMs = maxAgeOf(p.maxAge, config.fetchMaxAge);
    const configured = createHistorySource(typeof p.source === 'string' ? p.source : 'yahoo', config, options);
    const rateLimiter = options.rateLimiter ?? configured.rateLimiter;
    const planned = await fetchSymbolsOf(store, p);
    if (!('universe' in planned)) {
      ctx.progress({ done: 0, total: 0, stage: 'fetch', message: planned.nothing });
      return { requested: 0, message: planned.nothing };
    }
    const { symbols } = planned;
    const now = new Date();
    if (!options.rateLimiter && !configured.rateLimiter.unlimited) {
      configured.rateLimiter.recordPastMany(await recentRequestTimes(store, configured.source.name, now));
    }
    // The phase starts now: a terminal's bar times its rate and ETA from here, not from the first ticker done.
    const started = { fetched: 0, failed: 0, skipped: 0 };
    ctx.progress({ done: 0, total: symbols.length, stage: 'fetch', message: fetchProgressMessage(started) });
    const metrics = await runFetch({
      store,
      source: configured.source,
      symbols,
      httpStats: configured.httpStats,
      signal: ctx.signal,
      onProgress: (f) =>
        ctx.progress({
          done: f.done,
          total: f.total,
          stage: 'fetch',
          message: fetchProgressMessage(f),
        }),
      options: {
        runId: ctx.id,
        maxConcurrent: typeof p.maxConcurrent === 'number' ? p.maxConcurrent : config.fetchMaxConcurrent,
        from: typeof p.from === 'string' ? dayFromIso(p.from) : undefined,
        refetchGaps: p.refetchGaps === true,
        maxAgeMs,
        forceRefresh: p.forceRefresh === true,
        retries: config.fetchRetries,
        noProgressLimitMs: parseDuration(config.fetchGiveUpAfter ?? ''),
        rateLimiter,
      },
    });
    const quoteSource =
      p.quotes !== false && !metrics.cancelled && !metrics.unreachable && !metrics.gaveUp
        ? createQuoteSource(configured.source.name, config, options)
        : null;
    if (quoteSource) {
      metrics.quotes = await runQuoteFetch({
        store,
        source: quoteSource.source,
        symbols,
        httpStats: quoteSource.httpStats,
        rateLimiter,
        retries: config.fetchRetries,
        maxAgeMs,
        forceRefresh: p.forceRefresh === true,
        signal: ctx.signal,
        onProgress: (q) =>
          ctx.progress({
            done: q.done,
            total: q.batches,
            stage: 'quotes',
            message: quoteProgressMessage(q),
          }),
      });
    }
    // What was fetched before a cancel stays stored; the run ends cancelled with the metrics saying how far it got.
    if (ctx.signal.aborted) {
      throw new JobErrorWithMetrics(fetchErrorText(metrics) ?? 'cancelled', metrics as unknown as JobMetrics);
    }
    const outcome = fetchOutcome(metrics);
    if (outcome === 'failed') {
      throw new JobErrorWithMetrics(fetchErrorText(metrics) ?? 'every ticker failed', metrics as unknown as JobMetrics);
    }
    if (outcome === 'ok') return metrics as unknown as JobMetrics;
    const partial: JobPartial = {
      message: fetchErrorText(metrics) ?? 'cancelled before every ticker was fetched',
      failed: fetchFailures(metrics),
    };
    return { ...(metrics as unknown as JobMetrics), partial };
  };
}

/** A job's maxAge in ms, else the configured one's; a value the job schema would refuse is named. */
function maxAgeOf(param: unknown, configured: string): number {
  if (param === undefined) return parseDuration(configured) ?? 86_400_000;
  const ms = typeof param === 'string' ? parseDuration(param) : undefined;
  if (ms === undefined) throw new Error(`maxAge ${JSON.stringify(param)} is not a duration; ${DURATION_EXPECTED}`);
  return ms;
}
