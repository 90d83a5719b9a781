import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFetch } from '../../src/fetch/fetch-engine.js';
import type { FetchRunMetrics } from '../../src/fetch/fetch-metrics.js';
import { HttpStats, instrumentHttpGet } from '../../src/fetch/instrumented-http-get.js';
import { createHttpGet } from '../../src/sources/create-http-get.js';
import { YahooChartSource } from '../../src/sources/yahoo/yahoo-chart-source.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { type MarketTestServerKnobs, startMarketTestServer } from '../../test/support/market-test-server.js';

/** The two throttling patterns of the reliability issue, against a source that accepts `perSecond` requests. */
export type ThrottlePattern = 'retry-after-2' | 'per-symbol-429';

export interface ThrottledFetchFigures {
  pattern: ThrottlePattern;
  tickers: number;
  seconds: number;
  failed: number;
  requests: number;
  /** Requests the source's limit let through (every arrival but its own 429s), per second of the run. */
  acceptedPerSecond: number;
  /** The source's accepted rate: its limit, plus its burst spread over the run. */
  limitPerSecond: number;
  /** acceptedPerSecond / limitPerSecond. */
  share: number;
  cooldowns: number;
  pausedSeconds: number;
  concurrency: FetchRunMetrics['concurrency'];
}

function knobsOf(pattern: ThrottlePattern, perSecond: number): Partial<MarketTestServerKnobs> {
  if (pattern === 'retry-after-2') return { rateLimit: { perSecond, burst: perSecond, retryAfterSeconds: 2 } };
  // The first request of every symbol is answered 429 Retry-After: 1, and about every 7th other one a 5xx.
  return {
    rateLimit: { perSecond, burst: perSecond, retryAfterSeconds: 1 },
    scriptedFaults: { kind: 'rateLimited', everyNth: 1, failAttempts: 1 },
    faults: { status5xx: 1 / 7 },
  };
}

/**
 * One fetch run with production pacing (FETCH_MAX_CONCURRENT 12, FETCH_RETRIES 5, the engine's own backoff and
 * cool-downs) of `tickers` new symbols against the market test server throttled as `pattern` says.
 */
export async function measureThrottledFetch(
  pattern: ThrottlePattern,
  tickers: number,
  perSecond = 10,
): Promise<ThrottledFetchFigures> {
  const server = await startMarketTestServer({ firstDay: '2024-06-03', lastDay: '2024-12-31' });
  const dir = mkdtempSync(join(tmpdir(), 'marketdeck-throttle-'));
  const store = await SqliteStore.open(join(dir, 'throttle.db'));
  try {
    server.setKnobs(knobsOf(pattern, perSecond));
    const httpStats = new HttpStats();
    const source = new YahooChartSource({
      httpGet: instrumentHttpGet(createHttpGet({ timeoutMs: 15_000 }), httpStats),
      baseUrl: server.url,
    });
    const symbols = Array.from({ length: tickers }, (_, i) => `S${String(i).padStart(4, '0')}`);
    const m: FetchRunMetrics = await runFetch({
      store,
      source,
      symbols,
      httpStats,
      options: { maxConcurrent: 12, maxAgeMs: 86_400_000, retries: 5 },
    });
    const stats = server.stats();
    const accepted = stats.requests - stats.rateLimited;
    const limitPerSecond = perSecond + perSecond / m.seconds;
    const acceptedPerSecond = accepted / m.seconds;
    return {
      pattern,
      tickers,
      seconds: m.seconds,
      failed: m.tickers.failed,
      requests: stats.requests,
      acceptedPerSecond: Math.round(acceptedPerSecond * 100) / 100,
      limitPerSecond: Math.round(limitPerSecond * 100) / 100,
      share: Math.round((acceptedPerSecond / limitPerSecond) * 1000) / 1000,
      cooldowns: m.concurrency.cooldowns,
      pausedSeconds: Math.round(m.concurrency.cooldownMs) / 1000,
      concurrency: m.concurrency,
    };
  } finally {
    await store.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
