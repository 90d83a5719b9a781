import { type Config, parseDuration } from '../../config/index.js';
import { dayFromIso } from '../../domain/epoch-day.js';
import { createHistorySource } from '../../fetch/create-history-source.js';
import { createQuoteSource } from '../../fetch/create-quote-source.js';
import { runFetch } from '../../fetch/fetch-engine.js';
import { runQuoteFetch } from '../../fetch/fetch-quotes.js';
import { fetchErrorText, fetchFailures, fetchOutcome, recentRequestTimes } from '../../fetch/fetch-run-record.js';
import type { RateLimiter } from '../../fetch/rate-limiter.js';
import type { HttpGet } from '../../sources/http-get.js';
import type { Store } from '../../store/store.js';
import type { JobMetrics, JobPartial } from '../job-handler.js';
import { fetchSymbolsOf } from './fetch-symbols.js';
import type { StepRunner } from './step-runner.js';

type FetchStepConfig = Parameters<typeof createHistorySource>[1] &
  Pick<Config, 'fetchMaxAge' | 'fetchMaxConcurrent' | 'fetchRetries'> &
  Partial<Pick<Config, 'fetchGiveUpAfter'>>;

/**
 * The fetch step of fetch and update jobs, set up from config like `marketdeck fetch` with no flags:
 * params (JOB_PARAM_SCHEMAS.fetch) may name `universe` (default: every stored ticker), `tickers`, `source`
 * (default yahoo), `maxStocks`, `expand`, `maxConcurrent`, `from`, `refetchGaps`, `forceRefresh` and `quotes`
 * (false skips the quote phase that follows a Yahoo history fetch). Some tickers
 * or quote batches failing is a success with the failures in the metrics; every ticker failing fails the step.
 */
export function createConfiguredFetchStep(
  store: Store,
  config: FetchStepConfig,
  options: {
    httpGet?: HttpGet;
    /** The limiter of the source shared with other processes (a queue's workers); default: this process's own. */
    rateLimiter?: RateLimiter;
  } = {},
): StepRunner {
  return async (ctx) => {
    const p = ctx.params;
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
    const maxAgeMs = parseDuration(config.fetchMaxAge) ?? 86_400_000;
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
          message: `${f.fetched} fetched, ${f.failed} failed, ${f.skipped} fresh`,
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
            message: `${q.stored} quotes stored, ${q.missing} missing, ${q.failed} batches failed`,
          }),
      });
    }
    const outcome = fetchOutcome(metrics);
    if (outcome === 'failed') throw new Error(fetchErrorText(metrics) ?? 'every ticker failed');
    if (outcome === 'ok') return metrics as unknown as JobMetrics;
    const partial: JobPartial = {
      message: fetchErrorText(metrics) ?? 'cancelled before every ticker was fetched',
      failed: fetchFailures(metrics),
    };
    return { ...(metrics as unknown as JobMetrics), partial };
  };
}
