import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { CACHE_KEYS } from '../../src/precompute/cache-keys.js';
import { startDashboardServer } from '../../src/server/start-dashboard-server.js';
import { openTempStore, seedAnalysis } from '../precompute/precompute-fixtures.js';
import { getJson, postJson, startTestServer } from './server-test-kit.js';

describe('HTTP API over a cache that is empty or expired', () => {
  it('answers 503 saying to run precompute when no precompute ever ran', async () => {
    const t = await startTestServer({ precompute: false });
    try {
      for (const path of [
        '/api/overview',
        '/api/screener',
        '/api/breadth',
        '/api/pipeline/jobs7d',
        '/api/ticker/AAPL',
      ]) {
        const r = await getJson(t.base, path);
        assert.equal(r.status, 503, path);
        assert.equal(r.body.error.code, 'MD_ERR_NOT_READY');
        assert.match(r.body.error.message, /marketdeck precompute/);
      }
      assert.equal((await t.store.jobRuns.list({ kind: 'precompute' })).length, 0);
    } finally {
      await t.close();
    }
  });

  it('serves an expired entry with stale: true while one precompute rebuilds it', async () => {
    const t = await startTestServer();
    try {
      const entry = (await t.store.cache.getEntry(CACHE_KEYS.overview))!;
      await t.store.cache.setMany([{ key: CACHE_KEYS.overview, value: entry.value }], -1);
      const stale = await getJson(t.base, '/api/overview');
      assert.equal(stale.status, 200);
      assert.equal(stale.body.meta.stale, true);
      assert.equal(stale.body.data.asOf, '2018-02-07');
      // The rebuild runs in the background: wait for it by turns of the event loop, not by time.
      const succeeded = async () => (await t.store.jobRuns.list({ kind: 'precompute', status: 'succeeded' })).length;
      for (let i = 0; i < 10_000 && (await succeeded()) < 2; i++) await new Promise((r) => setImmediate(r));
      assert.equal(await succeeded(), 2, 'one precompute job rebuilt the cache');
      const fresh = await getJson(t.base, '/api/overview');
      assert.equal(fresh.body.meta.stale, false);
    } finally {
      await t.close();
    }
  });

  it('requires the token on loopback too once API_TOKEN is set', async () => {
    const t = await startTestServer({ settings: { apiToken: 'sesame' } });
    try {
      assert.equal((await postJson(t.base, '/api/jobs', { kind: 'analyze' })).status, 401);
      const ok = await postJson(t.base, '/api/jobs', { kind: 'analyze' }, { authorization: 'Bearer sesame' });
      assert.equal(ok.status, 202);
    } finally {
      await t.close();
    }
  });
});

describe('the dashboard server that serve runs', () => {
  it('precomputes an empty cache before listening, serves, and stops', async () => {
    const { store, dispose } = await openTempStore();
    await seedAnalysis(store);
    const config = loadConfig({ env: {}, overrides: { port: 0, precomputeCron: '', updateCron: '' } });
    const server = await startDashboardServer({ store, config, runAnalyze: async () => ({}) });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const r = await getJson(server.url.replace(/\/$/, ''), '/api/overview');
      assert.equal(r.status, 200);
      assert.equal(r.body.meta.stale, false);
      assert.equal((await store.jobRuns.list({ kind: 'precompute', status: 'succeeded' })).length, 1);
    } finally {
      await server.stop();
      await dispose();
    }
  });
});
