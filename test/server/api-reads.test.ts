import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getJson, startTestServer, type TestServer } from './server-test-kit.js';

describe('HTTP API reads of the precomputed dashboard', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('answers JSON with nosniff and the cache dates of the overview', async () => {
    const r = await getJson(t.base, '/api/overview');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.body.meta.key, 'overview');
    assert.equal(r.body.meta.stale, false);
    assert.ok(Date.parse(r.body.meta.expiresAt) > Date.parse(r.body.meta.createdAt));
    assert.equal(r.body.data.asOf, '2018-02-07');
  });

  it('serves the heatmap and the breadth index with the universes and scopes', async () => {
    const heatmap = await getJson(t.base, '/api/heatmap');
    assert.equal(heatmap.status, 200);
    assert.ok(Array.isArray(heatmap.body.data.sectors));
    const index = await getJson(t.base, '/api/breadth');
    assert.equal(index.status, 200);
    const cached = index.body.data.universes.find((u: { name: string }) => u.name === 'cached');
    assert.deepEqual(cached.scopes.map((s: { scope: string }) => s.scope).sort(), [
      'all',
      'sector:Energy',
      'sector:Technology',
    ]);
  });

  it('serves one breadth series by universe and scope, and 404 for a scope never analysed', async () => {
    const r = await getJson(t.base, `/api/breadth/cached/${encodeURIComponent('sector:Energy')}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.meta.key, 'breadth:cached:sector:Energy');
    const missing = await getJson(t.base, '/api/breadth/cached/sector:Utilities');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'MD_ERR_UNKNOWN_BREADTH');
    assert.match(missing.body.error.message, /sector:Utilities/);
  });

  it('sorts, filters by sector and bounds, and limits the screener', async () => {
    const all = await getJson(t.base, '/api/screener');
    assert.equal(all.status, 200);
    assert.equal(all.body.data.total, 4);
    assert.equal(all.body.data.rows.length, 4);
    const sym = all.body.data.columns.indexOf('symbol');
    const sorted = await getJson(t.base, '/api/screener?sort=marketCap&dir=desc&limit=2');
    assert.deepEqual(
      sorted.body.data.rows.map((r: unknown[]) => r[sym]),
      ['AAPL', 'MSFT'],
    );
    assert.equal(sorted.body.data.matched, 4);
    const tech = await getJson(t.base, '/api/screener?sector=Technology&sort=ret1d&dir=asc');
    assert.deepEqual(
      tech.body.data.rows.map((r: unknown[]) => r[sym]),
      ['MSFT', 'ORCL', 'AAPL'],
    );
    const bounded = await getJson(t.base, '/api/screener?min.ret1d=0&max.marketCap=800000000000');
    assert.deepEqual(
      bounded.body.data.rows.map((r: unknown[]) => r[sym]),
      ['ORCL'],
    );
  });

  for (const [query, param] of [
    ['sort=nope', 'sort'],
    ['dir=up', 'dir'],
    ['limit=0', 'limit'],
    ['limit=10001', 'limit'],
    ['limit=abc', 'limit'],
    ['min.symbol=3', 'min.symbol'],
    ['max.ret1d=lots', 'max.ret1d'],
    ['color=red', 'color'],
  ] as const) {
    it(`answers 400 naming "${param}" for the screener query ${query}`, async () => {
      const r = await getJson(t.base, `/api/screener?${query}`);
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, 'MD_ERR_BAD_PARAM');
      assert.match(r.body.error.message, new RegExp(`"${param.replace('.', '\\.')}"`));
      assert.match(r.body.error.message, /expected/);
    });
  }

  it('answers 400 for a parameter on an endpoint that takes none and for a bad jobs filter', async () => {
    const overview = await getJson(t.base, '/api/overview?x=1');
    assert.equal(overview.status, 400);
    assert.match(overview.body.error.message, /"x"/);
    const jobs = await getJson(t.base, '/api/jobs?status=done');
    assert.equal(jobs.status, 400);
    assert.match(jobs.body.error.message, /"status" has the value "done"/);
  });

  it('serves a ticker summary and 404 naming an unknown ticker', async () => {
    const r = await getJson(t.base, '/api/ticker/aapl');
    assert.equal(r.status, 200);
    assert.equal(r.body.data.symbol, 'AAPL');
    assert.equal(r.body.meta.key, 'ticker:AAPL');
    const unknown = await getJson(t.base, '/api/ticker/ZZZZ');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'MD_ERR_UNKNOWN_TICKER');
    assert.match(unknown.body.error.message, /ZZZZ/);
  });

  it('serves each pipeline chart and 404 for an unknown chart', async () => {
    for (const chart of ['timeline24h', 'fetchThroughput', 'errors30d', 'jobs7d']) {
      const r = await getJson(t.base, `/api/pipeline/${chart}`);
      assert.equal(r.status, 200, chart);
      assert.equal(r.body.meta.key, `pipeline:${chart}`);
    }
    const unknown = await getJson(t.base, '/api/pipeline/latency');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'MD_ERR_UNKNOWN_CHART');
  });

  it('reports cache stats, status and health', async () => {
    const stats = await getJson(t.base, '/api/cache/stats');
    assert.equal(stats.status, 200);
    assert.ok(stats.body.total > 4);
    assert.equal(stats.body.ttlMinutes, 15);
    const status = await getJson(t.base, '/api/status');
    assert.equal(status.status, 200);
    assert.equal(status.body.database.kind, 'sqlite');
    assert.ok(status.body.cache.fresh > 4);
    assert.ok(status.body.recentJobs.some((j: { kind: string }) => j.kind === 'precompute'));
    const health = await getJson(t.base, '/healthz');
    assert.deepEqual(health.body, { ok: true });
  });

  it('lists job runs and reads one by id, 404 for an unknown id', async () => {
    const list = await getJson(t.base, '/api/jobs?kind=precompute&limit=5');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.active, []);
    const id = list.body.recent[0].id;
    const one = await getJson(t.base, `/api/jobs/${id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.status, 'succeeded');
    const unknown = await getJson(t.base, '/api/jobs/precompute-nope');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'MD_ERR_UNKNOWN_JOB');
  });

  it('answers 404 for an unknown path and 405 with Allow for a wrong method', async () => {
    const missing = await getJson(t.base, '/api/nothing');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'MD_ERR_NOT_FOUND');
    const wrong = await getJson(t.base, '/api/overview', { method: 'DELETE' });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET');
  });
});
