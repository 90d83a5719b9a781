import { type BarSeries, emptyBarSeries, mergeBarSeries } from '../domain/bar-series.js';
import type { Dividend, Split } from '../domain/ticker.js';
import type { HistorySource, SourceHistory } from '../sources/source.js';
import type { Store } from '../store/store.js';
import { AdaptiveConcurrency, classifyOutcome } from './adaptive-concurrency.js';
import { runWorkers, WRITE_BATCH, WRITE_DELAY_MS } from './fetch-workers.js';
import type { GapRequest } from './plan-gap-requests.js';
import { type RateLimiter, UNLIMITED_RATE } from './rate-limiter.js';
import { RetryPolicy, withRetry } from './retry-policy.js';
import { errorKindOf } from './source-failure.js';
import { TickerWriteBatcher } from './ticker-write-batcher.js';

export interface BackfillArgs {
  store: Store;
  source: HistorySource;
  /** Per ticker, the ranges to ask for (planGapRequests), in the order tickers are worked through. */
  requests: ReadonlyMap<string, readonly GapRequest[]>;
  /** Requests in flight at most (--workers). */
  workers: number;
  rateLimiter?: RateLimiter;
  /** Retries per request after transient failures (FETCH_RETRIES). */
  retries: number;
  retryBaseDelayMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: BackfillProgress) => void;
  now?: () => Date;
}

export interface BackfillProgress {
  total: number;
  done: number;
  failed: number;
  requests: number;
  barsAdded: number;
  symbol: string;
}

/** What happened to one ticker: `saved` (with the bars its gaps gained), or `failed` with the reason. */
export interface BackfillTickerResult {
  symbol: string;
  status: 'saved' | 'failed';
  requests: number;
  barsAdded: number;
  barsChanged: number;
  reason?: string;
}

export interface BackfillMetrics {
  tickers: number;
  requests: number;
  barsAdded: number;
  barsChanged: number;
  failed: number;
  seconds: number;
  requestsPerSecond: number;
  workers: number;
  results: BackfillTickerResult[];
}

/**
 * Fills the given ranges: `workers` requests in flight, each through the rate limiter and the retry policy;
 * a ticker's answers are merged with its stored bars (a date already stored is replaced by the same date,
 * never doubled) in one transaction with its fetch success, the ready tickers committed a batch at a time.
 * One ticker's failure is its own: the others go on. The ticker's quality flags are left as they are: an
 * answer for a few days says nothing about the rest of its history.
 */
export async function runBackfill(args: BackfillArgs): Promise<BackfillMetrics> {
  const { store, source, requests, signal } = args;
  const now = args.now ?? (() => new Date());
  const limiter = args.rateLimiter ?? UNLIMITED_RATE;
  const policy = new RetryPolicy({ maxRetries: args.retries, baseDelayMs: args.retryBaseDelayMs });
  const writes = new TickerWriteBatcher(store.bars, { maxBatch: WRITE_BATCH, maxDelayMs: WRITE_DELAY_MS });
  const symbols = [...requests.keys()];
  const results: BackfillTickerResult[] = [];
  const t0 = performance.now();
  let sent = 0;
  let done = 0;
  let failed = 0;
  let barsAdded = 0;
  let barsChanged = 0;

  // Requests hold a slot only while on the wire (a whole 2xx answer frees it before it is parsed), and a 429
  // or a run of failures lowers the limit as in a fetch run; more workers than slots keep the slots full while
  // some workers parse or wait for their batch to commit.
  const slots = new AdaptiveConcurrency({ max: args.workers });
  const ask = (symbol: string, r: GapRequest): Promise<SourceHistory> =>
    withRetry(
      async () => {
        const release = await slots.acquire(signal);
        try {
          await limiter.acquire(signal);
          sent++;
          const answer = await source.fetchHistory({
            symbol,
            from: r.from,
            to: r.to,
            signal,
            onAnswered: (status) => {
              if (status >= 200 && status < 300) release();
            },
          });
          slots.record('success');
          return answer;
        } catch (error) {
          if (!signal?.aborted) slots.record(classifyOutcome(error));
          throw error;
        } finally {
          release();
        }
      },
      policy,
      { signal },
    );

  const fillTicker = async (symbol: string): Promise<BackfillTickerResult> => {
    const gaps = requests.get(symbol) ?? [];
    let bars: BarSeries = emptyBarSeries(symbol);
    const dividends: Dividend[] = [];
    const splits: Split[] = [];
    for (const gap of gaps) {
      const answer = await ask(symbol, gap);
      bars = bars.dates.length === 0 ? answer.bars : mergeBarSeries(bars, answer.bars);
      dividends.push(...answer.dividends);
      splits.push(...answer.splits);
    }
    const written = await writes.write({
      symbol,
      bars,
      dividends,
      splits,
      mode: 'merge',
      fetch: { source: source.name, attemptedAt: now() },
    });
    return {
      symbol,
      status: 'saved',
      requests: gaps.length,
      barsAdded: written.barsAdded,
      barsChanged: written.barsChanged,
    };
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < symbols.length && !signal?.aborted) {
      const symbol = symbols[next++];
      let result: BackfillTickerResult;
      try {
        result = await fillTicker(symbol);
        barsAdded += result.barsAdded;
        barsChanged += result.barsChanged;
      } catch (error) {
        if (signal?.aborted) break;
        failed++;
        const reason = `${errorKindOf(error)}: ${error instanceof Error ? error.message : String(error)}`;
        result = {
          symbol,
          status: 'failed',
          requests: requests.get(symbol)?.length ?? 0,
          barsAdded: 0,
          barsChanged: 0,
          reason,
        };
        try {
          await store.fetchState.record({ symbol, source: source.name, at: now(), error: reason });
        } catch {
          // The failure is in the results either way.
        }
      }
      results.push(result);
      done++;
      args.onProgress?.({ total: symbols.length, done, failed, requests: sent, barsAdded, symbol });
    }
  };
  await runWorkers(args.workers, symbols.length, worker);
  await writes.flush();
  const seconds = (performance.now() - t0) / 1000;
  results.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return {
    tickers: symbols.length,
    requests: sent,
    barsAdded,
    barsChanged,
    failed,
    seconds: Math.round(seconds * 1000) / 1000,
    requestsPerSecond: seconds > 0 ? Math.round((sent / seconds) * 10) / 10 : 0,
    workers: args.workers,
    results,
  };
}

/**
 * Workers a backfill may keep busy under a source's rate limit: as many as one second of its tightest
 * window allows (5 a minute is one worker), at most FETCH_MAX_CONCURRENT; no limit leaves the maximum.
 */
export function defaultBackfillWorkers(
  limits: { perSecond?: number; perMinute?: number; perDay?: number },
  maxConcurrent: number,
): number {
  const perSecond = Math.min(
    limits.perSecond && limits.perSecond > 0 ? limits.perSecond : Number.POSITIVE_INFINITY,
    limits.perMinute && limits.perMinute > 0 ? limits.perMinute / 60 : Number.POSITIVE_INFINITY,
    limits.perDay && limits.perDay > 0 ? limits.perDay / 86_400 : Number.POSITIVE_INFINITY,
  );
  if (!Number.isFinite(perSecond)) return maxConcurrent;
  return Math.max(1, Math.min(maxConcurrent, Math.ceil(perSecond)));
}
