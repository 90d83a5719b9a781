import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BarSeries } from '../../src/domain/bar-series.js';
import { runFetch } from '../../src/fetch/fetch-engine.js';
import type { FetchEngineOptions } from '../../src/fetch/fetch-options.js';
import { HttpStats, instrumentHttpGet } from '../../src/fetch/instrumented-http-get.js';
import { createHttpGet } from '../../src/sources/create-http-get.js';
import { YahooChartSource } from '../../src/sources/yahoo/yahoo-chart-source.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import {
  type MarketTestServer,
  type MarketTestServerOptions,
  startMarketTestServer,
} from '../support/market-test-server.js';

/** A fetch set-up on real parts: the local market test server, the Yahoo chart source and a SQLite file. */
export interface FetchKit {
  server: MarketTestServer;
  store: SqliteStore;
  dir: string;
  /** One fetch run with fast test retries; each run counts its own HTTP requests. */
  fetch(symbols: readonly string[], options?: Partial<FetchEngineOptions>): ReturnType<typeof runFetch>;
  close(): Promise<void>;
}

/** Retries quick enough for tests; the policy is the same as in production. */
export const TEST_ENGINE_OPTIONS: FetchEngineOptions = {
  maxConcurrent: 8,
  maxAgeMs: 24 * 3_600_000,
  retries: 6,
  retryBaseDelayMs: 5,
  retryMaxDelayMs: 50,
  adaptive: { cooldownMs: 10, maxCooldownMs: 50 },
};

export async function openFetchKit(serverOptions: MarketTestServerOptions = {}): Promise<FetchKit> {
  const server = await startMarketTestServer({ firstDay: '2024-06-03', lastDay: '2024-12-31', ...serverOptions });
  const dir = mkdtempSync(join(tmpdir(), 'marketdeck-fetch-test-'));
  const store = await SqliteStore.open(join(dir, 'test.db'));
  // The default transport, as the fetch command uses.
  const transport = createHttpGet({ timeoutMs: 3_000 });
  return {
    server,
    store,
    dir,
    fetch(symbols, options = {}) {
      const httpStats = new HttpStats();
      const source = new YahooChartSource({ httpGet: instrumentHttpGet(transport, httpStats), baseUrl: server.url });
      return runFetch({ store, source, symbols, httpStats, options: { ...TEST_ENGINE_OPTIONS, ...options } });
    },
    async close() {
      await store.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** S0000, S0001, ... : symbols the test server has a generated history for. */
export function testSymbols(n: number, offset = 0): string[] {
  return Array.from({ length: n }, (_, i) => `S${String(i + offset).padStart(4, '0')}`);
}

/** The stored series equals what the server serves: same dates (none missing, none twice) and values. */
export async function assertStoredAsServed(kit: FetchKit, symbol: string): Promise<void> {
  const stored = await kit.store.bars.read(symbol);
  const served = kit.server.series(symbol);
  assert.ok(stored, `${symbol} has bars`);
  assert.ok(served, `${symbol} is served`);
  assertSameSeries(stored, served.bars, symbol);
}

export function assertSameSeries(a: BarSeries, b: BarSeries, symbol: string): void {
  assert.equal(a.dates.length, b.dates.length, `${symbol}: bar count`);
  assert.deepEqual([...a.dates], [...b.dates], `${symbol}: dates`);
  for (const f of ['open', 'high', 'low', 'close', 'volume'] as const) {
    assert.deepEqual([...a[f]], [...b[f]], `${symbol}: ${f}`);
  }
  // The chart body carries adjusted closes to 4 decimals, as Yahoo's does.
  for (let i = 0; i < a.adjClose.length; i++) {
    assert.ok(
      Math.abs(a.adjClose[i] - b.adjClose[i]) <= 5.1e-5,
      `${symbol}: adjClose[${i}] ${a.adjClose[i]} vs ${b.adjClose[i]}`,
    );
  }
}
