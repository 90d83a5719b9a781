import type { Quote } from '../domain/quote.js';
import { normalizeSymbol } from '../domain/symbol.js';
import { type QuoteSource, SourceError } from '../sources/source.js';
import type { Store } from '../store/store.js';
import type { FailedQuoteBatch, QuoteProgress, QuoteRunMetrics } from './fetch-metrics.js';
import type { HttpStats } from './instrumented-http-get.js';
import { type RateLimiter, UNLIMITED_RATE } from './rate-limiter.js';
import { RetryPolicy, withRetry } from './retry-policy.js';
import { errorKindOf, RUN_STOPPING_KINDS } from './source-failure.js';

/** Yahoo's v7 quote takes about 100 symbols per request. */
export const QUOTE_BATCH_SIZE = 100;
/**
 * Batches in flight at once by default. A whole market is ~100 batches, so a few in parallel finish it in
 * seconds without looking like the bursts Yahoo throttles.
 */
export const QUOTE_BATCHES_IN_FLIGHT = 4;
/** Missing symbols listed by name in the metrics; the count is always complete. */
const MISSING_LISTED = 100;

export interface RunQuoteFetchArgs {
  store: Store;
  source: QuoteSource;
  /** Canonical symbols; duplicates are asked once. */
  symbols: readonly string[];
  /** The source's limiter, shared with its history requests: a batch takes one token per attempt. */
  rateLimiter?: RateLimiter;
  /** Retries per batch after transient failures (FETCH_RETRIES), as for history requests. */
  retries: number;
  /** Backoff cap of the first retry (doubles per retry); default 500 ms. */
  retryBaseDelayMs?: number;
  /** Longest backoff; default 30 s. */
  retryMaxDelayMs?: number;
  /** A symbol whose stored quote is younger than this is not asked again (--max-age). */
  maxAgeMs: number;
  /** Ask every symbol, fresh quotes too (--force-refresh). */
  forceRefresh?: boolean;
  /** Symbols per request; at most the source's own batch size (default 100). */
  batchSize?: number;
  /** Batches in flight at most (default 4). */
  maxConcurrent?: number;
  signal?: AbortSignal;
  onProgress?: (progress: QuoteProgress) => void;
  /** Counters of the instrumented HttpGet the source was built with (crumb handshake included). */
  httpStats?: HttpStats;
  /** Clock for freshness and the stored fetch time; injectable for tests. */
  now?: () => Date;
}

/**
 * The quote phase of a fetch run: the symbols without a fresh stored quote, asked in batches of up to 100
 * (one request each) through the source's rate limiter and the same retry policy as history requests, each
 * batch stored in one transaction as it arrives. A batch that fails after its retries is recorded and the
 * others go on; symbols the source does not know are reported as missing, not as failures.
 *
 * Symbols without a quote (unknown to the source) are asked again on the next run: they cost a share of one
 * request, and a symbol listed tomorrow gets its quote without a reset.
 */
export async function runQuoteFetch(args: RunQuoteFetchArgs): Promise<QuoteRunMetrics> {
  const { store, source, signal } = args;
  const now = args.now ?? (() => new Date());
  const t0 = performance.now();
  const limiter = args.rateLimiter ?? UNLIMITED_RATE;
  const policy = new RetryPolicy({
    maxRetries: args.retries,
    baseDelayMs: args.retryBaseDelayMs,
    maxDelayMs: args.retryMaxDelayMs,
  });
  const size = batchSizeFor(args.batchSize, source.batchSize);
  const maxConcurrent = args.maxConcurrent ?? QUOTE_BATCHES_IN_FLIGHT;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new RangeError(`maxConcurrent ${maxConcurrent} is not allowed; expected an integer >= 1`);
  }

  const unique = [...new Set(args.symbols)];
  const fresh = args.forceRefresh ? new Set<string>() : await freshQuoteSymbols(store, args.maxAgeMs, now());
  const asked = unique.filter((s) => !fresh.has(s));
  const batches: string[][] = [];
  for (let i = 0; i < asked.length; i += size) batches.push(asked.slice(i, i + size));

  const m = { done: 0, succeeded: 0, failed: 0, stored: 0, missing: 0, failedSymbols: 0, requests: 0, retries: 0 };
  let rateLimited = 0;
  const errorsByKind: Record<string, number> = {};
  const missing: string[] = [];
  const failedBatches: FailedQuoteBatch[] = [];
  let stopped: SourceError | null = null;

  const request = (batch: readonly string[]): Promise<Quote[]> =>
    withRetry(
      async () => {
        if (stopped) throw stopped;
        await limiter.acquire(signal);
        // Checked again after the wait: another batch may have learnt meanwhile that the crumb is refused.
        if (stopped) throw stopped;
        m.requests++;
        try {
          return await source.fetchQuotes(batch, signal);
        } catch (error) {
          if (!signal?.aborted) {
            const kind = errorKindOf(error);
            errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
            if (kind === 'rate-limited') rateLimited++;
            if (error instanceof SourceError && RUN_STOPPING_KINDS.has(error.kind) && !stopped) {
              stopped = new SourceError(error.kind, `not attempted: ${error.message}`, error.evidence);
            }
          }
          throw error;
        }
      },
      policy,
      { signal, onRetry: () => m.retries++ },
    );

  const fetchBatch = async (batch: readonly string[]): Promise<void> => {
    const quotes = await request(batch);
    // Only what was asked is kept: the quote table describes the universe, not whatever the source adds.
    const wanted = new Set(batch);
    const byKey = new Map<string, string>(batch.map((s) => [symbolKey(s), s]));
    const keep: Quote[] = [];
    for (const q of quotes) {
      const symbol = wanted.has(q.symbol) ? q.symbol : byKey.get(symbolKey(q.symbol));
      if (symbol === undefined) continue;
      wanted.delete(symbol);
      keep.push(symbol === q.symbol ? q : { ...q, symbol });
    }
    await store.quotes.upsert(keep, now());
    m.stored += keep.length;
    m.missing += wanted.size;
    for (const s of wanted) if (missing.length < MISSING_LISTED) missing.push(s);
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length && !signal?.aborted) {
      const batch = batches[next++];
      try {
        await fetchBatch(batch);
        m.succeeded++;
      } catch (error) {
        if (signal?.aborted) {
          // A cancelled batch is neither stored nor failed: the next run asks it again.
          next = batches.length;
          break;
        }
        m.failed++;
        m.failedSymbols += batch.length;
        failedBatches.push({
          first: batch[0],
          last: batch[batch.length - 1],
          size: batch.length,
          kind: errorKindOf(error),
          reason: error instanceof Error ? error.message : String(error),
        });
      }
      m.done++;
      args.onProgress?.({
        batches: batches.length,
        done: m.done,
        stored: m.stored,
        missing: m.missing,
        failed: m.failed,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(batches.length, maxConcurrent) }, worker));

  const notRunBatches = batches.length - m.done;
  const http = args.httpStats?.snapshot();
  return {
    source: source.name,
    seconds: Math.round(performance.now() - t0) / 1000,
    cancelled: signal?.aborted === true && notRunBatches > 0,
    symbols: {
      requested: unique.length,
      skippedFresh: unique.length - asked.length,
      asked: asked.length,
      stored: m.stored,
      missing: m.missing,
      failed: m.failedSymbols,
      notRun: asked.length - m.stored - m.missing - m.failedSymbols,
    },
    batches: { total: batches.length, succeeded: m.succeeded, failed: m.failed, notRun: notRunBatches },
    requests: m.requests,
    retries: m.retries,
    rateLimited,
    errorsByKind,
    missing,
    failedBatches,
    ...(http ? { http } : {}),
  };
}

/** Symbols whose stored quote was fetched within `maxAgeMs` before `now`. */
export async function freshQuoteSymbols(store: Store, maxAgeMs: number, now: Date): Promise<Set<string>> {
  const out = new Set<string>();
  for (const q of await store.quotes.list()) {
    if (now.getTime() - q.fetchedAt.getTime() < maxAgeMs) out.add(q.symbol);
  }
  return out;
}

function batchSizeFor(wanted: number | undefined, sourceMax: number | undefined): number {
  const max = sourceMax ?? QUOTE_BATCH_SIZE;
  const size = wanted ?? max;
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw new RangeError(`quote batchSize ${size} is not allowed; expected an integer 1-${max}`);
  }
  return size;
}

/** The symbol's canonical form, to match a quote the source spelt differently (lower case) to the one asked. */
function symbolKey(symbol: string): string {
  try {
    return normalizeSymbol(symbol);
  } catch {
    return symbol;
  }
}
