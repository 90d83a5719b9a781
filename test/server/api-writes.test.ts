import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { createJobRuntime } from '../../src/jobs/job-runtime.js';
import { UnsafeBindingError } from '../../src/server/bearer-auth.js';
import { buildApp } from '../../src/server/build-app.js';
import { MAX_BODY_BYTES } from '../../src/server/read-json-body.js';
import { getJson, openEventStream, postJson, startTestServer, type TestServer } from './server-test-kit.js';

describe('HTTP API jobs, refresh and events on loopback', () => {
  let t: TestServer;
  /** The fake fetch step waits for this before finishing, so a test sees it running. */
  let releaseFetch: () => void = () => {};
  before(async () => {
    t = await startTestServer({
      runFetch: async (ctx) => {
        ctx.progress({ done: 1, total: 2, stage: 'download', message: 'half way' });
        await new Promise<void>((r) => {
          releaseFetch = r;
        });
        return { fetched: 2 };
      },
    });
  });
  after(() => t.close());

  it('queues a job from a POST without a token and reports it by id', async () => {
    const r = await postJson(t.base, '/api/jobs', { kind: 'analyze', params: { full: true } });
    assert.equal(r.status, 202);
    assert.equal(r.body.kind, 'analyze');
    assert.equal(r.body.joined, false);
    const run = await (await t.runtime.queue.get(r.body.id))!;
    assert.equal(run.kind, 'analyze');
    assert.deepEqual(run.params, { full: true });
  });

  it('delivers a job`s queued, progress and finished events over SSE', async () => {
    const stream = await openEventStream(t.base);
    try {
      const posted = await postJson(t.base, '/api/jobs', { kind: 'fetch' });
      assert.equal(posted.status, 202);
      const id = posted.body.id;
      await stream.until((e) => e.event === 'progress' && e.data.id === id);
      releaseFetch();
      const events = await stream.until((e) => e.event === 'finished' && e.data.run.id === id);
      const mine = events.filter((e) => (e.data.run?.id ?? e.data.id) === id);
      assert.deepEqual(
        mine.map((e) => e.event),
        ['queued', 'started', 'progress', 'finished'],
      );
      assert.equal(mine[2].data.progress.message, 'half way');
      assert.equal(mine[3].data.run.status, 'succeeded');
      assert.deepEqual(stream.comments, ['connected']);
    } finally {
      stream.close();
    }
  });

  it('answers 400 for an invalid JSON body, a kind it does not run and params that are not an object', async () => {
    const bad = await postJson(t.base, '/api/jobs', '{"kind": ');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'MD_ERR_BAD_JSON');
    const kind = await postJson(t.base, '/api/jobs', { kind: 'report' });
    assert.equal(kind.status, 400);
    assert.equal(kind.body.error.code, 'MD_ERR_BAD_BODY');
    assert.match(kind.body.error.message, /"report".*update, fetch, analyze, precompute/);
    const params = await postJson(t.base, '/api/jobs', { kind: 'fetch', params: [1] });
    assert.equal(params.status, 400);
    assert.match(params.body.error.message, /"params"/);
  });

  it('answers 413 for a body over the limit', async () => {
    const r = await postJson(t.base, '/api/jobs', { kind: 'fetch', params: { pad: 'x'.repeat(MAX_BODY_BYTES) } });
    assert.equal(r.status, 413);
    assert.equal(r.body.error.code, 'MD_ERR_BODY_TOO_LARGE');
  });

  it('runs a full refresh, returns its summary and rebuilds the cache', async () => {
    const r = await postJson(t.base, '/api/refresh', {});
    assert.equal(r.status, 200);
    assert.ok(r.body.summary.cleared_entries > 0);
    assert.ok(r.body.summary.entries_cached > 4);
    assert.match(r.body.summary.summary, /^cleared \d+ entries/);
    const heatmap = await getJson(t.base, '/api/heatmap');
    assert.equal(heatmap.status, 200);
    assert.ok(
      Date.parse(heatmap.body.meta.createdAt) >=
        Date.parse((await t.runtime.queue.get(r.body.id))!.startedAt!.toISOString()),
    );
  });
});

describe('HTTP API event stream', () => {
  it('sends heartbeat comments on an idle stream', async () => {
    const t = await startTestServer({ precompute: false, heartbeatMs: 5 });
    try {
      const stream = await openEventStream(t.base);
      await stream.untilComment('heartbeat');
      assert.deepEqual(stream.events, []);
      assert.equal(stream.comments[0], 'connected');
      stream.close();
    } finally {
      await t.close();
    }
  });
});

describe('HTTP API configured for a non-loopback host', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ settings: { host: '0.0.0.0', apiToken: 'sesame' } });
  });
  after(() => t.close());

  it('answers 401 to a POST without the token and to a wrong one', async () => {
    const none = await postJson(t.base, '/api/refresh', {});
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'MD_ERR_UNAUTHORIZED');
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    const wrong = await postJson(t.base, '/api/jobs', { kind: 'fetch' }, { authorization: 'Bearer open' });
    assert.equal(wrong.status, 401);
    assert.equal((await t.runtime.queue.active()).length, 0);
  });

  it('queues a job from a POST with the token, and reads need none', async () => {
    const r = await postJson(t.base, '/api/jobs', { kind: 'analyze' }, { authorization: 'Bearer sesame' });
    assert.equal(r.status, 202);
    assert.equal((await getJson(t.base, '/api/overview')).status, 200);
  });

  it('refuses to build on a non-loopback host without API_TOKEN, naming the host', async () => {
    const config = loadConfig({ env: {}, overrides: { host: '0.0.0.0' } });
    const runtime = createJobRuntime({ store: t.store, config });
    assert.throws(
      () => buildApp({ store: t.store, config, runtime }),
      (e: Error) => {
        assert.ok(e instanceof UnsafeBindingError);
        assert.match(e.message, /"0\.0\.0\.0".*API_TOKEN/);
        return true;
      },
    );
  });
});
