import { type Config, parseDuration } from '../config/index.js';
import { isoFromDay } from '../domain/epoch-day.js';
import { createHistorySource } from '../fetch/create-history-source.js';
import { createQuoteSource } from '../fetch/create-quote-source.js';
import { runFetch } from '../fetch/fetch-engine.js';
import { runQuoteFetch } from '../fetch/fetch-quotes.js';
import { recentRequestTimes } from '../fetch/fetch-run-record.js';
import type { HttpGet } from '../sources/http-get.js';
import type { Store } from '../store/store.js';
import type { PrefetchOutcome } from './run-deep-analysis.js';

type PrefetchConfig = Parameters<typeof createHistorySource>[1] &
  Parameters<typeof createQuoteSource>[1] &
  Pick<Config, 'fetchMaxAge' | 'fetchMaxConcurrent' | 'fetchRetries' | 'alphaVantageRateLimit'>;

export interface PrefetchReportDataOptions {
  store: Store;
  config: PrefetchConfig;
  runId: string;
  /** Fetched with the tickers but never counted as one (the benchmark the facts compare with). */
  extraSymbols?: readonly string[];
  /** Replaces the network transport (tests, benches). */
  httpGet?: HttpGet;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Phase 1 of a report: every ticker's bars from Yahoo through the fetch engine (its rate limits, retries
 * and concurrency; fresh tickers skipped), then their quotes for the valuation facts. When Alpha Vantage is
 * enabled with a key, the tickers Yahoo failed are asked there, at ALPHA_VANTAGE_RATE_LIMIT calls a minute.
 */
export function createReportPrefetch(
  opts: PrefetchReportDataOptions,
): (symbols: readonly string[], signal: AbortSignal) => Promise<PrefetchOutcome> {
  const { store, config } = opts;
  const maxAgeMs = parseDuration(config.fetchMaxAge) ?? 86_400_000;
  return async (symbols, signal) => {
    const extra = (opts.extraSymbols ?? []).filter((s) => !symbols.includes(s));
    const all = [...symbols, ...extra];
    const yahoo = createHistorySource('yahoo', config, { httpGet: opts.httpGet });
    const fetched = await runFetch({
      store,
      source: yahoo.source,
      symbols: all,
      httpStats: yahoo.httpStats,
      signal,
      onProgress: (p) => opts.onProgress?.(p.done, p.total),
      options: {
        runId: opts.runId,
        maxConcurrent: config.fetchMaxConcurrent,
        maxAgeMs,
        retries: config.fetchRetries,
        rateLimiter: yahoo.rateLimiter,
      },
    });
    const sources: Record<string, number> = {};
    const count = (name: string, n: number) => {
      if (n > 0) sources[name] = (sources[name] ?? 0) + n;
    };
    const isTicker = new Set(symbols);
    let failed = fetched.failed.filter((f) => isTicker.has(f.symbol));
    count('store', fetched.tickers.skippedFresh);
    count('yahoo', fetched.tickers.fetched);
    if (failed.length > 0 && config.enableAlphaVantage && config.alphaVantageApiKey) {
      const av = createHistorySource(
        'alphavantage',
        { ...config, alphaVantageRatePerMinute: config.alphaVantageRateLimit },
        { httpGet: opts.httpGet },
      );
      if (!av.rateLimiter.unlimited) av.rateLimiter.recordPastMany(await recentRequestTimes(store, av.source.name));
      const second = await runFetch({
        store,
        source: av.source,
        symbols: failed.map((f) => f.symbol),
        httpStats: av.httpStats,
        signal,
        options: {
          runId: opts.runId,
          maxConcurrent: 1,
          maxAgeMs,
          retries: config.fetchRetries,
          rateLimiter: av.rateLimiter,
        },
      });
      count('alphavantage', second.tickers.fetched);
      const stillFailed = new Map(second.failed.map((f) => [f.symbol, f]));
      failed = failed
        .filter((f) => stillFailed.has(f.symbol))
        .map((f) => {
          const av2 = stillFailed.get(f.symbol)!;
          return { ...f, reason: `${f.reason}; Alpha Vantage: ${av2.reason}` };
        });
    }
    // A ticker whose fetch failed but whose bars are stored is analysed from them, as `up --fetch` carries
    // on offline: only tickers with nothing stored fail.
    let notice: string | undefined;
    // "Yahoo is unreachable (cause)", without the engine's "nothing fetched" that a report goes on past.
    const unreachable = fetched.unreachable?.split(';')[0] ?? null;
    const stale = await storedLastDates(
      store,
      failed.map((f) => f.symbol),
    );
    if (stale.size > 0) {
      const asOf = isoFromDay(Math.max(...stale.values()));
      const why = unreachable ?? `${stale.size} ticker(s): ${[...stale.keys()].join(', ')}`;
      notice = `prefetch failed (${why}); analysing stored data as of ${asOf}`;
      failed = failed.filter((f) => !stale.has(f.symbol));
      count('store', stale.size);
    }
    if (unreachable) {
      const stopped = fetched.unreachable as string;
      failed = failed.map((f) => ({
        ...f,
        reason: f.reason.replace(stopped, `${unreachable}; no bars stored to analyse`),
      }));
    }
    const quotes = createQuoteSource('yahoo', config, { httpGet: opts.httpGet });
    // An unreachable Yahoo would only fail every quote request again.
    if (quotes && !signal.aborted && !fetched.unreachable) {
      const bad = new Set(failed.map((f) => f.symbol));
      await runQuoteFetch({
        store,
        source: quotes.source,
        symbols: all.filter((s) => !bad.has(s)),
        httpStats: quotes.httpStats,
        rateLimiter: yahoo.rateLimiter,
        retries: config.fetchRetries,
        maxAgeMs,
        signal,
      });
    }
    return {
      failed: failed.map((f) => ({ symbol: f.symbol, kind: f.kind, reason: f.reason })),
      sources,
      ...(notice ? { notice } : {}),
    };
  };
}

/** The last stored bar date of each of these symbols that has bars. */
async function storedLastDates(store: Store, symbols: readonly string[]): Promise<Map<string, number>> {
  const last = new Map<string, number>();
  for (const symbol of symbols) {
    const bars = await store.bars.read(symbol);
    if (bars && bars.dates.length > 0) last.set(symbol, bars.dates[bars.dates.length - 1]);
  }
  return last;
}
