import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import type { JobProgress } from '../../src/domain/job-run.js';
import type { FetchRunMetrics } from '../../src/fetch/fetch-metrics.js';
import { createConfiguredFetchStep } from '../../src/jobs/handlers/configured-fetch-step.js';
import type { JobContext } from '../../src/jobs/job-handler.js';
import { createFetchHttpGet } from '../../src/sources/http-get.js';
import type { Store } from '../../src/store/store.js';
import { openTempStore } from '../precompute/precompute-fixtures.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';

describe('the configured fetch step (fetch and update jobs)', () => {
  let server: MarketTestServer;
  let store: Store;
  let dispose: () => Promise<void>;
  const httpGet = createFetchHttpGet({ timeoutMs: 3_000 });

  before(async () => {
    server = await startMarketTestServer({ firstDay: '2024-10-01', lastDay: '2024-12-31' });
  });
  after(() => server.close());
  beforeEach(async () => {
    ({ store, dispose } = await openTempStore());
  });
  afterEach(() => dispose());

  const step = () =>
    createConfiguredFetchStep(store, loadConfig({ env: { YAHOO_BASE_URL: server.url, FETCH_RETRIES: '1' } }), {
      httpGet,
    });
  const context = (params: Record<string, unknown>, stages: string[] = []): JobContext => ({
    id: `fetch-test-${Math.random().toString(36).slice(2)}`,
    kind: 'fetch',
    params,
    signal: new AbortController().signal,
    progress: (p: Partial<JobProgress>) => {
      if (p.stage && stages.at(-1) !== p.stage) stages.push(p.stage);
    },
    log: () => {},
  });

  it('fetches the quotes of the same tickers after their bars and reports them in its metrics', async () => {
    const stages: string[] = [];
    const m = (await step()(context({ tickers: 'S0001,S0002,NONEXIST' }, stages))) as unknown as FetchRunMetrics;
    assert.equal(m.tickers.fetched, 2);
    assert.deepEqual([m.quotes?.symbols.stored, m.quotes?.symbols.missing], [2, 1]);
    assert.deepEqual(stages, ['fetch', 'quotes']);
    assert.ok((await store.quotes.get('S0001'))?.marketCap);

    const again = (await step()(context({ tickers: 'S0001,S0002' }))) as unknown as FetchRunMetrics;
    assert.equal(again.quotes?.symbols.skippedFresh, 2, 'fresh quotes are not asked again');
    assert.equal(again.quotes?.requests, 0);
  });

  it('skips the quote phase when the job says quotes: false', async () => {
    const before = server.stats().byPath.quote?.['200'] ?? 0;
    const m = (await step()(context({ tickers: 'S0003', quotes: false }))) as unknown as FetchRunMetrics;
    assert.equal(m.tickers.fetched, 1);
    assert.equal(m.quotes, undefined);
    assert.equal(server.stats().byPath.quote?.['200'] ?? 0, before);
    assert.equal(await store.quotes.get('S0003'), null);
  });

  it("remembers a named universe's members, so precompute publishes that universe's breadth", async () => {
    const m = (await step()(context({ universe: 'dow30', quotes: false }))) as unknown as FetchRunMetrics;
    assert.equal(m.tickers.fetched, 30);
    const members = (await store.universes.get('dow30'))?.map((u) => u.symbol) ?? [];
    assert.equal(members.length, 30);
    assert.ok(members.includes('AAPL'));
    assert.deepEqual(
      (await store.universes.list()).map((u) => u.name),
      ['dow30'],
    );
  });

  it('remembers no universe for explicit tickers', async () => {
    await step()(context({ tickers: 'S0004', quotes: false }));
    assert.deepEqual(await store.universes.list(), []);
  });
});
