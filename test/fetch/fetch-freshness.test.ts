import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fetchFreshness } from '../../src/fetch/fetch-freshness.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const HOUR = 3_600_000;

describe('fetchFreshness', () => {
  it('counts fresh, stale and failed tickers per source, only among the tickers that source has', async () => {
    const store = await SqliteStore.open(':memory:');
    try {
      const now = new Date('2026-03-10T12:00:00Z');
      const ago = (h: number) => new Date(now.getTime() - h * HOUR);
      await store.tickers.upsert(['AAPL', 'MSFT', 'IBM', 'KO', 'NEW'].map((symbol) => ({ symbol })));
      await store.fetchState.record({ symbol: 'AAPL', source: 'yahoo', at: ago(1), error: null });
      await store.fetchState.record({ symbol: 'MSFT', source: 'yahoo', at: ago(48), error: null });
      await store.fetchState.record({ symbol: 'IBM', source: 'yahoo', at: ago(48), error: null });
      await store.fetchState.record({ symbol: 'IBM', source: 'yahoo', at: ago(2), error: 'server-error: HTTP 503' });
      // Fresh data stays fresh even when a later retry failed: the planner would skip it too.
      await store.fetchState.record({ symbol: 'KO', source: 'yahoo', at: ago(3), error: null });
      await store.fetchState.record({ symbol: 'KO', source: 'yahoo', at: ago(1), error: 'timeout' });
      await store.fetchState.record({ symbol: 'IBM', source: 'alphavantage', at: ago(1), error: null });
      const f = await fetchFreshness(store, 24 * HOUR, now);
      assert.deepEqual(f.yahoo, { fresh: 2, stale: 1, failed: 1, never: 0 }, 'NEW, with no record, is no Yahoo ticker');
      assert.deepEqual(f.alphavantage, { fresh: 1, stale: 0, failed: 0, never: 0 });
    } finally {
      await store.close();
    }
  });

  it("never counts one source's tickers as never fetched by another (sample beside a CSV import)", async () => {
    const store = await SqliteStore.open(':memory:');
    try {
      const now = new Date('2026-03-10T12:00:00Z');
      const ago = (h: number) => new Date(now.getTime() - h * HOUR);
      await store.tickers.upsert(['AAPL', 'MSFT', 'TEST', 'ZZZZ'].map((symbol) => ({ symbol })));
      for (const symbol of ['AAPL', 'MSFT']) {
        await store.fetchState.record({ symbol, source: 'sample', at: ago(2000), error: null });
      }
      await store.fetchState.record({ symbol: 'TEST', source: 'csv', at: ago(1), error: null });
      await store.fetchState.record({ symbol: 'ZZZZ', source: 'yahoo', at: ago(1), error: 'network: refused' });
      const f = await fetchFreshness(store, 24 * HOUR, now);
      assert.deepEqual(f, {
        csv: { fresh: 1, stale: 0, failed: 0, never: 0 },
        sample: { fresh: 0, stale: 2, failed: 0, never: 0 },
        yahoo: { fresh: 0, stale: 0, failed: 1, never: 0 },
      });
    } finally {
      await store.close();
    }
  });
});
