import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { createJobRuntime, type JobRuntime } from '../../src/jobs/job-runtime.js';
import type { OverviewPayload } from '../../src/precompute/build-overview.js';
import type { Store } from '../../src/store/store.js';
import { walkBars } from '../analysis/bar-series-fixtures.js';
import { openTempStore } from '../precompute/precompute-fixtures.js';

describe('update job end to end (fetch stubbed, real analysis and precompute)', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let runtime: JobRuntime;
  let fetches: Record<string, unknown>[];

  beforeEach(async () => {
    ({ store, dispose } = await openTempStore());
    fetches = [];
    const sectors = ['Energy', 'Energy', 'Utilities'];
    await store.bars.writeTickers(
      ['AAA', 'BBB', 'CCC'].map((symbol, i) => ({
        symbol,
        info: { name: `${symbol} Corp`, sector: sectors[i], industry: 'Things' },
        bars: walkBars(symbol, 300, i + 1),
      })),
    );
    runtime = createJobRuntime({
      store,
      config: loadConfig({ env: {} }),
      runFetch: async (ctx) => {
        fetches.push({ ...ctx.params });
        return { tickers: { fetched: 0 } };
      },
    });
  });
  afterEach(async () => {
    await runtime.queue.close();
    await dispose();
  });

  it('fetches, analyses the stored tickers and publishes the dashboard for them', async () => {
    const run = await (await runtime.queue.enqueue('update', { universe: 'cached' })).done;
    assert.equal(run.status, 'succeeded', run.error ?? '');
    assert.deepEqual(fetches, [{ universe: 'cached' }]);
    assert.deepEqual(Object.keys(run.metrics ?? {}), ['fetch', 'analyze', 'precompute', 'durationsMs']);
    assert.equal((run.metrics?.analyze as { tickers: number } | undefined)?.tickers, 3);
    const overview = await runtime.cache.get<OverviewPayload>('overview');
    assert.equal(overview?.asOf, '2018-02-07');
    assert.equal(overview?.freshness.tickers, 3);
    const keys = new Set((await store.cache.list()).map((e) => e.key));
    for (const key of ['breadth:cached:all', 'breadth:cached:sector:Energy', 'ticker:AAA', 'screener', 'heatmap']) {
      assert.ok(keys.has(key), `${key} is cached`);
    }
  });

  it('fails an analyze job of an unknown universe with the resolver’s message', async () => {
    const run = await (await runtime.queue.enqueue('analyze', { universe: 'no-such-universe' })).done;
    assert.equal(run.status, 'failed');
    assert.match(run.error ?? '', /no-such-universe/);
  });
});
