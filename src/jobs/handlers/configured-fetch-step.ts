import { type Config, parseDuration } from '../../config/index.js';
import { dayFromIso } from '../../domain/epoch-day.js';
import { createHistorySource } from '../../fetch/create-history-source.js';
import { createQuoteSource } from '../../fetch/create-quote-source.js';
import { runFetch } from '../../fetch/fetch-engine.js';
import { runQuoteFetch } from '../../fetch/fetch-quotes.js';
import { fetchErrorText, fetchFailures, fetchOutcome, recentRequestTimes } from '../../fetch/fetch-run-record.js';
import { selectSymbols } from '../../fetch/select-symbols.js';
import type { HttpGet } from '../../sources/http-get.js';
import type { Store } from '../../store/store.js';
import { recordUniverseInfo } from '../../universe/record-universe-info.js';
import { rememberUniverse } from '../../universe/remember-universe.js';
import { resolveUniverse } from '../../universe/resolve-universe.js';
import type { JobMetrics, JobPartial } from '../job-handler.js';
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
  options: { httpGet?: HttpGet } = {},
): StepRunner {
  return async (ctx) => {
    const p = ctx.params;
    const configured = createHistorySource(typeof p.source === 'string' ? p.source : 'yahoo', config, options);
    const tickers =
      typeof p.tickers === 'string' || Array.isArray(p.tickers) ? (p.tickers as string | string[]) : undefined;
    const universe = await resolveUniverse(typeof p.universe === 'string' ? p.universe : undefined, { store, tickers });
    // As `marketdeck fetch --max-stocks N --expand`: "add N more stocks" takes the next N not stored yet.
    const expand = p.expand === true;
    const { symbols, alreadyStored } = selectSymbols(universe.symbols, {
      maxStocks: typeof p.maxStocks === 'number' ? p.maxStocks : undefined,
      expand,
      stored: expand ? new Set(await store.tickers.symbolsWithBars()) : undefined,
    });
    if (symbols.length === 0) {
      const why =
        expand && alreadyStored > 0
          ? `every ticker of ${universe.name} (${alreadyStored}) is stored already`
          : `universe ${universe.name} is empty`;
      ctx.progress({ done: 0, total: 0, stage: 'fetch', message: `nothing to fetch: ${why}` });
      return { requested: 0, message: `nothing to fetch: ${why}` };
    }
    await recordUniverseInfo(store, universe, symbols);
    // Like `marketdeck fetch`: a named list's members are what precompute publishes that list's breadth for.
    await rememberUniverse(store, universe);
    const now = new Date();
    if (!configured.rateLimiter.unlimited) {
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
        rateLimiter: configured.rateLimiter,
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
        rateLimiter: configured.rateLimiter,
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
