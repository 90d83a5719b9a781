import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { createReportPrefetch } from '../../src/report/prefetch-report-data.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';

describe('report prefetch through the fetch engine', () => {
  let server: MarketTestServer;
  let dir: string;
  before(async () => {
    server = await startMarketTestServer({
      firstDay: '2024-06-03',
      lastDay: '2024-12-31',
      knobs: {
        unknownSymbols: ['S0003'],
        // Yahoo's chart fails S0001 every time; Alpha Vantage serves it.
        faultPaths: ['chart'],
        scriptedFaults: { kind: 'status5xx', symbols: ['S0001'], failAttempts: 1000 },
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-report-prefetch-'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function prefetch(name: string, env: Record<string, string>) {
    const config = loadConfig({
      env: {
        MARKETDECK_DB: join(dir, `${name}.db`),
        YAHOO_BASE_URL: server.url,
        ALPHA_VANTAGE_BASE_URL: server.url,
        FETCH_RETRIES: '0',
        ...env,
      },
    });
    const store = await SqliteStore.open(config.db);
    try {
      const run = createReportPrefetch({ store, config, runId: name, extraSymbols: ['S0009'] });
      const symbols = ['S0000', 'S0001', 'S0002', 'S0003'];
      const outcome = await run(symbols, new AbortController().signal);
      const again = await run(symbols, new AbortController().signal);
      return { outcome, again, stored: await store.tickers.symbolsWithBars(), quote: await store.quotes.get('S0000') };
    } finally {
      await store.close();
    }
  }

  it('fetches every ticker, lists the ones that failed and skips fresh ones on the next run', async () => {
    const { outcome, again, stored, quote } = await prefetch('yahoo-only', {});
    assert.deepEqual(outcome.failed.map((f) => f.symbol).sort(), ['S0001', 'S0003']);
    assert.deepEqual(outcome.sources, { yahoo: 3 }, 'the benchmark S0009 is fetched with them');
    assert.deepEqual(stored, ['S0000', 'S0002', 'S0009']);
    assert.notEqual(quote, null, 'the quotes are fetched for the valuation facts');
    assert.equal(again.sources.store, 3, 'fresh tickers are skipped');
  });

  it('asks Alpha Vantage, when enabled, for the tickers Yahoo failed', async () => {
    const { outcome, stored } = await prefetch('with-av', {
      ENABLE_ALPHA_VANTAGE: 'yes',
      ALPHA_VANTAGE_API_KEY: 'test-key',
      ALPHA_VANTAGE_RATE_LIMIT: '100',
    });
    assert.deepEqual(
      outcome.failed.map((f) => f.symbol),
      ['S0003'],
    );
    assert.match(outcome.failed[0].reason, /Alpha Vantage: /);
    assert.deepEqual(outcome.sources, { yahoo: 3, alphavantage: 1 });
    assert.ok(stored.includes('S0001'));
  });

  it('analyses stored bars when Yahoo is unreachable, failing only tickers with nothing stored', async () => {
    const config = loadConfig({
      env: { MARKETDECK_DB: join(dir, 'offline.db'), YAHOO_BASE_URL: server.url, FETCH_RETRIES: '0' },
    });
    const store = await SqliteStore.open(config.db);
    try {
      const stored = ['S0000', 'S0002'];
      await createReportPrefetch({ store, config, runId: 'online' })(stored, new AbortController().signal);
      const symbols = [...stored, 'ZZZZ'];
      // Nothing listens on a port just closed: every connection is refused, as offline.
      const closed = await startMarketTestServer({ firstDay: '2024-06-03', lastDay: '2024-06-10' });
      await closed.close();
      const offline = { ...config, yahooBaseUrl: closed.url, fetchMaxAge: '0s' };
      const outcome = await createReportPrefetch({ store, config: offline, runId: 'offline' })(
        symbols,
        new AbortController().signal,
      );
      assert.deepEqual(
        outcome.failed.map((f) => f.symbol),
        ['ZZZZ'],
      );
      assert.match(outcome.failed[0].reason, /^Yahoo is unreachable .*; no bars stored to analyse$/);
      assert.equal(outcome.sources.store, 2);
      assert.match(
        outcome.notice ?? '',
        /^prefetch failed \(Yahoo is unreachable .*\); analysing stored data as of 2024-12-31$/,
      );
    } finally {
      await store.close();
    }
  });
});
